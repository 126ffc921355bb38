#!/usr/bin/env zx
// `npm test`: prepare the host, build the CLI and the single executable,
// then the checks (tsc --noEmit, eslint) and the unit and integration
// tests. Arguments go to vitest (`npm test -- test/integration/run.test.ts`),
// which then runs once with them, without the checks.
import 'zx/globals';
import { prepare, section, step } from './lib/prepare.mjs';

$.verbose = false;
const root = path.resolve(__dirname, '..');
cd(root);

await prepare(root);

const args = process.argv.slice(3); // node, zx, this script, then ours
const runs = args.length
  ? [['tests', ['vitest', 'run', ...args]]]
  : [
      // esbuild does not type-check; this does (eslint.config.js says which rules and why).
      ['type check (tsc --noEmit)', ['tsc', '--noEmit', '-p', '.']],
      ['lint (eslint)', ['eslint', '.']],
      ['unit tests', ['vitest', 'run', '--project', 'unit']],
      ['integration tests', ['vitest', 'run', '--project', 'integration']],
    ];
let status = 0;
for (const [title, cmd] of runs) {
  section(title);
  // Every step runs even when an earlier one failed: CI shows all failures at once.
  const code = await step(cmd);
  if (code !== 0) status = code;
}
section(status === 0 ? 'all tests passed' : `tests FAILED (exit ${status})`);
process.exit(status);
