#!/usr/bin/env zx
// `npm run bench:scale`: how tsc-run holds up with many objects, beside
// podman where podman can be given the same state in reasonable time:
//   images with 1,000 images        aim: median < 150 ms (tsc-run alone:
//                                   the 999 extra images are written as a
//                                   pull would leave them, sharing one layer)
//   images with 200 containers      aim: <= 0.5x podman (both stores get
//                                   200 real `create`s, 8 at a time)
//   50 run -d started at once       aim: all succeed, batch faster than podman's
//   ps -a with 5,000 containers     aim: median < 200 ms (bench:ps --count 5000)
// As root it runs everything as the test user (tsctest, --user NAME); podman
// goes through the private mount namespace of scripts/bench/lib.mjs.
// Flags: --runs N (default 10), --images N (1000), --containers N (200),
// --batch N (50), --ps N (5000), --no-podman, --batch-only (only the batch,
// --batch-rounds N times, ours and podman's in turn). Needs `npm run bundle` first.
import 'zx/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { benchSandbox, benchUser, printTable, requireBundle, root, timeIt } from './lib.mjs';

$.verbose = false;
const runs = Number(argv.runs ?? 10);
const nImages = Number(argv.images ?? 1000);
const nContainers = Number(argv.containers ?? 200);
const batch = Number(argv.batch ?? 50);
const nPs = Number(argv.ps ?? 5000);
const userName = argv.user ?? 'tsctest';

requireBundle();
const who = benchUser(userName);
const sb = await benchSandbox('scale', { who });
const { dir, tsc, podmanArgv, sh, start, importBusybox, cleanup } = sb;
const withPodman = sb.podmanAvailable && argv.podman !== false;
const timing = { runs, warmup: 2 };
const results = [];
const lines = [];
const sha = (b) => createHash('sha256').update(b).digest('hex');

/** `n` copies of the imported image, each its own config (a label) and manifest, as a pull of n images sharing a base layer leaves them. */
async function synthesizeImages(n) {
  const storeRoot = path.join(dir, 'tsc-root');
  const file = path.join(storeRoot, 'images.json');
  const state = await fs.readJson(file);
  const base = state.images[0];
  const blobs = path.join(storeRoot, 'blobs', 'sha256');
  const config = await fs.readJson(path.join(blobs, base.id));
  const manifest = await fs.readJson(path.join(blobs, base.digest.slice('sha256:'.length)));
  for (let i = 1; i < n; i++) {
    const c = Buffer.from(JSON.stringify({ ...config, config: { ...config.config, Labels: { ...(config.config?.Labels ?? {}), bench: String(i) } } }));
    const id = sha(c);
    const m = Buffer.from(JSON.stringify({ ...manifest, config: { ...manifest.config, digest: `sha256:${id}`, size: c.length } }));
    const digest = sha(m);
    await fs.writeFile(path.join(blobs, id), c);
    await fs.writeFile(path.join(blobs, digest), m);
    const name = `localhost/scale${i}:latest`;
    state.images.push({ ...base, id, digest: `sha256:${digest}`, names: [name], namesHistory: [name] });
  }
  await fs.writeJson(file, state);
  if (sb.asRoot) spawnSync('chown', ['-R', `${who.uid}:${who.gid}`, storeRoot]);
}

/** `n` containers from `create`, `parallel` at a time; the count that failed. */
async function createMany(argvOf, n, parallel, opts = {}) {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        next++;
        const r = await start(argvOf(), opts);
        if (r.status !== 0) {
          failed++;
          echo(`create failed (${r.status}): ${r.stderr.trim().split('\n').pop()}`);
        }
      }
    }),
  );
  return failed;
}

/** All `n` started at once; wall ms of the whole batch and the failures' first lines. */
async function startBatch(argvOf, n, opts = {}) {
  const t0 = performance.now();
  const done = await Promise.all(Array.from({ length: n }, () => start(argvOf(), opts)));
  const ms = performance.now() - t0;
  const failed = done.filter((d) => d.status !== 0);
  return { ms, failed: failed.length, why: [...new Set(failed.map((d) => d.stderr.trim().split('\n').pop()))].slice(0, 3) };
}

