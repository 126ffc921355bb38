#!/usr/bin/env zx
// `npm run bench:unpack`: how fast `tsc-run load` unpacks images, next to
// `podman load` doing the same work, in one run. Two fixtures built with the
// test harness: a 200 MB image of 6 layers (files of 4 MiB, 192 KiB and
// 8 KiB) and one layer of 30,000 small files, both as docker-archives (what
// `podman save` writes). Each load goes into a fresh store; the median of
// --runs is reported as MB/s (uncompressed layer bytes) and files/s.
// Builds nothing: run `npm run bundle` first.
//
// Rows: tsc-run as the current user; as root also rootless as the test user
// (`--user`, default tsctest, when it exists); podman as root with a private
// --root (overlay driver) when podman is installed and we are root; and the
// floor, GNU `tar -x` of the same uncompressed layers by each of those users.
// Flags: --runs N (default 3), --only big|small, --gzip (compress the
// archives too), --keep (leave the work dir), --dir DIR (work dir).
import 'zx/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { importTs } from '../lib/import-ts.mjs';
import { requireBundle, root } from './lib.mjs';

$.verbose = false;
const runs = Number(argv.runs ?? 3);
const tscRunSrc = requireBundle();
const isRoot = process.getuid() === 0;
const userName = argv.user ?? 'tsctest';
const rootlessUser = isRoot ? lookupUser(userName) : undefined;
const podman = isRoot ? (await $`command -v podman`.nothrow()).stdout.trim() : '';

const work = argv.dir ? path.resolve(argv.dir) : await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-bench-unpack-'));
await fs.mkdirp(work);
await fs.chmod(work, 0o755);
// A failed run leaves no 200 MB of fixtures and stores behind either.
process.on('exit', () => {
  if (!argv.keep && !argv.dir) fs.rmSync(work, { recursive: true, force: true });
});

