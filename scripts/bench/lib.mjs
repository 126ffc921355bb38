// Shared set-up of the benchmarks in scripts/bench: the bundled CLI check,
// the user to run as, a throwaway sandbox (a copy of the CLI, both stores,
// HOME and XDG dirs), running tsc-run and podman as that user (podman in a
// private mount namespace without /sys/fs/cgroup/unified, because crun
// refuses hybrid cgroup hosts — the host itself is not changed), timing
// statistics and the result table.
import 'zx/globals';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { importTs } from '../lib/import-ts.mjs';

/** The checkout's root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Exit when dist/tsc-run is missing; its path otherwise. */
export function requireBundle() {
  const bin = path.join(root, 'dist/tsc-run');
  if (!fs.existsSync(bin)) {
    console.error('bench: dist/tsc-run is missing: run `npm run bundle` first');
    process.exit(1);
  }
  return bin;
}

/** Who runs the commands: the named user when we are root (it must exist), else ourselves. */
export function benchUser(userName, asRoot = process.getuid() === 0) {
  if (!asRoot) return { name: os.userInfo().username, uid: process.getuid(), gid: process.getgid(), home: os.homedir() };
  const [name, , uid, gid, , home] = spawnSync('getent', ['passwd', userName], { encoding: 'utf8' }).stdout.trim().split(':');
  if (!name) throw new Error(`no user ${userName}: run \`npm run setup-host\``);
  return { name, uid: Number(uid), gid: Number(gid), home };
}

/**
 * Everything in one throwaway dir the user owns (the checkout may be
 * unreachable for it): a copy of the CLI, both stores, HOME and XDG dirs.
 * shortPodmanXdg: podman's XDG_RUNTIME_DIR in a short /tmp/pnb-* dir instead
 * (its slirp4netns API socket, XDG_RUNTIME_DIR/libpod/tmp/<id>.net, must fit
 * in 108 bytes). Returns { dir, pdir, bin, env, penv, who, asRoot, tsc,
 * podmanArgv, podmanAvailable, sh, start, importBusybox, cleanup }.
 */
