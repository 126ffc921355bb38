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

/** Run argv with its output kept (stdin closed); resolves with the exit code and what it printed. */
async function captured(cmd) {
  const r = await $({ stdio: ['ignore', 'pipe', 'pipe'], verbose: false })`${cmd}`.nothrow();
  return { code: r.exitCode ?? 1, output: r.stdout + r.stderr };
}

let status = 0;
if (args.length) {
  section('tests');
  status = await step(['vitest', 'run', ...args]);
} else {
  // The two checks are single-threaded: on two cores they run side by side,
  // each printed in full under its own heading once both are done.
  // esbuild does not type-check; tsc does (eslint.config.js says which rules and why).
  const checks = [
    ['type check (tsc --noEmit)', ['tsc', '--noEmit', '-p', '.']],
    ['lint (eslint)', ['eslint', '.']],
  ];
  section(checks.map(([title]) => title).join(' and ') + ', side by side');
  const results = await Promise.all(checks.map(([, cmd]) => captured(cmd)));
  checks.forEach(([title], i) => {
    section(title);
    process.stdout.write(results[i].output);
    // Every step runs even when an earlier one failed: CI shows all failures at once.
    if (results[i].code !== 0) status = results[i].code;
  });
  for (const [title, cmd] of [
    ['unit tests', ['vitest', 'run', '--project', 'unit']],
    // Both integration projects: the parallel files, then the serial ones (vitest.config.ts).
    ['integration tests', ['vitest', 'run', '--project', 'integration*']],
  ]) {
    section(title);
    const code = await step(cmd);
    if (code !== 0) status = code;
  }
}
section(status === 0 ? 'all tests passed' : `tests FAILED (exit ${status})`);
process.exit(status);
