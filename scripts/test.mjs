#!/usr/bin/env zx
// `npm test`: prepare the host, build the CLI and the single executable,
// then run the unit and the integration tests. Arguments go to vitest
// (`npm test -- test/integration/run.test.ts`), which then runs once with them.
import 'zx/globals';
import { prepare, section, step } from './lib/prepare.mjs';

$.verbose = false;
const root = path.resolve(__dirname, '..');
cd(root);

await prepare(root);

const args = process.argv.slice(3); // node, zx, this script, then ours
const runs = args.length
  ? [['tests', ['run', ...args]]]
  : [
      ['unit tests', ['run', '--project', 'unit']],
      ['integration tests', ['run', '--project', 'integration']],
    ];
let status = 0;
for (const [title, vitestArgs] of runs) {
  section(title);
  // Every project runs even when an earlier one failed: CI shows all failures at once.
  const code = await step(['vitest', ...vitestArgs]);
  if (code !== 0) status = code;
}
section(status === 0 ? 'all tests passed' : `tests FAILED (exit ${status})`);
process.exit(status);
