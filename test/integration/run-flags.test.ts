// run/create flags of issue 9 (src/runtime/create-flags/): environment
// flags, --umask, --tz, /etc/passwd and /etc/group entries, /run/.containerenv,
// --timeout, -a, --rmi, --pidfile/--conmon-pidfile, --requires, the resource
// flags on this host, --label-file/--annotation, a repeated string flag.
// Expected values are podman 4.3's on this machine (checked side by side).

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, tscRunOk, type As, type Sandbox } from '../harness/index.js';
import { buildBusyboxRootfsTar } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

const cgroupV2 = (() => {
  try {
    return fs.statfsSync('/sys/fs/cgroup').type === 0x63677270;
  } catch {
    return false;
  }
})();

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  const run = (args: string[], env?: Record<string, string>) => tscRun(args, { sandbox: sb, env });
  const out = async (args: string[], env?: Record<string, string>) => {
    const r = await run(args, env);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    sb = await busyboxSandbox(`run-flags-${as}`, as);
  });
  afterAll(() => disposeSandbox(sb));

  it('--unsetenv, --unsetenv-all, --env-merge, --http-proxy, -e PREFIX*', async () => {
    const env = await out(['run', '--rm', '--unsetenv', 'TERM', '-e', 'X=1', '--env-merge', 'PATH=/a:${PATH}', '--env-merge', 'NEW=1', 'bb', 'env']);
    expect(env).toMatch(/^PATH=\/a:\/usr\/local\/sbin:/m);
    expect(env).not.toMatch(/^TERM=/m);
    expect(env).not.toMatch(/^NEW=/m); // --env-merge only rewrites a variable that exists
    expect(env).toMatch(/^X=1$/m);
    // Without PATH the command is not found (podman: 127).
    const all = await run(['run', '--rm', '--unsetenv-all', 'bb', '/bin/busybox', 'env']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout.split('\n').filter(Boolean).map((l) => l.split('=')[0]).sort()).toEqual(['HOME', 'HOSTNAME']);
    const proxy = await out(['run', '--rm', '-e', 'MYV*', 'bb', 'env'], { http_proxy: 'http://p:3128', MYVAR1: 'a', MYVAR2: 'b' });
    expect(proxy).toMatch(/^http_proxy=http:\/\/p:3128$/m);
    expect(proxy).toMatch(/^MYVAR1=a$/m);
    expect(proxy).toMatch(/^MYVAR2=b$/m);
    expect(await out(['run', '--rm', '--http-proxy=false', 'bb', 'env'], { http_proxy: 'http://p:3128' })).not.toMatch(/http_proxy/);
  });

  it('--umask, --tz, /run/.containerenv (empty; named under --privileged)', async () => {
    expect(await out(['run', '--rm', '--umask', '077', 'bb', 'sh', '-c', 'umask; touch /tmp/f; stat -c %a /tmp/f'])).toBe('0077\n600\n');
    expect(await out(['run', '--rm', 'bb', 'sh', '-c', 'umask'])).toBe('0022\n');
    expect(await out(['run', '--rm', '--tz', 'Asia/Tokyo', 'bb', 'date', '+%Z'])).toBe('JST\n');
    const bad = await run(['run', '--rm', '--tz', 'Nowhere/Else', 'bb', 'true']);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toBe('Error: running container create option: stat /usr/share/zoneinfo/Nowhere/Else: no such file or directory\n');
    expect(await out(['run', '--rm', 'bb', 'stat', '-c', '%s', '/run/.containerenv'])).toBe('0\n');
    const priv = await out(['run', '--rm', '--privileged', '--name', 'privenv', 'bb', 'cat', '/run/.containerenv']);
    expect(priv).toMatch(/^engine="tsc-run-.+"\nname="privenv"\nid="[0-9a-f]{64}"\nimage="localhost\/bb:latest"\nimageid="[0-9a-f]{64}"\nrootless=[01]\n$/);
  });

  it('a numeric --user the image does not know gets passwd and group entries; --passwd-entry; --passwd=false', async () => {
    expect(await out(['run', '--rm', '-u', '1234:55', 'bb', 'sh', '-c', 'id; tail -1 /etc/passwd; tail -1 /etc/group'])).toBe(
      'uid=1234(1234) gid=55(55) groups=55(55)\n1234:*:1234:55:container user:/:/bin/sh\n55:x:55:1234\n',
    );
    expect(await out(['run', '--rm', '-u', '4321', '--passwd-entry', '$USERNAME:x:$UID:$GID::$HOME:/bin/false', 'bb', 'tail', '-1', '/etc/passwd'])).toBe('4321:x:4321:0::/:/bin/false\n');
    const off = await run(['run', '--rm', '-u', '4321', '--passwd=false', 'bb', 'grep', '-c', '4321', '/etc/passwd']);
    expect([off.exitCode, off.stdout]).toEqual([1, '0\n']);
    expect(await out(['run', '--rm', '--group-add', '12', '--group-add', 'nobody', 'bb', 'id', '-G'])).toBe('0 12 65534\n');
  });

  if (as === 'user') {
    it('--userns=keep-id adds the user to /etc/passwd and /etc/group', async () => {
      const uid = sb.owner.uid;
      const o = await out(['run', '--rm', '--userns=keep-id', 'bb', 'sh', '-c', 'id -u; tail -1 /etc/passwd; tail -1 /etc/group']);
      const [u, pw, gr] = o.trim().split('\n');
      expect(Number(u)).toBe(uid);
      expect(pw).toMatch(new RegExp(`^[^:]+:\\*:${uid}:${sb.owner.gid}:[^:]*:/:/bin/sh$`));
      expect(gr).toMatch(new RegExp(`^[^:]+:x:${sb.owner.gid}:[^:]+$`));
    });
  }

  it('--timeout kills the container (exit 255, as conmon); -a shows only the streams named', async () => {
    const t0 = Date.now();
    const r = await run(['run', '--rm', '--timeout', '1', 'bb', 'sleep', '30']);
    expect(r.exitCode).toBe(255);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const a = await run(['run', '--rm', '-a', 'stderr', 'bb', 'sh', '-c', 'echo out; echo err >&2']);
    expect([a.exitCode, a.stdout, a.stderr]).toEqual([0, '', 'err\n']);
    const b = await run(['run', '--rm', '-a', 'bogus', 'bb', 'true']);
    expect([b.exitCode, b.stderr]).toEqual([125, 'Error: invalid stream "bogus" for --attach - must be one of stdin, stdout, or stderr: invalid argument\n']);
  });

  it('--pidfile and --conmon-pidfile; --requires starts the container needed first', async () => {
    await out(['create', '--name', 'dep', 'bb', 'sleep', '60']);
    const pf = path.join(sb.dir, 'ctr.pid');
    const cpf = path.join(sb.dir, 'mon.pid');
    const id = (await out(['run', '-d', '--requires', 'dep', '--pidfile', pf, '--conmon-pidfile', cpf, 'bb', 'sleep', '60'])).trim();
    const rec = JSON.parse(await out(['inspect', id]))[0];
    expect(Number(fs.readFileSync(pf, 'utf8'))).toBe(rec.State.Pid);
    expect(Number(fs.readFileSync(cpf, 'utf8'))).toBe(rec.State.ConmonPid);
    expect(rec.Dependencies).toHaveLength(1);
    expect(await out(['inspect', '--format', '{{.State.Status}}', 'dep'])).toBe('running\n');
    const bad = await run(['create', '--requires', 'nosuch', 'bb', 'true']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: "nosuch" is not a valid container, cannot be used as a dependency: no container with name or ID "nosuch" found: no such container\n']);
    await run(['rm', '-f', '-t', '0', id, 'dep']);
  });

  it('--label-file, --annotation, --expose, --umask and --timeout in inspect; a string flag given twice keeps the last', async () => {
    const lf = path.join(sb.dir, 'labels');
    fs.writeFileSync(lf, '# comment\na=1\n\nb=2\n');
    fs.chmodSync(lf, 0o644);
    const id = (await out(['create', '--label-file', lf, '-l', 'b=3', '--annotation', 'k=v', '--expose', '80', '--expose', '90-91/udp', '--umask', '27', '--timeout', '9', '--hostname', 'one', '--hostname', 'two', 'bb', 'true'])).trim();
    const c = JSON.parse(await out(['inspect', id]))[0];
    expect(c.Config.Labels).toMatchObject({ a: '1', b: '3' });
    expect(c.Config.Annotations.k).toBe('v');
    expect(Object.keys(c.Config.ExposedPorts).sort()).toEqual(['80/tcp', '90/udp', '91/udp']);
    expect([c.Config.Umask, c.Config.Timeout, c.Config.Hostname]).toEqual(['0027', 9, 'two']);
    const bad = await run(['create', '--annotation', 'novalue', 'bb', 'true']);
    expect(bad.exitCode).toBe(125);
    await run(['rm', id]);
  });

  it('--init: PID 1 shows as /run/podman-init -- CMD with the container\'s environment; no host path in /proc/1', async () => {
    const o = await out(['run', '--rm', '--init', '-e', 'A=1', 'bb', 'sh', '-c', 'tr "\\0" " " < /proc/1/cmdline; echo; tr "\\0" "\\n" < /proc/1/environ']);
    const [cmdline, ...environ] = o.trim().split('\n');
    expect(cmdline).toBe('/run/podman-init -- sh -c tr "\\0" " " < /proc/1/cmdline; echo; tr "\\0" "\\n" < /proc/1/environ ');
    expect(environ).toContain('A=1');
    expect(o).not.toContain(sb.root);
    expect(o).not.toContain(sb.home);
    expect(o).not.toContain('tsc-run-helper');
    // Its name too (ps shows it): podman's catatonit is podman-init, not our memfd.
    expect(await out(['run', '--rm', '--init', 'bb', 'cat', '/proc/1/comm'])).toBe('podman-init\n');
    const codes = await run(['run', '--rm', '--init', 'bb', 'sh', '-c', 'exit 7']);
    expect(codes.exitCode).toBe(7);
    expect((await run(['run', '--rm', '--init', 'bb', 'nosuchcmd'])).exitCode).toBe(127);
  });

  it('--ulimit, --sysctl, --shm-size, --personality, --device, --pid/--ipc/--uts host, --cgroupns private', async () => {
    expect(await out(['run', '--rm', '--ulimit', 'nofile=100:200', '--ulimit', 'nproc=50', 'bb', 'sh', '-c', 'ulimit -n; ulimit -Hn; ulimit -u'])).toBe('100\n200\n50\n');
    const badU = await run(['run', '--rm', '--ulimit', 'bogus=1', 'bb', 'true']);
    expect([badU.exitCode, badU.stderr]).toEqual([125, 'Error: ulimit option "bogus=1" requires name=SOFT:HARD, failed to be parsed: invalid ulimit type: bogus\n']);
    expect(await out(['run', '--rm', '--sysctl', 'kernel.msgmax=4096', '--sysctl', 'net.ipv4.ip_forward=1', 'bb', 'cat', '/proc/sys/kernel/msgmax', '/proc/sys/net/ipv4/ip_forward'])).toBe('4096\n1\n');
    const badS = await run(['run', '--rm', '--sysctl', 'vm.swappiness=1', 'bb', 'true']);
    expect([badS.exitCode, badS.stderr]).toEqual([125, "Error: sysctl 'vm.swappiness' is not allowed\n"]);
    expect((await run(['run', '--rm', '--network', 'host', '--sysctl', 'net.ipv4.ip_forward=1', 'bb', 'true'])).stderr).toMatch(/Network Namespace set to host/);
    expect((await out(['run', '--rm', '--shm-size', '1m', 'bb', 'df', '-k', '/dev/shm'])).split('\n')[1]).toMatch(/\s1024\s/);
    expect(await out(['run', '--rm', '--personality', 'LINUX32', 'bb', 'uname', '-m'])).toMatch(/^(i686|i386|armv[78]l|armv8l)\n$/);
    expect((await run(['run', '--rm', '--personality', 'BAD', 'bb', 'true'])).exitCode).toBe(125);
    expect(await out(['run', '--rm', '--device', '/dev/null:/dev/mynull', 'bb', 'sh', '-c', 'echo x > /dev/mynull && stat -c %t,%T /dev/mynull'])).toBe('1,3\n');
    const noDev = await run(['run', '--rm', '--device', '/dev/nosuch', 'bb', 'true']);
    expect([noDev.exitCode, noDev.stderr]).toEqual([125, 'Error: stat /dev/nosuch: no such file or directory\n']);
    // The host's pid namespace: our own pid is visible in /proc.
    expect(await out(['run', '--rm', '--pid', 'host', 'bb', 'sh', '-c', `test -d /proc/${process.pid} && echo seen`])).toBe('seen\n');
    expect(await out(['run', '--rm', '--pid', 'private', 'bb', 'sh', '-c', 'echo $$'])).toBe('1\n');
    const hostname = (await import('node:os')).hostname();
    expect(await out(['run', '--rm', '--uts', 'host', 'bb', 'hostname'])).toBe(`${hostname}\n`);
    expect((await run(['run', '--rm', '--ipc', 'host', 'bb', 'true'])).exitCode).toBe(0);
    expect((await run(['run', '--rm', '--cgroupns', 'private', 'bb', 'true'])).exitCode).toBe(0);
    const join = await run(['run', '--rm', '--ipc', 'container:x', 'bb', 'true']);
    expect(join.exitCode).toBe(125);
    expect(join.stderr).toBe('Error: looking up container to share ipc namespace with: no container with name or ID "x" found: no such container\n');
  });

  it('--volumes-from (ro/rw as the source has them, or forced), --image-volume bind|tmpfs|ignore, --chrootdirs, policy flags', async () => {
    await out(['volume', 'create', 'vfrom']);
    const hostDir = path.join(sb.dir, 'vf-host');
    fs.mkdirSync(hostDir);
    fs.chmodSync(hostDir, 0o777);
    await out(['create', '--name', 'vsrc', '-v', 'vfrom:/data', '-v', `${hostDir}:/hostdir:ro`, 'bb', 'true']);
    const opts = (o: string, dest: string) => o.split('\n').find((l) => l.split(' ')[4] === dest)?.split(' ')[5]?.split(',')[0];
    const seen = await out(['run', '--rm', '--volumes-from', 'vsrc', 'bb', 'sh', '-c', 'echo x > /data/f; cat /proc/self/mountinfo']);
    expect([opts(seen, '/data'), opts(seen, '/hostdir')]).toEqual(['rw', 'ro']);
    expect(opts(await out(['run', '--rm', '--volumes-from', 'vsrc:ro', 'bb', 'cat', '/proc/self/mountinfo']), '/data')).toBe('ro');
    expect(await out(['run', '--rm', '-v', 'vfrom:/v', 'bb', 'cat', '/v/f'])).toBe('x\n');
    const noSrc = await run(['run', '--rm', '--volumes-from', 'nosuch', 'bb', 'true']);
    expect([noSrc.exitCode, noSrc.stderr]).toEqual([125, 'Error: looking up container "nosuch" for volumes-from: no container with name or ID "nosuch" found: no such container\n']);
    await out(['rm', 'vsrc']);

    await out(['run', '--name', 'withvol', 'bb', 'true']);
    await out(['commit', '-q', '-c', 'VOLUME ["/iv"]', 'withvol', 'volimg']);
    await out(['rm', 'withvol']);
    const mi = (mode: string) => out(['run', '--rm', '--image-volume', mode, 'volimg', 'sh', '-c', 'grep " /iv " /proc/self/mountinfo || echo none']);
    expect(await mi('tmpfs')).toMatch(/ \/iv .* - tmpfs /);
    expect(await mi('ignore')).toBe('none\n');
    expect(await mi('bind')).not.toBe('none\n');
    expect((await run(['run', '--rm', '--image-volume', 'bogus', 'bb', 'true'])).exitCode).toBe(125);

    expect(await out(['run', '--rm', '--hostname', 'jailed', '--chrootdirs', '/jail', 'bb', 'cat', '/jail/etc/hostname'])).toBe('jailed\n');
    expect((await run(['run', '--rm', '--seccomp-policy', 'image', '--sdnotify', 'ignore', 'bb', 'true'])).exitCode).toBe(0);
    const badPolicy = await run(['run', '--rm', '--seccomp-policy', 'bad', 'bb', 'true']);
    expect([badPolicy.exitCode, badPolicy.stderr]).toEqual([125, 'Error: invalid seccomp policy "bad": valid policies are ["default" "image"]\n']);
    const both = await run(['run', '--rm', '--userns', 'keep-id', '--subuidname', 'x', 'bb', 'true']);
    expect([both.exitCode, both.stderr]).toEqual([125, 'Error: --userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive\n']);
  });

  it('--preserve-fds passes our fds 3.. in (podman\'s check when they are not open)', async () => {
    const { cliLine, spawnLive } = await import('./run-util.js');
    const outFile = path.join(sb.dir, 'pf-out');
    fs.writeFileSync(outFile, '');
    fs.chmodSync(outFile, 0o666);
    const line = `${cliLine(sb, ['run', '--rm', '--preserve-fds', '2', 'bb', 'sh', '-c', 'cat <&3; echo via4 >&4'])} 3</etc/hostname 4>${outFile}`;
    const live = spawnLive(sb, ['sh', '-c', line]);
    expect(await live.exited, live.stderr()).toBe(0);
    expect(live.stdout()).toBe(fs.readFileSync('/etc/hostname', 'utf8'));
    expect(fs.readFileSync(outFile, 'utf8')).toBe('via4\n');
    const none = await run(['run', '--rm', '--preserve-fds', '1', 'bb', 'true']);
    expect([none.exitCode, none.stderr]).toEqual([125, 'Error: file descriptor 3 is not available - the preserve-fds option requires that file descriptors must be passed\n']);
  });

  if (full) {
    it('--rmi removes the image after the container, or says why not', async () => {
      const tar = await buildBusyboxRootfsTar(path.join(sb.dir, 'rmi.tar'));
      await tscRunOk(['import', tar.path, 'rmime'], { sandbox: sb });
      const r = await run(['run', '--rm', '--rmi', 'rmime', 'true']);
      expect([r.exitCode, r.stderr]).toEqual([0, '']);
      expect(await out(['images', '--format', '{{.Repository}}'])).not.toMatch(/rmime/);
      const kept = await run(['run', '--rmi', 'bb', 'true']);
      expect(kept.exitCode).toBe(0);
      expect(kept.stderr).toMatch(/level=error msg="image used by [0-9a-f]{64}: image is in use by a container/);
    });
  }

  it('resource flags: malformed values are refused with podman messages; on cgroup v1 rootless podman warns and runs unlimited', async () => {
    const bad = await run(['run', '--rm', '--memory', 'bad', 'bb', 'true']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, "Error: invalid value for memory: invalid size: 'bad'\n"]);
    const both = await run(['run', '--rm', '--cpus', '1', '--cpu-period', '1000', 'bb', 'true']);
    expect([both.exitCode, both.stderr]).toEqual([125, 'Error: --cpu-period and --cpus cannot be set together\n']);
    const split = await run(['run', '--rm', '--cgroups', 'split', 'bb', 'true']);
    expect(split.exitCode).toBe(126);
    const r = await run(['run', '--rm', '--memory', '64m', '--cpu-shares', '100', '--cpuset-cpus', '0', 'bb', 'echo', 'ran']);
    if (!cgroupV2 && as === 'user') {
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, 'ran\n', 'Resource limits are not supported and ignored on cgroups V1 rootless systems\n']);
    } else if (r.exitCode !== 0) {
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(/^Error: .*--cpu-shares.*\n$/);
    }
  });
}

describe('run flags as the test user', () => suite('user', true));
describe.runIf(isRoot())('run flags as root', () => suite('root', false));
