#!/usr/bin/env zx
// `npm run bench:build` (or `npx zx scripts/bench/build.mjs`): `build` beside
// `podman build`, same user, same context: FROM the busybox image, three RUN
// steps writing files, a COPY of a 20 MB directory (200 files of 100 kB).
// Cold = --no-cache (the base image already local), cached = the same build
// again with every step in the cache. Median/p90 of --runs (default 3) after
// --warmup (default 1). Needs `npm run bundle` first. As root it runs
// everything as the test user (tsctest, --user NAME); podman goes through a
// private mount namespace (see lib.mjs) and falls back to --isolation chroot
// when its OCI runtime cannot run here.
//
// --big (or --big-mb N, default 1024): also a large context: N files of 1 MB
// COPYed in one step plus a small file in the next; timed once each: the
// first build (everything hashed and copied), a fully cached rebuild, and a
// rebuild after the small file changed (the large sources are only stat'ed:
// their hashes come from the per-context digest cache). podman hashes every
// source again on each build.
import 'zx/globals';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { benchSandbox, benchUser, printTable, requireBundle, timeIt } from './lib.mjs';

$.verbose = false;
const runs = Number(argv.runs ?? 3);
const warmup = Number(argv.warmup ?? 1);
const userName = argv.user ?? 'tsctest';
const bigMb = argv['big-mb'] !== undefined ? Number(argv['big-mb']) : argv.big ? 1024 : 0;

requireBundle();
const who = benchUser(userName);
const { dir, tsc, podmanArgv, podmanAvailable, sh, importBusybox, cleanup, asRoot } = await benchSandbox('build', { who });
const timing = { runs, warmup };

const ctx = path.join(dir, 'context');
await fs.mkdirp(path.join(ctx, 'data'));
for (let i = 0; i < 200; i++) await fs.writeFile(path.join(ctx, 'data', `f${i}.bin`), randomBytes(100 * 1024));
await fs.writeFile(
  path.join(ctx, 'Containerfile'),
  ['FROM localhost/bench', 'RUN echo one > /one && mkdir -p /work', 'RUN seq 1 10000 > /work/numbers', 'RUN cp /work/numbers /work/copy && echo three > /three', 'COPY data /data/', ''].join('\n'),
);
const big = path.join(dir, 'big');
if (bigMb > 0) {
  await fs.mkdirp(path.join(big, 'big'));
  for (let i = 0; i < bigMb; i++) await fs.writeFile(path.join(big, 'big', `f${i}.bin`), randomBytes(1024 * 1024));
  await fs.writeFile(path.join(big, 'small.txt'), 'one\n');
  await fs.writeFile(path.join(big, 'Containerfile'), 'FROM localhost/bench\nCOPY big /big/\nCOPY small.txt /small.txt\n');
}
if (asRoot) spawnSync('chown', ['-R', `${who.uid}:${who.gid}`, ctx, ...(bigMb > 0 ? [big] : [])]);

const results = [];
const bigResults = [];
let podmanNote = podmanAvailable ? '' : 'podman is not installed';
try {
  const tar = await importBusybox();
  results.push(timeIt('tsc-run build --no-cache', () => sh(tsc('build', '-q', '--no-cache', '-t', 'out', ctx)), timing));
  results.push(timeIt('tsc-run build (cached)', () => sh(tsc('build', '-q', '-t', 'out', ctx)), timing));
  const once = { runs: 1, warmup: 0 };
  const bigCase = (engine, build) => {
    const small = (text) => {
      fs.writeFileSync(path.join(big, 'small.txt'), text);
      if (asRoot) spawnSync('chown', [`${who.uid}:${who.gid}`, path.join(big, 'small.txt')]);
    };
    small(`${engine} first\n`);
    bigResults.push(timeIt(`${engine} ${bigMb} MB: first build`, build, once));
    bigResults.push(timeIt(`${engine} ${bigMb} MB: cached`, build, once));
    small(`${engine} changed\n`);
    bigResults.push(timeIt(`${engine} ${bigMb} MB: one file changed`, build, once));
  };
  if (bigMb > 0) bigCase('tsc-run', () => sh(tsc('build', '-q', '-t', 'big', big)));

  if (podmanAvailable) {
    sh(podmanArgv('import', tar, 'localhost/bench'), { podman: true, allowFail: true });
    let iso = [];
    let probe = sh(podmanArgv('build', '-q', '-t', 'out', ctx), { podman: true, allowFail: true });
    if (probe.status !== 0) {
      iso = ['--isolation', 'chroot'];
      probe = sh(podmanArgv('build', '-q', ...iso, '-t', 'out', ctx), { podman: true, allowFail: true });
    }
    if (probe.status !== 0) podmanNote = `podman cannot build here: ${probe.stderr.trim().split('\n').pop()}`;
    else {
      if (iso.length) podmanNote = 'podman with --isolation chroot (its OCI runtime cannot run here)';
      results.push(timeIt('podman build --no-cache', () => sh(podmanArgv('build', '-q', ...iso, '--no-cache', '-t', 'out', ctx), { podman: true }), timing));
      results.push(timeIt('podman build (cached)', () => sh(podmanArgv('build', '-q', ...iso, '-t', 'out', ctx), { podman: true }), timing));
      if (bigMb > 0) bigCase('podman', () => sh(podmanArgv('build', '-q', ...iso, '-t', 'big', big), { podman: true }));
    }
  }
} finally {
  cleanup();
}

printTable(`build benchmark as ${who.name} (3 RUN + COPY of 20 MB), ${runs} runs after ${warmup} warm-up, wall ms`, results);
const ratio = (a, b) => {
  const x = results.find((r) => r.name === a);
  const y = results.find((r) => r.name === b);
  return x && y ? (x.median / y.median).toFixed(2) : undefined;
};
const cold = ratio('tsc-run build --no-cache', 'podman build --no-cache');
const warm = ratio('tsc-run build (cached)', 'podman build (cached)');
if (cold) echo(`no-cache: tsc-run / podman ${cold}x (aim: at most 0.75x); cached: ${warm}x (aim: at most 0.5x)`);
if (podmanNote) echo(`podman: ${podmanNote}`);
if (bigResults.length) {
  printTable(`large context: ${bigMb} files of 1 MB in one COPY, then a small file; one run each, wall ms`, bigResults);
  const ms = (n) => bigResults.find((r) => r.name === n)?.median;
  const t = ms(`tsc-run ${bigMb} MB: one file changed`);
  const p = ms(`podman ${bigMb} MB: one file changed`);
  echo(`one file changed in a ${bigMb} MB context: tsc-run ${(t / 1000).toFixed(2)} s (aim: under 2 s)${p ? `, podman ${(p / 1000).toFixed(2)} s (${(t / p).toFixed(2)}x)` : ''}`);
}