function lookupUser(name) {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(name + ':'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

// ---- fixtures --------------------------------------------------------------

const { writeTar, buildOciImage } = await importTs(root, 'test/harness/images.ts');
const { dockerArchiveEntries } = await importTs(root, 'test/harness/archives.ts');

function bigLayerEntries(n) {
  const entries = [{ name: `layer${n}/`, type: 'directory' }];
  const add = (count, size, kind) => {
    entries.push({ name: `layer${n}/${kind}/`, type: 'directory' });
    for (let i = 0; i < count; i++) entries.push({ name: `layer${n}/${kind}/f${i}`, content: randomBytes(size) });
  };
  add(5, 4 << 20, 'large');
  add(64, 192 << 10, 'medium');
  add(256, 8 << 10, 'small');
  return entries;
}

function smallFilesEntries(count = 30_000, perDir = 100) {
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (i % perDir === 0) entries.push({ name: `d${i / perDir}/`, type: 'directory' });
    entries.push({ name: `d${Math.floor(i / perDir)}/f${i}`, content: randomBytes(512) });
  }
  return entries;
}

async function fixture(name, layerEntries) {
  const layers = [];
  let files = 0;
  let payload = 0;
  for (const entries of layerEntries) {
    const tar = await writeTar(entries);
    layers.push(tar);
    files += entries.filter((e) => (e.type ?? 'file') === 'file').length;
    payload += tar.length;
  }
  const image = buildOciImage({ layers, uncompressed: true });
  let archive = await writeTar(dockerArchiveEntries([{ image, repoTags: [`bench/${name}:1`] }]));
  if (argv.gzip) archive = gzipSync(archive, { level: 1 });
  const file = path.join(work, `${name}.tar${argv.gzip ? '.gz' : ''}`);
  await fs.writeFile(file, archive);
  await fs.chmod(file, 0o644);
  // The floor: the same uncompressed layer tars, for `tar -x` by the same user.
  const layerFiles = [];
  for (const [i, tar] of layers.entries()) {
    const f = path.join(work, `${name}-layer${i}.tar`);
    await fs.writeFile(f, tar);
    await fs.chmod(f, 0o644);
    layerFiles.push(f);
  }
  return { name, file, layerFiles, id: image.configDigest, files, payload, layers: layers.length, archiveBytes: archive.length };
}

const fixtures = [];
process.stderr.write('bench: building fixtures...\n');
if (argv.only !== 'small') fixtures.push(await fixture('big', [1, 2, 3, 4, 5, 6].map(bigLayerEntries)));
if (argv.only !== 'big') fixtures.push(await fixture('small-files', [smallFilesEntries()]));

// ---- the tools -------------------------------------------------------------

// A copy of the executable and a cache of its own, so a rebuild during the run changes nothing.
const binDir = path.join(work, 'bin');
await fs.mkdirp(binDir);
await fs.chmod(binDir, 0o755);
const tscRun = path.join(binDir, 'tsc-run');
await fs.copy(tscRunSrc, tscRun);
await fs.chmod(tscRun, 0o755);

function envFor(user, home) {
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_RUNTIME_DIR: path.join(home, 'run'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    LANG: 'C.UTF-8',
    USER: user?.name ?? process.env.USER ?? 'root',
  };
}

/** A fresh dir owned by `user` (or us). */
async function ownedDir(p, user) {
  await fs.mkdirp(p);
  if (user) await $`chown -R ${user.uid}:${user.gid} ${p}`;
  return p;
}

const tools = [];
const tscRunLoad = (store, file) => [tscRun, '--root', path.join(store, 'root'), '--runroot', path.join(store, 'run'), 'load', '-q', '-i', file];
const meHome = await ownedDir(path.join(work, 'home-me'));
await fs.mkdirp(path.join(meHome, 'run'));
tools.push({ name: `tsc-run (${isRoot ? 'root' : 'rootless'})`, prefix: [], cmd: tscRunLoad, env: envFor(undefined, meHome), user: undefined });
if (rootlessUser) {
  const home = await ownedDir(path.join(work, `home-${rootlessUser.name}`), rootlessUser);
  await ownedDir(path.join(home, 'run'), rootlessUser);
  await fs.chmod(path.join(home, 'run'), 0o700);
  tools.push({
    name: `tsc-run (rootless, ${rootlessUser.name})`,
    prefix: ['setpriv', `--reuid=${rootlessUser.uid}`, `--regid=${rootlessUser.gid}`, '--init-groups', '--'],
    cmd: tscRunLoad,
    env: envFor(rootlessUser, home),
    user: rootlessUser,
  });
}
// The floor: GNU tar extracting the same layers, one after the other, as the same users.
const tarX = (store, fx) => ['sh', '-c', 'set -e; i=0; for l in "$@"; do mkdir "$0/l$i"; tar -xf "$l" -C "$0/l$i"; i=$((i+1)); done', store, ...fx.layerFiles];
tools.push({ name: `tar -x (${isRoot ? 'root' : 'rootless'}, floor)`, prefix: [], cmd: tarX, env: envFor(undefined, meHome), user: undefined, floor: true });
if (rootlessUser) {
  const t = tools.find((x) => x.user === rootlessUser);
  tools.push({ name: `tar -x (rootless, ${rootlessUser.name}, floor)`, prefix: t.prefix, cmd: tarX, env: t.env, user: rootlessUser, floor: true });
}
if (podman) {
  tools.push({
    name: 'podman (root, overlay)',
    cmd: (store, file) => [
      podman, '--root', path.join(store, 'root'), '--runroot', path.join(store, 'run'), '--tmpdir', path.join(store, 'tmp'),
      '--storage-driver', 'overlay', '--events-backend', 'none', '--cgroup-manager', 'cgroupfs', 'load', '-q', '-i', file,
    ],
    prefix: [],
    env: { ...process.env },
    user: undefined,
  });
} else {
  console.warn(`bench: podman rows skipped (${isRoot ? 'podman not installed' : 'podman runs as root with a private store; run as root'})`);
}

// Warm the single executable's cache for each identity (its first run extracts itself).
for (const t of tools.filter((t) => t.cmd === tscRunLoad)) {
  const argv0 = [...t.prefix, tscRun, 'version'];
  spawnSync(argv0[0], argv0.slice(1), { env: t.env, stdio: 'ignore' });
}

async function removeStore(store) {
  if (isRoot) return fs.rm(store, { recursive: true, force: true });
  // Our own rootless store: sub-id-owned files go inside a user namespace.
  await $`unshare --map-root-user --map-auto rm -rf ${store}`.nothrow();
  await fs.rm(store, { recursive: true, force: true });
}

let storeCount = 0;
/** Wall and CPU (user + sys of the command and everything it started, from bash's `time`) seconds of one load. */
function loadOnce(tool, fx) {
  // Short: podman's overlay driver refuses a runroot longer than 50 characters.
  const store = path.join(work, `s${storeCount++}`);
  fs.mkdirSync(store, { recursive: true });
  if (tool.user) fs.chownSync(store, tool.user.uid, tool.user.gid);
  const errFile = path.join(store, '.stderr');
  const script = `TIMEFORMAT='%R %U %S'; { time "$@" >/dev/null 2>"${errFile}"; } 2>&1`;
  const argv1 = [...tool.prefix, 'bash', '-c', script, 'bash', ...tool.cmd(store, tool.floor ? fx : fx.file)];
  const r = spawnSync(argv1[0], argv1.slice(1), { env: tool.env, stdio: ['ignore', 'pipe', 'pipe'], cwd: work, encoding: 'utf8' });
  const [secs, u, s] = r.stdout.trim().split(/\s+/).map(Number);
  const err = fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8') : '';
  if (r.status !== 0 || !Number.isFinite(secs)) throw new Error(`${tool.name} failed on ${fx.name} (exit ${r.status}): ${r.stderr}${err}`);
  fs.rmSync(errFile, { force: true });
  return { secs, cpu: u + s, store };
}

// ---- run -------------------------------------------------------------------

// Tools take turns within each round, so a change in the machine's load
// (other jobs on a shared host) hits them alike rather than one of them.
const results = [];
for (const fx of fixtures) {
  const times = tools.map(() => []);
  const cpus = tools.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [t, tool] of tools.entries()) {
      const { secs, cpu, store } = loadOnce(tool, fx);
      times[t].push(secs);
      cpus[t].push(cpu);
      await removeStore(store);
    }
  }
  const middle = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [t, tool] of tools.entries()) {
    const sorted = [...times[t]].sort((a, b) => a - b);
    results.push({ fx, tool: tool.name, user: tool.user, floor: tool.floor === true, median: middle(times[t]), min: sorted[0], cpu: middle(cpus[t]) });
    process.stderr.write(`bench: ${fx.name} / ${tool.name}: ${times[t].map((x) => x.toFixed(2)).join(' ')} s (cpu ${cpus[t].map((x) => x.toFixed(2)).join(' ')} s)\n`);
  }
}

