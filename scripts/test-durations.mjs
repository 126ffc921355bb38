#!/usr/bin/env node
// `node scripts/test-durations.mjs LOG...`: read vitest's output of full
// integration runs (ANSI colours or not) and write each file's duration in
// seconds to test/harness/durations.json, the order in which the parallel
// integration project starts its files (test/harness/sequencer.ts: longest
// first, so the two workers end together). Several logs: the mean. Refresh it
// from the CI log when files were added or became much slower.
import fs from 'node:fs';
import path from 'node:path';

const logs = process.argv.slice(2);
if (!logs.length) {
  console.error('usage: node scripts/test-durations.mjs VITEST-LOG...');
  process.exit(2);
}
const sums = new Map();
for (const log of logs) {
  const text = fs.readFileSync(log, 'utf8').replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), ''); // ANSI colours
  // " ✓  integration  test/integration/x.test.ts (12 tests | 1 skipped) 34567ms" (or "1.2s")
  for (const m of text.matchAll(/^ [✓❯×] +integration(?:-serial)? +(test\/integration\/\S+\.test\.ts) \([^)]*\) +([\d.]+)(ms|s)$/gm)) {
    const s = m[3] === 'ms' ? Number(m[2]) / 1000 : Number(m[2]);
    const e = sums.get(m[1]) ?? { total: 0, n: 0 };
    sums.set(m[1], { total: e.total + s, n: e.n + 1 });
  }
}
const out = Object.fromEntries(
  [...sums].map(([f, { total, n }]) => [f, Math.round((total / n) * 10) / 10]).sort((a, b) => b[1] - a[1]),
);
const file = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'test', 'harness', 'durations.json');
fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`${Object.keys(out).length} files -> ${path.relative(process.cwd(), file)}`);