try {
  const tar = await importBusybox();
  let podmanOk = false;
  if (withPodman) {
    const imported = sh(podmanArgv('import', tar, 'localhost/bench'), { podman: true, allowFail: true });
    podmanOk = imported.status === 0;
    if (!podmanOk) lines.push(`podman: cannot import here (${imported.stderr.trim().split('\n').pop()}), tsc-run alone`);
  }

  if (argv['batch-only']) {
    for (let r = 0; r < Number(argv['batch-rounds'] ?? 1); r++) {
      const ours = await startBatch(() => tsc('run', '-d', 'bench', 'sleep', '1000'), batch);
      sh(tsc('rm', '-fa', '-t', '0'));
      const theirs = podmanOk ? await startBatch(() => podmanArgv('run', '-d', 'localhost/bench', 'sleep', '1000'), batch, { podman: true }) : undefined;
      if (podmanOk) sh(podmanArgv('rm', '-fa', '-t', '0'), { podman: true });
      const ratio = theirs ? `, podman ${theirs.ms.toFixed(0)} ms ${batch - theirs.failed}/${batch}: ${(ours.ms / theirs.ms).toFixed(2)}x` : '';
      echo(`${batch} x run -d at once: tsc-run ${ours.ms.toFixed(0)} ms ${batch - ours.failed}/${batch}${ratio} (load ${os.loadavg()[0].toFixed(1)})`);
    }
  } else {
    // images with 200 containers, both tools.
    const fc = await createMany(() => tsc('create', 'bench', 'true'), nContainers, 8);
    if (fc) throw new Error(`tsc-run create failed ${fc} times`);
    results.push(timeIt(`tsc-run images (${nContainers} containers)`, () => sh(tsc('images')), timing));
    if (podmanOk) {
      const pf = await createMany(() => podmanArgv('create', 'localhost/bench', 'true'), nContainers, 8, { podman: true });
      if (pf) throw new Error(`podman create failed ${pf} times`);
      results.push(timeIt(`podman images (${nContainers} containers)`, () => sh(podmanArgv('images'), { podman: true }), timing));
    }
    sh(tsc('rm', '-a'));
    if (podmanOk) sh(podmanArgv('rm', '-a'), { podman: true });

    // 50 run -d at once, both tools.
    const ours = await startBatch(() => tsc('run', '-d', 'bench', 'sleep', '1000'), batch);
    lines.push(`tsc-run ${batch} x run -d at once: ${ours.ms.toFixed(0)} ms, ${batch - ours.failed}/${batch} succeeded${ours.why.length ? ` (${ours.why.join('; ')})` : ''}`);
    let theirs;
    if (podmanOk) {
      theirs = await startBatch(() => podmanArgv('run', '-d', 'localhost/bench', 'sleep', '1000'), batch, { podman: true });
      lines.push(`podman  ${batch} x run -d at once: ${theirs.ms.toFixed(0)} ms, ${batch - theirs.failed}/${batch} succeeded${theirs.why.length ? ` (${theirs.why.join('; ')})` : ''}`);
      lines.push(`  ratio ${(ours.ms / theirs.ms).toFixed(2)}x (aim: all succeed, under 1.00x)`);
    }
    sh(tsc('rm', '-fa', '-t', '0'));
    if (podmanOk) sh(podmanArgv('rm', '-fa', '-t', '0'), { podman: true });

    // images with 1,000 images: tsc-run alone.
    await synthesizeImages(nImages);
    const listed = sh(tsc('images', '-q')).stdout.trim().split('\n').length;
    if (listed !== nImages) throw new Error(`images lists ${listed} images, not ${nImages}`);
    results.push(timeIt(`tsc-run images (${nImages} images)`, () => sh(tsc('images')), timing));
  }
} finally {
  cleanup();
}

if (argv['batch-only']) process.exit(0);
printTable(`scale benchmark as ${who.name}, ${runs} runs, wall ms`, results);
const med = (name) => results.find((r) => r.name === name)?.median;
const imgC = [med(`tsc-run images (${nContainers} containers)`), med(`podman images (${nContainers} containers)`)];
if (imgC[1]) echo(`images with ${nContainers} containers: ${(imgC[0] / imgC[1]).toFixed(2)}x podman (aim: at most 0.5x)`);
const imgN = med(`tsc-run images (${nImages} images)`);
echo(`images with ${nImages} images: ${imgN.toFixed(1)} ms (aim: under 150 ms: ${imgN < 150 ? 'met' : 'MISSED'})`);
for (const l of lines) echo(l);

// ps -a over 5,000 records: bench:ps writes them directly.
echo('');
const ps = spawnSync('npx', ['zx', path.join(root, 'scripts/bench/ps.mjs'), '--count', String(nPs), '--no-podman', '--budget', '200', '--runs', String(runs)], {
  cwd: root,
  stdio: 'inherit',
});
process.exitCode = ps.status ?? 1;
