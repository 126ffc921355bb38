#!/usr/bin/env zx
// `npm run bench:run` (or `npx zx scripts/bench/run.mjs`): container start-up
// beside podman, as the same unprivileged user, on the same busybox image
// imported into both (each in a throwaway store):
//   run --rm IMG true                 a whole foreground container
//   run -d IMG sleep + stop + rm      a detached one through its life
// and the RSS of an idle monitor next to conmon's. Median/p90 of --runs
// (default 20) after --warmup (default 3). Needs `npm run bundle` first.
// As root it runs everything as the test user (tsctest, --user NAME); podman
// goes through a private mount namespace without /sys/fs/cgroup/unified,
// because crun refuses hybrid cgroup hosts ("cgroups in hybrid mode not
// supported") — the host itself is not changed.
import 'zx/globals';
import { spawnSync } from 'node:child_process';
import { importTs } from '../lib/import-ts.mjs';

$.verbose = false;
const root = path.resolve(__dirname, '..', '..');
const runs = Number(argv.runs ?? 20);
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

// Everything in one throwaway dir the user owns: a copy of the CLI (the
// checkout may be unreachable for it), both stores, HOME and XDG dirs.
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-bench-run-'));
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

/** argv → [cmd, args] run as the user (and for podman, in a mount namespace crun accepts). */
function wrap(argv, { podman = false } = {}) {
  const inner = asRoot ? ['setpriv', `--reuid=${who.uid}`, `--regid=${who.gid}`, '--init-groups', '--', ...argv] : argv;
  if (podman && hybrid && asRoot) {
    return ['unshare', ['-m', 'sh', '-c', 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"', 'sh', ...inner]];
  }
  return [inner[0], inner.slice(1)];
}

function sh(argv, opts = {}) {
  const [cmd, args] = wrap(argv, opts);
  const r = spawnSync(cmd, args, { env: opts.podman ? penv : env, encoding: 'utf8', input: opts.input ?? '' });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
function stats(name, ms) {
  const s = [...ms].sort((a, b) => a - b);
  return { name, median: quantile(s, 0.5), p90: quantile(s, 0.9), min: s[0] };
}

function timeIt(name, once) {
  for (let i = 0; i < warmup; i++) once();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    once();
    ms.push(performance.now() - t0);
  }
  return stats(name, ms);
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

const results = [];
const rss = [];
try {
  const { buildBusyboxRootfsTar } = await importTs(root, 'test/harness/images.ts');
  const tar = await buildBusyboxRootfsTar(path.join(dir, 'rootfs.tar'));
  if (asRoot) spawnSync('chown', [`${who.uid}:${who.gid}`, tar.path]);
  sh(tsc('import', tar.path, 'bench'));

  results.push(timeIt('tsc-run run --rm IMG true', () => sh(tsc('run', '--rm', 'bench', 'true'))));
  results.push(
    timeIt('tsc-run run -d + stop + rm', () => {
      const id = sh(tsc('run', '-d', 'bench', 'sleep', '100')).stdout.trim();
      sh(tsc('stop', '-t', '0', id));
      sh(tsc('rm', id));
    }),
  );
  {
    const id = sh(tsc('run', '-d', 'bench', 'sleep', '100')).stdout.trim();
    await sleep(300);
    const rec = await fs.readJson(path.join(dir, 'tsc-root', 'containers', id, 'container.json'));
    rss.push(['tsc-run monitor (idle, detached)', rssKb(rec.state.monitor.pid)]);
    sh(tsc('rm', '-f', '-t', '0', id));
  }

  if (podmanAvailable) {
    const imported = sh(podmanArgv('import', tar.path, 'localhost/bench'), { podman: true, allowFail: true });
    const probe = imported.status === 0 ? sh(podmanArgv('run', '--rm', 'localhost/bench', 'true'), { podman: true, allowFail: true }) : imported;
    if (probe.status !== 0) {
      console.error(`bench: podman cannot run here, skipped: ${probe.stderr.trim().split('\n').pop()}`);
    } else {
      results.push(timeIt('podman run --rm IMG true', () => sh(podmanArgv('run', '--rm', 'localhost/bench', 'true'), { podman: true })));
      results.push(
        timeIt('podman run -d + stop + rm', () => {
          const id = sh(podmanArgv('run', '-d', 'localhost/bench', 'sleep', '100'), { podman: true }).stdout.trim();
          sh(podmanArgv('stop', '-t', '0', id), { podman: true });
          sh(podmanArgv('rm', id), { podman: true });
        }),
      );
      const id = sh(podmanArgv('run', '-d', 'localhost/bench', 'sleep', '100'), { podman: true }).stdout.trim();
      await sleep(300);
      const conmon = Number(sh(podmanArgv('inspect', '--format', '{{.State.ConmonPid}}', id), { podman: true }).stdout.trim());
      rss.push(['conmon (podman, idle, detached)', rssKb(conmon)]);
      sh(podmanArgv('rm', '-f', '-t', '0', id), { podman: true });
    }
  }
} finally {
  // No container, monitor or podman pause process outlives the bench.
  sh(tsc('rm', '-fa', '-t', '0'), { allowFail: true });
  if (podmanAvailable) {
    sh(podmanArgv('rm', '-fa', '-t', '0'), { podman: true, allowFail: true });
    sh(podmanArgv('system', 'migrate'), { podman: true, allowFail: true }); // stops the pause process of this store
    const pause = path.join(dir, 'podman-xdg', 'libpod', 'tmp', 'pause.pid');
    if (fs.existsSync(pause)) spawnSync('kill', [fs.readFileSync(pause, 'utf8').trim()]);
  }
  if (asRoot) spawnSync('rm', ['-rf', dir]);
  else spawnSync(bin, ['unshare', 'rm', '-rf', dir], { env, stdio: 'ignore' });
}

const w = Math.max(...results.map((r) => r.name.length));
const num = (v) => v.toFixed(1).padStart(8);
echo(`run benchmark as ${who.name}, ${runs} runs after ${warmup} warm-up, wall ms; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
echo(`${'case'.padEnd(w)}  ${'median'.padStart(8)}${'p90'.padStart(8)}${'min'.padStart(8)}`);
for (const r of results) echo(`${r.name.padEnd(w)}  ${num(r.median)}${num(r.p90)}${num(r.min)}`);
for (const [a, b] of [['tsc-run run --rm IMG true', 'podman run --rm IMG true'], ['tsc-run run -d + stop + rm', 'podman run -d + stop + rm']]) {
  const x = results.find((r) => r.name === a);
  const y = results.find((r) => r.name === b);
  if (x && y) echo(`${a} / ${b}: ${(x.median / y.median).toFixed(2)}x`);
}
for (const [name, kb] of rss) echo(`RSS ${name}: ${kb} kB`);
