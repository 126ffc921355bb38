#!/usr/bin/env zx
// Prepare this machine for tsc-run's tests and demo. Idempotent.
//
// As root: install what is missing, create the unprivileged test user, and
// fix every prerequisite below, then print what changed.
// As an ordinary user: change nothing; check the same prerequisites for this
// user and print each missing one with the exact command that fixes it
// (exit 1), or exit 0 when the tests can run as this user.
// docs/testing.md lists every change this makes.
import 'zx/globals';
import { execFileSync, spawnSync } from 'node:child_process';

$.verbose = false;
$.quiet = true; // our own echo() lines only; failures are reported by us

const PACKAGES = [
  'uidmap', // newuidmap/newgidmap: subordinate id ranges for user namespaces
  'fuse-overlayfs', // rootless overlay on kernels or filesystems without native userns overlay
  'fuse3', // fusermount3
  'passt', // pasta: default rootless network
  'slirp4netns', // alternative rootless network
  'busybox-static', // the test images' userland
  'docker-registry', // the registry fixture
  'apache2-utils', // htpasswd for the registry fixture's auth
  'podman', // interop tests
  'skopeo', // interop tests
  'buildah', // build interop: buildah reads what we build, we build on what it builds
  'bzip2', // build tests make the .tar.bz2 archives ADD extracts
  'podman-compose', // compose interop: a real client of our CLI (--podman-path)
  'zsh', // `completion zsh` and `completion fish` are loaded in the real shells
  'fish',
  'gcc', // `npm run build` compiles the C helper
  'make',
  'libc6-dev', // static libc and kernel headers (linux-libc-dev) for the helper
  'libseccomp-dev', // the helper's optional seccomp filter
];
const TEST_USER = 'tsctest';
const SUB_RANGE = { start: 100000, count: 65536 };
const IDMAP_BINS = ['/usr/bin/newuidmap', '/usr/bin/newgidmap'];
const DEVICES = [
  { path: '/dev/fuse', major: 10, minor: 229 },
  { path: '/dev/net/tun', major: 10, minor: 200 },
];
const DEFAULT_REGISTRY_CONFIG = '/etc/docker/registry/config.yml';

const isRoot = process.getuid() === 0;
const changes = [];
const problems = []; // { what, fix }

const changed = (msg) => {
  changes.push(msg);
  echo(`setup-host: ${msg}`);
};

// ---------------------------------------------------------------- checks

async function missingPackages() {
  if (!(await which('dpkg-query', { nothrow: true }))) return PACKAGES; // not Debian: report all
  const r = await $`dpkg-query -W -f=${'${Package} ${db:Status-Status}\n'} ${PACKAGES}`.nothrow();
  const installed = new Set(
    r.stdout
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([, status]) => status === 'installed')
      .map(([name]) => name.split(':')[0]),
  );
  return PACKAGES.filter((p) => !installed.has(p));
}

async function userEntry(name) {
  const r = await $`getent passwd ${name}`.nothrow();
  if (r.exitCode !== 0) return undefined;
  const [, , uid, gid, , home] = r.stdout.trim().split(':');
  return { name, uid: Number(uid), gid: Number(gid), home };
}

/** Ranges in /etc/subuid or /etc/subgid: [{ owner, start, count }]. */
function subRanges(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim().split(':'))
    .filter((f) => f.length === 3 && f[0] && !f[0].startsWith('#'))
    .map(([owner, start, count]) => ({ owner, start: Number(start), count: Number(count) }));
}

const hasSubRange = (file, user) =>
  subRanges(file).some((r) => (r.owner === user.name || r.owner === String(user.uid)) && r.count >= 65536);

