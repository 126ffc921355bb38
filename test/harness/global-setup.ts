// Vitest global setup for the integration project: copy the built CLI once
// into a fresh per-run directory that the test user can read, hand its path
// to the workers through the environment, and remove it afterwards.

import fs from 'node:fs';
import path from 'node:path';
import { installCliBinary, RUN_DIR_ENV } from './binary.js';
import { removeTree, sandboxBase } from './sandbox.js';
import { isRoot, testUser } from './user.js';

export default function setup(): () => Promise<void> {
  const runDir = fs.mkdtempSync(path.join(sandboxBase(), 'tsc-run-it-'));
  const cli = installCliBinary(runDir);
  process.env[RUN_DIR_ENV] = runDir;
  const u = testUser();
  process.stderr.write(
    `[harness] CLI ${cli.bin}${cli.single ? '' : ' (development launcher)'}; runs as ${u.name} (uid ${u.uid})` +
      `${isRoot() ? '; root mode available' : ''}\n`,
  );
  // Caches in there belong to the test user (or its subordinate ids): removeTree copes.
  return () => removeTree(runDir, u);
}
