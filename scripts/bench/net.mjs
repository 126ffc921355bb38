#!/usr/bin/env zx
// `npm run bench:net` (or `npx zx scripts/bench/net.mjs`): port-forwarded
// HTTP throughput. A busybox httpd in a container serves a 100 MB file on a
// published port (-p 127.0.0.1:PORT:80); Node's HTTP client on the host
// downloads it --runs times (default 5, after one warm-up) and we report
// MB/s (median, best). Cases: tsc-run with pasta and with slirp4netns, the
// host network as the ceiling, and podman beside it with the same backend
// (podman 4.3 has slirp4netns but no pasta; its port_handler=slirp4netns is
// the same forwarding path as ours, its default rootlessport another).
// Same unprivileged user for both (tsctest when run as root, --user NAME);
// podman goes through a private mount namespace without
// /sys/fs/cgroup/unified (crun refuses hybrid cgroup hosts), as bench:run.
// Needs `npm run bundle` first.
import 'zx/globals';
import http from 'node:http';
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { importTs } from '../lib/import-ts.mjs';

$.verbose = false;
const root = path.resolve(__dirname, '..', '..');
const runs = Number(argv.runs ?? 5);
const sizeMb = Number(argv.mb ?? 100);
const userName = argv.user ?? 'tsctest';
const asRoot = process.getuid() === 0;

if (!fs.existsSync(path.join(root, 'dist/tsc-run'))) {
  console.error('bench: dist/tsc-run is missing: run `npm run bundle` first');
  process.exit(1);
}

const who = asRoot
  ? (() => {
      const [name, , uid, gid] = spawnSync('getent', ['passwd', userName], { encoding: 'utf8' }).stdout.trim().split(':');
      if (!name) throw new Error(`no user ${userName}: run \`npm run setup-host\``);
      return { name, uid: Number(uid), gid: Number(gid) };
    })()
  : { name: os.userInfo().username, uid: process.getuid(), gid: process.getgid() };

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-bench-net-'));
await fs.chmod(dir, 0o755);
const bin = path.join(dir, 'tsc-run');
await fs.copy(path.join(root, 'dist/tsc-run'), bin);
for (const d of ['home', 'xdg']) await fs.mkdirp(path.join(dir, d));
// podman's slirp4netns API socket lives in XDG_RUNTIME_DIR/libpod/tmp/<id>.net and must fit in 108 bytes.
const pdir = await fs.mkdtemp('/tmp/pnb-');
const env = {
  HOME: path.join(dir, 'home'),
  XDG_RUNTIME_DIR: path.join(dir, 'xdg'),
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  USER: who.name,
  LOGNAME: who.name,
  LANG: 'C.UTF-8',
};
const penv = { ...env, XDG_RUNTIME_DIR: pdir };
if (asRoot) spawnSync('chown', ['-R', `${who.uid}:${who.gid}`, dir, pdir]);
await fs.chmod(path.join(dir, 'xdg'), 0o700);
await fs.chmod(pdir, 0o700);

const tsc = (...args) => [bin, '--root', path.join(dir, 'tsc-root'), '--runroot', path.join(dir, 'xdg', 'rr'), ...args];
const podmanAvailable = spawnSync('sh', ['-c', 'command -v podman'], { stdio: 'ignore' }).status === 0;
const hybrid = fs.existsSync('/sys/fs/cgroup/unified') && fs.statfsSync('/sys/fs/cgroup/unified').type === 0x63677270;
const podmanArgv = (...args) => ['podman', '--root', path.join(dir, 'podman-root'), '--runroot', path.join(pdir, 'rr'), ...args];

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

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Download http://127.0.0.1:port/big once; bytes and milliseconds. */
function download(port) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: '/big', agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes, ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Wait until the whole file is served (dd and httpd start inside the container). */
async function ready(port) {
  for (let i = 0; i < 300; i++) {
    const r = await download(port).catch(() => undefined);
    if (r && r.status === 200 && r.bytes === sizeMb * 1024 * 1024) return;
    await sleep(100);
  }
  throw new Error(`nothing served on 127.0.0.1:${port}`);
}