// ---- report ----------------------------------------------------------------

const mb = (b) => (b / 1e6).toFixed(1);
const rows = [['fixture', 'layers', 'payload MB', 'files', 'tool', 'median s', 'min s', 'cpu s', 'MB/s', 'files/s', 'x podman', 'x floor', 'cpu x podman', 'cpu x floor']];
for (const r of results) {
  const podmanRow = results.find((p) => p.fx === r.fx && p.tool.startsWith('podman'));
  // The floor of the same user: tar -x as that user.
  const floorRow = results.find((p) => p.fx === r.fx && p.floor && p.user === r.user);
  rows.push([
    r.fx.name,
    String(r.fx.layers),
    mb(r.fx.payload),
    r.fx.files.toLocaleString('en-US'),
    r.tool,
    r.median.toFixed(2),
    r.min.toFixed(2),
    r.cpu.toFixed(2),
    (r.fx.payload / 1e6 / r.median).toFixed(0),
    Math.round(r.fx.files / r.median).toLocaleString('en-US'),
    podmanRow && !r.floor && r !== podmanRow ? `${(r.median / podmanRow.median).toFixed(2)}x` : '-',
    floorRow && !r.floor && !r.tool.startsWith('podman') ? `${(r.median / floorRow.median).toFixed(2)}x` : '-',
    podmanRow && !r.floor && r !== podmanRow ? `${(r.cpu / podmanRow.cpu).toFixed(2)}x` : '-',
    floorRow && !r.floor && !r.tool.startsWith('podman') ? `${(r.cpu / floorRow.cpu).toFixed(2)}x` : '-',
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
console.log(`\nload of docker-archives${argv.gzip ? ' (gzip)' : ''}, median of ${runs} run(s), fresh store each time (machine: ${os.cpus().length} CPUs, ${os.release()}, load average ${os.loadavg()[0].toFixed(1)})`);
for (const [i, row] of rows.entries()) {
  console.log(row.map((cell, c) => (c >= 5 || (c >= 1 && c <= 3) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
console.log('"cpu s": user + sys of the command and all it started (steadier than wall time on a shared machine).');
console.log('"x podman": our time over podman\'s (aim: at most 0.4x for 30,000 files, 0.6x for 200 MB); "x floor": over `tar -x` of the same layers by the same user (aim: within 1.5x).');

if (argv.keep || argv.dir) console.log(`work dir kept: ${work}`);
