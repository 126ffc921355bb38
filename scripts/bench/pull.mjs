#!/usr/bin/env zx
// `npm run bench:pull`: cold pulls from a local docker-registry, tsc-run
// beside `podman pull`, in the same run: a 6-layer image of 200 MB (before
// compression) and a one-layer image of 30,000 small files. Every pull
// starts from an empty store (new --root/--runroot each time); the
// registry's files stay in the page cache for both. Prints the median wall
// time and the median CPU time (user + sys of the command and everything
// it started) per tool and image, and the ratios to podman and to the
// floor: GNU `tar -x` of the same uncompressed layers by the same user.
// Flags: --runs N (default 5), --as user|root (tsc-run's identity; podman
// always runs as root with its own private --root), --no-podman, --only big|files,
// --keep (keep the generated images in node_modules/.cache/tsc-run-bench).
// Run `npm run bundle` first: the benchmark uses dist/tsc-run.
import 'zx/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { importTs } from '../lib/import-ts.mjs';
import { requireBundle, root } from './lib.mjs';

$.verbose = false;
const runs = Number(argv.runs ?? 5);
const as = argv.as ?? 'root';
const withPodman = argv.podman !== false && (await $`command -v podman`.nothrow()).exitCode === 0;
const tscRunSrc = requireBundle();
if (process.getuid() !== 0) {
  console.error('bench: run as root (podman gets a private --root; tsc-run runs --as user or root)');
  process.exit(1);
}

const harness = await importTs(root, 'test/harness/index.ts');
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-bench-pull-'));
await fs.chmod(work, 0o755);
const user = as === 'user' ? harness.testUser() : { name: 'root', uid: 0, gid: 0 };
const bin = path.join(work, 'tsc-run');
await fs.copy(tscRunSrc, bin);
await fs.chmod(bin, 0o755);