async function measure(name, port) {
  await ready(port); // also the warm-up
  const mbps = [];
  for (let i = 0; i < runs; i++) {
    const r = await download(port);
    if (r.bytes !== sizeMb * 1024 * 1024) throw new Error(`${name}: short download (${r.bytes} bytes)`);
    mbps.push(sizeMb / (r.ms / 1000));
  }
  mbps.sort((a, b) => a - b);
  return { name, median: mbps[Math.floor(mbps.length / 2)], best: mbps[mbps.length - 1] };
}

const serve = (port) => ['sh', '-c', `mkdir -p /srv && dd if=/dev/zero of=/srv/big bs=1M count=${sizeMb} 2>/dev/null && exec httpd -f -p ${port} -h /srv`];
const results = [];
const notes = [];
try {
  const { buildBusyboxRootfsTar } = await importTs(root, 'test/harness/images.ts');
  const tar = await buildBusyboxRootfsTar(path.join(dir, 'rootfs.tar'));
  if (asRoot) spawnSync('chown', [`${who.uid}:${who.gid}`, tar.path]);
  sh(tsc('import', tar.path, 'bench'));

  for (const network of ['host', 'pasta', 'slirp4netns']) {
    const port = await freePort();
    const args = network === 'host' ? ['--network', 'host', 'bench', ...serve(port)] : ['--network', network, '-p', `127.0.0.1:${port}:80`, 'bench', ...serve(80)];
    const id = sh(tsc('run', '-d', ...args)).stdout.trim();
    try {
      results.push(await measure(network === 'host' ? 'tsc-run --network host (no forwarding)' : `tsc-run ${network} -p`, port));
    } finally {
      sh(tsc('rm', '-f', '-t', '0', id), { allowFail: true });
    }
  }

  if (!podmanAvailable) notes.push('podman: not installed');
  else {
    const imported = sh(podmanArgv('import', tar.path, 'localhost/bench'), { podman: true, allowFail: true });
    if (imported.status !== 0) notes.push(`podman: import failed: ${imported.stderr.trim().split('\n').pop()}`);
    else {
      const cases = [
        ['pasta', 'podman pasta -p'],
        ['slirp4netns:port_handler=slirp4netns', 'podman slirp4netns -p (port_handler=slirp4netns)'],
        ['slirp4netns', 'podman slirp4netns -p (rootlessport)'],
      ];
      for (const [network, name] of cases) {
        const port = await freePort();
        const r = sh(podmanArgv('run', '-d', '--network', network, '-p', `127.0.0.1:${port}:80`, 'localhost/bench', ...serve(80)), { podman: true, allowFail: true });
        if (r.status !== 0) {
          notes.push(`${name}: n/a: ${r.stderr.trim().split('\n').pop()}`);
          continue;
        }
        try {
          results.push(await measure(name, port));
        } finally {
          sh(podmanArgv('rm', '-f', '-t', '0', r.stdout.trim()), { podman: true, allowFail: true });
        }
      }
    }
  }
} finally {
  sh(tsc('rm', '-fa', '-t', '0'), { allowFail: true });
  if (podmanAvailable) {
    sh(podmanArgv('rm', '-fa', '-t', '0'), { podman: true, allowFail: true });
    sh(podmanArgv('system', 'migrate'), { podman: true, allowFail: true }); // stops this store's pause process
    const pause = path.join(pdir, 'libpod', 'tmp', 'pause.pid');
    if (fs.existsSync(pause)) spawnSync('kill', [fs.readFileSync(pause, 'utf8').trim()]);
  }
  if (asRoot) spawnSync('rm', ['-rf', dir, pdir]);
  else spawnSync(bin, ['unshare', 'rm', '-rf', dir, pdir], { env, stdio: 'ignore' });
}

const w = Math.max(...results.map((r) => r.name.length));
echo(`net benchmark as ${who.name}: ${sizeMb} MB over HTTP from a container's published port, ${runs} runs, MB/s; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
echo(`${'case'.padEnd(w)}  ${'median'.padStart(8)}${'best'.padStart(8)}`);
for (const r of results) echo(`${r.name.padEnd(w)}  ${r.median.toFixed(0).padStart(8)}${r.best.toFixed(0).padStart(8)}`);
for (const n of notes) echo(n);