function idmapOk(bin) {
  if (!fs.existsSync(bin)) return true; // reported as a missing package
  const st = fs.statSync(bin);
  if (st.uid === 0 && st.mode & 0o4000) return true;
  // Debian may ship them with file capabilities instead of setuid.
  try {
    return /cap_set[ug]id/.test(execFileSync('getcap', [bin], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
}

function deviceOk(dev) {
  if (!fs.existsSync(dev.path)) return false;
  try {
    fs.accessSync(dev.path, fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    return false;
  }
  // Root passes access() regardless: the test user needs the mode bits.
  return !isRoot || (fs.statSync(dev.path).mode & 0o666) === 0o666;
}

const readSysctl = (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8').trim() : undefined);
const SYSCTLS = [
  // [proc path, sysctl name, wanted(value) → ok, value to set]
  ['/proc/sys/user/max_user_namespaces', 'user.max_user_namespaces', (v) => Number(v) > 0, '15000'],
  ['/proc/sys/kernel/unprivileged_userns_clone', 'kernel.unprivileged_userns_clone', (v) => v === '1', '1'],
  // Ubuntu ≥ 23.10 only: AppArmor blocks unprivileged user namespaces.
  ['/proc/sys/kernel/apparmor_restrict_unprivileged_userns', 'kernel.apparmor_restrict_unprivileged_userns', (v) => v === '0', '0'],
];

/** PIDs of docker-registry instances serving the package's default config (not our fixtures). */
function defaultRegistryPids() {
  const pids = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let argv;
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv[0] && path.basename(argv[0]) === 'docker-registry' && argv.includes(DEFAULT_REGISTRY_CONFIG)) pids.push(Number(pid));
  }
  return pids;
}

/** Can `user` create a user namespace with its subordinate ranges mapped? */
function userNamespaceWorks(user) {
  const cmd = ['unshare', '--map-root-user', '--map-auto', '--', 'true'];
  const argv = process.getuid() === user.uid ? cmd : ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', ...cmd];
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: user.home, USER: user.name, LOGNAME: user.name };
  // stderr to a file, not a pipe: when unshare fails, the helper child it forked
  // for newuidmap can hang on, and a pipe would keep us waiting for it too.
  const errFile = path.join(os.tmpdir(), `tsc-run-setup-host-${process.pid}.err`);
  const fd = fs.openSync(errFile, 'w');
  try {
    const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', fd], timeout: 30_000, killSignal: 'SIGKILL' });
    const stderr = fs.readFileSync(errFile, 'utf8').trim() || (r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : '');
    return { ok: r.status === 0, stderr };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(errFile, { force: true });
  }
}

// ---------------------------------------------------------------- as root

async function aptInstall(pkgs) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
  // apt's chatter goes to a log, shown only when it fails: CI logs stay readable.
  const log = path.join(os.tmpdir(), `tsc-run-setup-host-apt-${process.pid}.log`);
  const fd = fs.openSync(log, 'w');
  const apt = $({ env, stdio: ['ignore', fd, fd] });
  // Wait for a boot-time unattended-upgrades run instead of failing on its lock.
  const opts = ['-o', 'DPkg::Lock::Timeout=600', '-o', 'Dpkg::Use-Pty=0'];
  echo(`setup-host: installing ${pkgs.join(' ')} (apt-get, log ${log})`);
  try {
    await apt`apt-get ${opts} -q update`;
    await apt`apt-get ${opts} -q -y --no-install-recommends install ${pkgs}`;
  } catch (e) {
    echo(fs.readFileSync(log, 'utf8').split('\n').slice(-40).join('\n'));
    echo(`setup-host: apt-get failed (exit ${e.exitCode}); full log: ${log}`);
    process.exit(1);
  } finally {
    fs.closeSync(fd);
  }
  fs.rmSync(log, { force: true });
  changed(`installed ${pkgs.join(' ')}`);
}

/** The package's own registry listens on :5000 and is not used by the tests. */
async function stopDefaultRegistry() {
  if (!fs.existsSync('/usr/bin/docker-registry')) return;
  if (fs.existsSync('/run/systemd/system')) {
    const active = (await $`systemctl is-active docker-registry.service`.nothrow()).stdout.trim() === 'active';
    const enabled = (await $`systemctl is-enabled docker-registry.service`.nothrow()).stdout.trim() === 'enabled';
    if (active || enabled) {
      await $`systemctl disable --now docker-registry.service`.nothrow();
      changed('stopped and disabled the docker-registry service (it listens on :5000)');
    }
  } else if (fs.existsSync('/etc/init.d/docker-registry') && (await glob('/etc/rc[2-5].d/S*docker-registry')).length) {
    await $`update-rc.d docker-registry disable`.nothrow();
    changed('disabled the docker-registry init script');
  }
  const pids = defaultRegistryPids();
  if (pids.length) {
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    changed(`stopped the default docker-registry (pid ${pids.join(', ')})`);
  }
}

async function ensureTestUser() {
  let user = await userEntry(TEST_USER);
  if (!user) {
    await $`useradd --create-home --home-dir /home/${TEST_USER} --shell /bin/bash ${TEST_USER}`;
    user = await userEntry(TEST_USER);
    changed(`created user ${TEST_USER} (uid ${user.uid}, home ${user.home})`);
  }
  return user;
}

/** 100000:65536 unless another account already holds part of it; then the next block free in both files. */
function freeSubStart() {
  const taken = [...subRanges('/etc/subuid'), ...subRanges('/etc/subgid')];
  let start = SUB_RANGE.start;
  for (;;) {
    const clash = taken.find((r) => start < r.start + r.count && r.start < start + SUB_RANGE.count);
    if (!clash) return start;
    start = clash.start + clash.count;
  }
}

function ensureSubRanges(user) {
  for (const file of ['/etc/subuid', '/etc/subgid']) {
    if (hasSubRange(file, user)) continue;
    const start = freeSubStart();
    fs.appendFileSync(file, `${user.name}:${start}:${SUB_RANGE.count}\n`);
    changed(`added ${user.name}:${start}:${SUB_RANGE.count} to ${file}`);
  }
}

async function setupAsRoot() {
  const missing = await missingPackages();
  if (missing.length) await aptInstall(missing);
  await stopDefaultRegistry();

  const user = await ensureTestUser();
  ensureSubRanges(user);

  for (const bin of IDMAP_BINS) {
    if (idmapOk(bin)) continue;
    await $`chmod u+s ${bin}`;
    changed(`set the setuid bit on ${bin}`);
  }

  for (const dev of DEVICES) {
    if (deviceOk(dev)) continue;
    if (!fs.existsSync(dev.path)) {
      // The node is useless without its driver; loading it (if modular) may also create the node.
      await $`modprobe ${dev.path.endsWith('fuse') ? 'fuse' : 'tun'}`.nothrow();
    }
    if (!fs.existsSync(dev.path)) {
      await fs.mkdirp(path.dirname(dev.path));
      await $`mknod -m 0666 ${dev.path} c ${dev.major} ${dev.minor}`;
      changed(`created ${dev.path} (c ${dev.major} ${dev.minor}, mode 0666)`);
    } else {
      await $`chmod 0666 ${dev.path}`;
      changed(`made ${dev.path} mode 0666 (as Debian's udev rules do)`);
    }
  }

  for (const [file, name, ok, value] of SYSCTLS) {
    const v = readSysctl(file);
    if (v === undefined || ok(v)) continue;
    fs.writeFileSync(file, value);
    changed(`set ${name}=${value} (was ${v}; not persistent across reboots)`);
  }

  const ns = userNamespaceWorks(user);
  if (!ns.ok) {
    problems.push({
      what: `${TEST_USER} cannot create a user namespace with its subordinate ids (unshare --map-root-user --map-auto true): ${ns.stderr}`,
      fix: 'see docs/testing.md, "Host prerequisites"',
    });
  }
}

// ---------------------------------------------------------------- as a user

async function checkAsUser() {
  const me = os.userInfo();
  const user = { name: me.username, uid: me.uid, gid: me.gid, home: me.homedir };
  const missing = await missingPackages();
  if (missing.length) {
    problems.push({
      what: `packages not installed: ${missing.join(' ')}`,
      fix: `sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    });
  }
  const noSub = ['/etc/subuid', '/etc/subgid'].filter((f) => !hasSubRange(f, user));
  if (noSub.length) {
    const start = freeSubStart();
    const flags = noSub.map((f) => `--add-sub${f.endsWith('uid') ? 'uids' : 'gids'} ${start}-${start + SUB_RANGE.count - 1}`);
    problems.push({
      what: `no subordinate id range of 65536 for ${user.name} in ${noSub.join(' and ')}`,
      fix: `sudo usermod ${flags.join(' ')} ${user.name}`,
    });
  }
  const badIdmap = IDMAP_BINS.filter((b) => !idmapOk(b));
  if (badIdmap.length) problems.push({ what: `${badIdmap.join(', ')} not setuid root`, fix: `sudo chmod u+s ${badIdmap.join(' ')}` });
  for (const dev of DEVICES) {
    if (deviceOk(dev)) continue;
    const fix = fs.existsSync(dev.path)
      ? `sudo chmod 0666 ${dev.path}`
      : `sudo mkdir -p ${path.dirname(dev.path)} && sudo mknod -m 0666 ${dev.path} c ${dev.major} ${dev.minor}`;
    problems.push({ what: `${dev.path} is not readable and writable by ${user.name}`, fix });
  }
  for (const [file, name, ok, value] of SYSCTLS) {
    const v = readSysctl(file);
    if (v !== undefined && !ok(v)) problems.push({ what: `${name} is ${v}`, fix: `sudo sysctl -w ${name}=${value}` });
  }
  if (!problems.length) {
    const ns = userNamespaceWorks(user);
    if (!ns.ok) {
      problems.push({
        what: `cannot create a user namespace with subordinate ids (unshare --map-root-user --map-auto true): ${ns.stderr}`,
        fix: 'see docs/testing.md, "Host prerequisites"',
      });
    }
  }
  if (defaultRegistryPids().length) {
    echo("setup-host: note: Debian's docker-registry service is running on :5000; the tests do not need it " +
      '(stop it with: sudo systemctl disable --now docker-registry)');
  }
  return user;
}

// ---------------------------------------------------------------- main

if (isRoot) {
  await setupAsRoot();
  echo(changes.length ? `setup-host: done (${changes.length} change${changes.length > 1 ? 's' : ''})` : 'setup-host: host already set up, nothing changed');
} else {
  const user = await checkAsUser();
  if (!problems.length) echo(`setup-host: all prerequisites present; tests run as ${user.name}`);
}

if (problems.length) {
  echo(`setup-host: ${problems.length} prerequisite${problems.length > 1 ? 's' : ''} missing${isRoot ? '' : ` to run the tests and the demo as ${os.userInfo().username}`}:`);
  for (const p of problems) echo(`  - ${p.what}\n      fix: ${p.fix}`);
  const cmds = problems.map((p) => p.fix).filter((f) => f.startsWith('sudo '));
  if (cmds.length > 1) echo(`setup-host: all fixes at once:\n  ${cmds.join(' && \\\n  ')}`);
  process.exit(1);
}