export async function benchSandbox(name, { who, asRoot = process.getuid() === 0, shortPodmanXdg = false }) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `tsc-run-bench-${name}-`));
  await fs.chmod(dir, 0o755);
  const bin = path.join(dir, 'tsc-run');
  await fs.copy(path.join(root, 'dist/tsc-run'), bin);
  for (const d of ['home', 'xdg']) await fs.mkdirp(path.join(dir, d));
  const pdir = shortPodmanXdg ? await fs.mkdtemp('/tmp/pnb-') : path.join(dir, 'podman-xdg');
  if (!shortPodmanXdg) await fs.mkdirp(pdir);
  const env = {
    HOME: path.join(dir, 'home'),
    XDG_RUNTIME_DIR: path.join(dir, 'xdg'),
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    USER: who.name,
    LOGNAME: who.name,
    LANG: 'C.UTF-8',
  };
  const penv = { ...env, XDG_RUNTIME_DIR: pdir };
  const owned = shortPodmanXdg ? [dir, pdir] : [dir];
  if (asRoot) spawnSync('chown', ['-R', `${who.uid}:${who.gid}`, ...owned]);
  await fs.chmod(path.join(dir, 'xdg'), 0o700);
  await fs.chmod(pdir, 0o700);

  const tsc = (...args) => [bin, '--root', path.join(dir, 'tsc-root'), '--runroot', path.join(dir, 'xdg', 'rr'), ...args];
  const podmanAvailable = spawnSync('sh', ['-c', 'command -v podman'], { stdio: 'ignore' }).status === 0;
  const hybrid = fs.existsSync('/sys/fs/cgroup/unified') && fs.statfsSync('/sys/fs/cgroup/unified').type === 0x63677270;
  const podmanArgv = (...args) => ['podman', '--root', path.join(dir, 'podman-root'), '--runroot', path.join(pdir, 'rr'), ...args];

  /** argv → [cmd, args] run as the user (and for podman, in a mount namespace crun accepts). */
  function wrap(argv, { podman = false } = {}) {
    const inner = asRoot ? ['setpriv', `--reuid=${who.uid}`, `--regid=${who.gid}`, '--init-groups', '--', ...argv] : argv;
    if (podman && hybrid && asRoot) {
      return ['unshare', ['-m', 'sh', '-c', 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"', 'sh', ...inner]];
    }
    return [inner[0], inner.slice(1)];
  }

  /** Run argv as the user; throws on a non-zero exit unless opts.allowFail. */
  function sh(argv, opts = {}) {
    const [cmd, args] = wrap(argv, opts);
    const r = spawnSync(cmd, args, { env: opts.podman ? penv : env, encoding: 'utf8', input: opts.input ?? '' });
    if (r.status !== 0 && !opts.allowFail) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r;
  }

  /** Build the test harness's busybox rootfs tar, import it into tsc-run as `bench`; the tar's path. */
  async function importBusybox() {
    const { buildBusyboxRootfsTar } = await importTs(root, 'test/harness/images.ts');
    const tar = await buildBusyboxRootfsTar(path.join(dir, 'rootfs.tar'));
    if (asRoot) spawnSync('chown', [`${who.uid}:${who.gid}`, tar.path]);
    sh(tsc('import', tar.path, 'bench'));
    return tar.path;
  }

  /** No container, monitor or podman pause process outlives the bench; nor the sandbox. */
  function cleanup() {
    sh(tsc('rm', '-fa', '-t', '0'), { allowFail: true });
    if (podmanAvailable) {
      sh(podmanArgv('rm', '-fa', '-t', '0'), { podman: true, allowFail: true });
      sh(podmanArgv('system', 'migrate'), { podman: true, allowFail: true }); // stops the pause process of this store
      const pause = path.join(pdir, 'libpod', 'tmp', 'pause.pid');
      if (fs.existsSync(pause)) spawnSync('kill', [fs.readFileSync(pause, 'utf8').trim()]);
    }
    if (asRoot) spawnSync('rm', ['-rf', ...owned]);
    else spawnSync(bin, ['unshare', 'rm', '-rf', ...owned], { env, stdio: 'ignore' });
  }

  /** Start argv as the user without waiting: resolves to { status, stderr } when it exits. */
  function start(argv, opts = {}) {
    const [cmd, args] = wrap(argv, opts);
    const child = spawn(cmd, args, { env: opts.podman ? penv : env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise((resolve) => child.on('close', (status) => resolve({ status, stderr })));
  }

  return { dir, pdir, bin, env, penv, who, asRoot, tsc, podmanArgv, podmanAvailable, sh, start, importBusybox, cleanup };
}

/** The q-quantile of an ascending array (nearest rank). */
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/** { name, median, p90, min } of millisecond samples. */
export function stats(name, ms) {
  const s = [...ms].sort((a, b) => a - b);
  return { name, median: quantile(s, 0.5), p90: quantile(s, 0.9), min: s[0] };
}

/** Wall milliseconds of once(), `runs` times after `warmup` untimed calls. */
export function timeIt(name, once, { runs, warmup }) {
  for (let i = 0; i < warmup; i++) once();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    once();
    ms.push(performance.now() - t0);
  }
  return stats(name, ms);
}

/**
 * Wall milliseconds of several cases ([name, once] pairs), run in turn
 * (a, b, c, a, b, c, ...) so that load changes on a shared host hit every
 * case alike and their ratios stay meaningful; `runs` each after `warmup`.
 */
export function timeAlternating(cases, { runs, warmup }) {
  for (let i = 0; i < warmup; i++) for (const [, once] of cases) once();
  const ms = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    cases.forEach(([, once], k) => {
      const t0 = performance.now();
      once();
      ms[k].push(performance.now() - t0);
    });
  }
  return cases.map(([name], k) => stats(name, ms[k]));
}

/** Print a header line and the median/p90/min table of results. */
export function printTable(title, results) {
  const w = Math.max(...results.map((r) => r.name.length));
  const num = (v) => v.toFixed(1).padStart(8);
  echo(`${title}; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
  echo(`${'case'.padEnd(w)}  ${'median'.padStart(8)}${'p90'.padStart(8)}${'min'.padStart(8)}`);
  for (const r of results) echo(`${r.name.padEnd(w)}  ${num(r.median)}${num(r.p90)}${num(r.min)}`);
}
