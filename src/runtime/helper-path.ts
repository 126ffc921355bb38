// Where the C helper binary is. Development builds run it from dist/ beside
// the bundle; the single executable extracts its embedded copy (see
// scripts/bundle.mjs and src/sea/). TSC_RUN_HELPER overrides both, for tests.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelperError } from '../errors.js';

let cached: string | undefined;

export function helperPath(): string {
  if (cached) return cached;
  const candidates = [
    process.env.TSC_RUN_HELPER,
    // dist/app/chunks/x.mjs or dist/app/tsc-run.mjs → dist/tsc-run-helper
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'tsc-run-helper'),
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'tsc-run-helper'),
  ];
  for (const c of candidates) {
    if (c && fs.existsSync(c)) return (cached = c);
  }
  throw new HelperError('cannot find the tsc-run-helper binary: run `npm run build` (or set TSC_RUN_HELPER)');
}
