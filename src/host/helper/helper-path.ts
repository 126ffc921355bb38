// Where the C helper binary is. TSC_RUN_HELPER overrides (tests); the single
// executable extracts and verifies its embedded copy (embedded-helper.ts);
// development builds run dist/tsc-run-helper beside the bundle.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelperError } from '../../errors.js';
import { embeddedHelperPath } from './embedded-helper.js';

let devPath: string | undefined;

function devHelperPath(): string | undefined {
  if (devPath) return devPath;
  const here = path.dirname(fileURLToPath(import.meta.url));
  // dist/app/tsc-run.mjs or dist/app/chunks/x.mjs → dist/tsc-run-helper
  for (const c of [path.resolve(here, '..', 'tsc-run-helper'), path.resolve(here, '..', '..', 'tsc-run-helper')]) {
    if (fs.existsSync(c)) return (devPath = c);
  }
  return undefined;
}

/**
 * The helper to exec. Not cached for the single executable: each call
 * re-checks the extracted copy (cheaply, unless it changed on disk).
 */
export function helperPath(): string {
  const override = process.env.TSC_RUN_HELPER;
  if (override) {
    if (!fs.existsSync(override)) throw new HelperError(`TSC_RUN_HELPER=${override} does not exist`);
    return override;
  }
  const found = embeddedHelperPath() ?? devHelperPath();
  if (found) return found;
  throw new HelperError('cannot find the tsc-run-helper binary: run `npm run build` (or set TSC_RUN_HELPER)');
}