// Deterministic pseudo-random bytes (so the images, and their digests, are the same every run).
function noise(seed, n) {
  const out = Buffer.alloc(n);
  let block = createHash('sha256').update(seed).digest();
  for (let off = 0; off < n; off += block.length) {
    block.copy(out, off);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** 6 layers, 200 MB uncompressed: half incompressible, half text (a typical image compresses ~2x). */
async function bigImage() {
  const layers = [];
  const perLayer = Math.floor((200 << 20) / 6);
  for (let i = 0; i < 6; i++) {
    const entries = [{ name: `layer${i}`, type: 'directory' }];
    const files = 8;
    for (let f = 0; f < files; f++) {
      const size = Math.floor(perLayer / files);
      const body = f % 2 ? noise(`l${i}f${f}`, size) : Buffer.from(noise(`t${i}f${f}`, size / 2).toString('hex').slice(0, size));
      entries.push({ name: `layer${i}/file${f}.bin`, content: body });
    }
    layers.push(await harness.writeTar(entries));
  }
  return harness.buildOciImage({ layers });
}

/** One layer of 30,000 small files in 300 directories. */
async function manyFilesImage() {
  const entries = [];
  for (let d = 0; d < 300; d++) {
    entries.push({ name: `d${d}`, type: 'directory' });
    for (let f = 0; f < 100; f++) entries.push({ name: `d${d}/f${f}.txt`, content: `file ${d}/${f}\n`.repeat(20 + ((d * 7 + f) % 50)) });
  }
  return harness.buildOciImage({ layers: [await harness.writeTar(entries)] });
}

const cacheDir = path.join(root, 'node_modules/.cache/tsc-run-bench');
async function cachedImage(name, build) {
  const file = path.join(cacheDir, `${name}.json`);
  if (fs.existsSync(file)) {
    const j = await fs.readJson(file);
    const blobs = new Map(j.blobs.map((d) => [d, fs.readFileSync(path.join(cacheDir, d.slice(7)))]));
    return { ...j, manifest: blobs.get(j.manifestDigest), config: blobs.get(j.configDigest), blobs };
  }
  echo(`bench: building the ${name} image (cached in ${path.relative(root, cacheDir)})...`);
  const img = await build();
  await fs.mkdirp(cacheDir);
  for (const [d, b] of img.blobs) await fs.writeFile(path.join(cacheDir, d.slice(7)), b);
  await fs.writeJson(file, { manifestDigest: img.manifestDigest, configDigest: img.configDigest, layers: img.layers, blobs: [...img.blobs.keys()] });
  return img;
}

const images = [];
if (argv.only !== 'files') images.push({ name: '200mb-6-layers', image: await cachedImage('big', bigImage) });
if (argv.only !== 'big') images.push({ name: '30000-files', image: await cachedImage('files', manyFilesImage) });
const reg = await harness.startRegistry();

/** Wall and CPU seconds of one command (bash's `time` counts every process it started). */
function timed(cmd, env, asUser) {
  const script = `TIMEFORMAT='%R %U %S'; { time ${cmd.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')} >/dev/null 2>"$ERRFILE"; } 2>&1`;
  const errFile = path.join(work, 'stderr');
  // Writable for whoever runs the command.
  fs.writeFileSync(errFile, '');
  if (asUser) fs.chownSync(errFile, asUser.uid, asUser.gid);
  const full = asUser && asUser.uid !== 0
    ? ['setpriv', `--reuid=${asUser.uid}`, `--regid=${asUser.gid}`, '--init-groups', '--', 'bash', '-c', script]
    : ['bash', '-c', script];
  const r = spawnSync(full[0], full.slice(1), { env: { ...env, ERRFILE: errFile }, encoding: 'utf8' });
  const err = fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8') : '';
  const [wall, u, s] = r.stdout.trim().split(/\s+/).map(Number);
  if (r.status !== 0 || !Number.isFinite(wall)) throw new Error(`bench: ${cmd.join(' ')} failed:\n${r.stdout}${r.stderr}${err}`);
  return { wall, cpu: u + s };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function freshDir(name, owner) {
  const d = path.join(work, name);
  await fs.mkdirp(d);
  await fs.chown(d, owner.uid, owner.gid);
  await fs.chmod(d, 0o700);
  return d;
}

async function removeStore(dir, owner) {
  // tsc-run's layers hold sub-id-owned files: as root rm works; for the user, unshare maps them.
  if (owner.uid === 0) await $`rm -rf ${dir}`;
  else await $`setpriv --reuid=${owner.uid} --regid=${owner.gid} --init-groups -- unshare --map-root-user --map-auto rm -rf ${dir}`.nothrow();
  await $`rm -rf ${dir}`.nothrow();
}

/** The floor: the image's layers uncompressed, for `tar -x` by the same user. */
async function layerTars(name, image) {
  const files = [];
  for (const [i, l] of image.layers.entries()) {
    const f = path.join(work, `${name}-layer${i}.tar`);
    await fs.writeFile(f, gunzipSync(image.blobs.get(l.digest)));
    await fs.chmod(f, 0o644);
    files.push(f);
  }
  return files;
}
const tarX = 'set -e; i=0; for l; do mkdir "$0/l$i"; tar -xf "$l" -C "$0/l$i"; i=$((i+1)); done';

const results = [];
try {
  for (const { name, image } of images) {
    await harness.pushImage(reg, `bench/${name}`, 'latest', image);
    const ref = `${reg.host}/bench/${name}:latest`;
    const tars = await layerTars(name, image);
    const t = [];
    const p = [];
    const fl = [];
    for (let i = 0; i < runs; i++) {
      // Alternate who goes first, so neither always meets a warmer cache.
      const order = i % 2 ? ['podman', 'floor', 'tsc'] : ['tsc', 'floor', 'podman'];
      for (const who of order) {
        // Start each pull with the previous one's removal written back, so it measures only itself.
        await $`sync`;
        if (who === 'tsc') {
          const dir = await freshDir(`tsc-${i}`, user);
          const home = await freshDir(`tsc-home-${i}`, user);
          const env = { PATH: process.env.PATH, HOME: home, XDG_RUNTIME_DIR: home, XDG_CACHE_HOME: path.join(work, `cache-${user.uid}`) };
          await fs.mkdirp(env.XDG_CACHE_HOME);
          await fs.chown(env.XDG_CACHE_HOME, user.uid, user.gid);
          if (i === 0) timed([bin, 'version'], env, user); // unpack the single executable once, outside the timing
          t.push(timed([bin, '--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), 'pull', '-q', '--tls-verify=false', ref], env, user));
          await removeStore(dir, user);
        } else if (who === 'floor') {
          const dir = await freshDir(`floor-${i}`, user);
          fl.push(timed(['sh', '-c', tarX, dir, ...tars], { PATH: process.env.PATH }, user));
          await $`rm -rf ${dir}`;
        } else if (withPodman) {
          const dir = await freshDir(`podman-${i}`, { uid: 0, gid: 0 });
          const env = { PATH: process.env.PATH, HOME: dir, XDG_RUNTIME_DIR: path.join(dir, 'xdg') };
          await fs.mkdirp(env.XDG_RUNTIME_DIR);
          p.push(timed(['podman', '--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), 'pull', '-q', '--tls-verify=false', ref], env));
          await $`podman --root ${path.join(dir, 'root')} --runroot ${path.join(dir, 'run')} system reset --force`.nothrow();
          // podman's overlay driver keeps root/overlay bind-mounted on itself when reset cannot unmount it.
          await $`umount ${path.join(dir, 'root', 'overlay')}`.nothrow();
          await $`rm -rf ${dir}`.nothrow();
        }
      }
    }
    results.push({ name, tsc: t, podman: p, floor: fl });
  }
} finally {
  await reg.stop();
  await fs.remove(work);
  if (argv.keep === false) await fs.remove(cacheDir);
}

const f = (x) => x.toFixed(2).padStart(7);
const ratio = (a, b) => `${(a / b).toFixed(2)}x`.padStart(7);
echo(`\ncold pull from a local registry, median of ${runs}; tsc-run as ${user.name}, podman as root, the floor (tar -x of the uncompressed layers) as ${user.name}; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
echo(`${'image'.padEnd(16)} ${'tool'.padEnd(8)} ${'wall s'.padStart(7)} ${'cpu s'.padStart(7)}   ${'tsc-run / this (wall, cpu)'}`);
for (const r of results) {
  const tw = median(r.tsc.map((x) => x.wall));
  const tc = median(r.tsc.map((x) => x.cpu));
  echo(`${r.name.padEnd(16)} ${'tsc-run'.padEnd(8)} ${f(tw)} ${f(tc)}`);
  if (r.podman.length) {
    const pw = median(r.podman.map((x) => x.wall));
    const pc = median(r.podman.map((x) => x.cpu));
    echo(`${''.padEnd(16)} ${'podman'.padEnd(8)} ${f(pw)} ${f(pc)}   ${ratio(tw, pw)} ${ratio(tc, pc)}`);
  }
  const fw = median(r.floor.map((x) => x.wall));
  const fc = median(r.floor.map((x) => x.cpu));
  echo(`${''.padEnd(16)} ${'tar -x'.padEnd(8)} ${f(fw)} ${f(fc)}   ${ratio(tw, fw)} ${ratio(tc, fc)}`);
}
echo('aims (issue 15): 30,000 files <= 0.4x podman and <= 1.5x the floor; 200 MB in 6 layers <= 0.6x podman. The floor does no download, no decompression, no hashing.');
