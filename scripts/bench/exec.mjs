#!/usr/bin/env zx
// `npm run bench:exec` (or `npx zx scripts/bench/exec.mjs`): the latency of
// `exec CONTAINER true` into a running container, beside `podman exec`, as
// the same unprivileged user, on the same busybox image imported into both
// (each in a throwaway store); `version` for the CLI's own start-up share.
// Median/p90 of --runs (default 30) after --warmup (default 3). Needs
// `npm run bundle` first. As root it runs everything as the test user
// (tsctest, --user NAME); podman goes through a private mount namespace
// without /sys/fs/cgroup/unified (crun refuses hybrid cgroup hosts), as in
// bench:run — the host itself is not changed.
import 'zx/globals';
import { spawnSync } from 'node:child_process';
import { importTs } from '../lib/import-ts.mjs';

$.verbose = false;
const root = path.resolve(__dirname, '..', '..');
const runs = Number(argv.runs ?? 30);
const warmup = Number(argv.warmup ?? 3);
const userName = argv.user ?? 'tsctest';
const asRoot = process.getuid() === 0;

if (!fs.existsSync(path.join(root, 'dist/tsc-run'))) {
  console.error('bench: dist/tsc-run is missing: run `npm run bundle` first');
  process.exit(1);
}

const who = asRoot
  ? (() => {
      const [name, , uid, gid, , home] = spawnSync('getent', ['passwd', userName], { encoding: 'utf8' }).stdout.trim().split(':');
      if (!name) throw new Error(`no user ${userName}: run \`npm run setup-host\``);
      return { name, uid: Number(uid), gid: Number(gid), home };
    })()
  : { name: os.userInfo().username, uid: process.getuid(), gid: process.getgid(), home: os.homedir() };

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-bench-exec-'));
await fs.chmod(dir, 0o755);
const bin = path.join(dir, 'tsc-run');
await fs.copy(path.join(root, 'dist/tsc-run'), bin);
for (const d of ['home', 'xdg', 'podman-xdg']) await fs.mkdirp(path.join(dir, d));
const env = {
  HOME: path.join(dir, 'home'),
  XDG_RUNTIME_DIR: path.join(dir, 'xdg'),
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  USER: who.name,
  LOGNAME: who.name,
  LANG: 'C.UTF-8',
};
const penv = { ...env, XDG_RUNTIME_DIR: path.join(dir, 'podman-xdg') };
if (asRoot) spawnSync('chown', ['-R', `${who.uid}:${who.gid}`, dir]);
await fs.chmod(path.join(dir, 'xdg'), 0o700);
await fs.chmod(path.join(dir, 'podman-xdg'), 0o700);

const tsc = (...args) => [bin, '--root', path.join(dir, 'tsc-root'), '--runroot', path.join(dir, 'xdg', 'rr'), ...args];
const podmanAvailable = spawnSync('sh', ['-c', 'command -v podman'], { stdio: 'ignore' }).status === 0;
const hybrid = fs.existsSync('/sys/fs/cgroup/unified') && fs.statfsSync('/sys/fs/cgroup/unified').type === 0x63677270;
const podmanArgv = (...args) => ['podman', '--root', path.join(dir, 'podman-root'), '--runroot', path.join(dir, 'podman-xdg', 'rr'), ...args];

function wrap(argv, { podman = false } = {}) {
  const inner = asRoot ? ['setpriv', `--reuid=${who.uid}`, `--regid=${who.gid}`, '--init-groups', '--', ...argv] : argv;
  if (podman && hybrid && asRoot) return ['unshare', ['-m', 'sh', '-c', 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"', 'sh', ...inner]];
  return [inner[0], inner.slice(1)];
}

function sh(argv, opts = {}) {
  const [cmd, args] = wrap(argv, opts);
  const r = spawnSync(cmd, args, { env: opts.podman ? penv : env, encoding: 'utf8', input: '' });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
function timeIt(name, once) {
  for (let i = 0; i < warmup; i++) once();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    once();
    ms.push(performance.now() - t0);
  }
  const s = [...ms].sort((a, b) => a - b);
  return { name, median: quantile(s, 0.5), p90: quantile(s, 0.9), min: s[0] };
}

const results = [];
let podmanNote = podmanAvailable ? '' : 'podman is not installed';
try {
  const { buildBusyboxRootfsTar } = await importTs(root, 'test/harness/images.ts');
  const tar = await buildBusyboxRootfsTar(path.join(dir, 'rootfs.tar'));
  if (asRoot) spawnSync('chown', [`${who.uid}:${who.gid}`, tar.path]);
  sh(tsc('import', tar.path, 'bench'));
  sh(tsc('run', '-d', '--name', 'target', 'bench', 'sleep', '1000'));
  results.push(timeIt('tsc-run version', () => sh(tsc('version'))));
  results.push(timeIt('tsc-run exec C true', () => sh(tsc('exec', 'target', 'true'))));

  if (podmanAvailable) {
    const imported = sh(podmanArgv('import', tar.path, 'localhost/bench'), { podman: true, allowFail: true });
    const started = imported.status === 0 ? sh(podmanArgv('run', '-d', '--name', 'target', 'localhost/bench', 'sleep', '1000'), { podman: true, allowFail: true }) : imported;
    const probe = started.status === 0 ? sh(podmanArgv('exec', 'target', 'true'), { podman: true, allowFail: true }) : started;
    if (probe.status !== 0) {
      podmanNote = `podman cannot exec here: ${probe.stderr.trim().split('\n').pop()}`;
    } else {
      results.push(timeIt('podman exec C true', () => sh(podmanArgv('exec', 'target', 'true'), { podman: true })));
    }
  }
} finally {
  sh(tsc('rm', '-fa', '-t', '0'), { allowFail: true });
  if (podmanAvailable) {
    sh(podmanArgv('rm', '-fa', '-t', '0'), { podman: true, allowFail: true });
    sh(podmanArgv('system', 'migrate'), { podman: true, allowFail: true });
    const pause = path.join(dir, 'podman-xdg', 'libpod', 'tmp', 'pause.pid');
    if (fs.existsSync(pause)) spawnSync('kill', [fs.readFileSync(pause, 'utf8').trim()]);
  }
  if (asRoot) spawnSync('rm', ['-rf', dir]);
  else spawnSync(bin, ['unshare', 'rm', '-rf', dir], { env, stdio: 'ignore' });
}

const w = Math.max(...results.map((r) => r.name.length));
const num = (v) => v.toFixed(1).padStart(8);
echo(`exec benchmark as ${who.name}, ${runs} runs after ${warmup} warm-up, wall ms; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
echo(`${'case'.padEnd(w)}  ${'median'.padStart(8)}${'p90'.padStart(8)}${'min'.padStart(8)}`);
for (const r of results) echo(`${r.name.padEnd(w)}  ${num(r.median)}${num(r.p90)}${num(r.min)}`);
const ours = results.find((r) => r.name === 'tsc-run exec C true');
const theirs = results.find((r) => r.name === 'podman exec C true');
if (ours && theirs) echo(`tsc-run exec / podman exec: ${(ours.median / theirs.median).toFixed(2)}x (aim: at most 0.5x)`);
else echo(`podman exec: n/a (${podmanNote})`);
