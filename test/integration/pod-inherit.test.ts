// pod create flags that reach every member (podman's InfraInherit: --device,
// --security-opt, --shm-size, -v and --volumes-from), those the infra holds
// for the members sharing its namespaces (--sysctl, --pid/--uts host,
// --share cgroup), --label-file, --infra-conmon-pidfile, and the refusals,
// as the test user and as root; and pod inspect's keys for them (podman 4.3's).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

function suite(as: As): void {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const refused = async (args: string[], msg: string) => {
    const r = await cli(args);
    expect([r.exitCode, r.stderr], args.join(' ')).toEqual([125, `Error: ${msg}\n`]);
  };
  const podInspect = async (name: string) => JSON.parse(await ok(['pod', 'inspect', name])) as Record<string, unknown>;

  beforeAll(async () => {
    sb = await busyboxSandbox(`pod-inherit-${as}`, as);
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('--device, --security-opt, --shm-size reach each member (its own flags after them); --sysctl is the infra\'s, seen through the shared namespaces', async () => {
    await ok(['pod', 'create', '--name', 'inh', '--device', '/dev/fuse', '--security-opt', 'seccomp=unconfined', '--security-opt', 'no-new-privileges', '--shm-size', '10m',
      '--sysctl', 'kernel.msgmax=8192', '--sysctl', 'net.ipv4.ping_group_range=0 0']);
    const script = 'test -c /dev/fuse && echo fuse; grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status | tr -s "\\t " " "; df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2; cat /proc/sys/kernel/msgmax /proc/sys/net/ipv4/ping_group_range | tr "\\t" " "';
    expect(await ok(['run', '--rm', '--pod', 'inh', 'bb', 'sh', '-c', script])).toBe('fuse\nNoNewPrivs: 1\nSeccomp: 0\n10240\n8192\n0 0\n');
    // The member's own values are applied after the pod's: they win.
    const profile = path.join(sb.dir, 'allow.json');
    fs.writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mknodat'], action: 'SCMP_ACT_ERRNO' }] }));
    fs.chmodSync(profile, 0o644);
    expect(await ok(['run', '--rm', '--pod', 'inh', '--security-opt', `seccomp=${profile}`, '--security-opt', 'no-new-privileges=false', 'bb', 'sh', '-c', script]))
      .toBe('fuse\nNoNewPrivs: 0\nSeccomp: 2\n10240\n8192\n0 0\n');
    // In the pod's ipc namespace its /dev/shm is the infra's: its own size applies only with an ipc namespace of its own.
    expect(await ok(['run', '--rm', '--pod', 'inh', '--ipc', 'private', '--shm-size', '2m', 'bb', 'sh', '-c', script])).toMatch(/\n2048\n8192\n/);
    const o = await podInspect('inh');
    expect(o.security_opt).toEqual(['no-new-privileges', 'seccomp=unconfined']);
    expect([o.CreateCgroup, o.CgroupParent, o.CgroupPath]).toEqual([true, '/libpod_parent', `/libpod_parent/${o.Id as string}`]);
    // Checked as run checks them, before anything is made.
    await refused(['pod', 'create', '--name', 'bad', '--sysctl', 'kernel.hostname=x'], "sysctl 'kernel.hostname' is not allowed");
    await refused(['pod', 'create', '--name', 'bad', '--device', '/nonexistent'], 'stat /nonexistent: no such file or directory');
    await refused(['pod', 'create', '--name', 'bad', '--shm-size', '1x'], "unable to translate --shm-size: invalid size: '1x'");
    await refused(['pod', 'create', '--name', 'bad', '--security-opt', 'bogus'], 'invalid --security-opt 1: "bogus"');
    await refused(['pod', 'create', '--name', 'bad', '--network', 'host', '--sysctl', 'net.ipv4.ip_forward=1'], "sysctl net.ipv4.ip_forward=1 can't be set since Network Namespace set to host: invalid argument");
    expect((await cli(['pod', 'exists', 'bad'])).exitCode).toBe(1);
  });

  it('--volumes-from and --label-file; --infra-conmon-pidfile gets the infra monitor\'s pid', async () => {
    await ok(['run', '-d', '--name', 'vsrc', '-v', 'srcvol:/data', 'bb', 'sh', '-c', 'echo from-src > /data/f; exec sleep 1000']);
    const labels = path.join(sb.dir, 'labels');
    fs.writeFileSync(labels, '# a comment\na=from-file\nb=file\n');
    fs.chmodSync(labels, 0o644);
    const pidDir = path.join(sb.dir, 'pids');
    fs.mkdirSync(pidDir);
    sb.chown(pidDir);
    const pidfile = path.join(pidDir, 'infra.pid');
    await ok(['pod', 'create', '--name', 'vf', '--volumes-from', 'vsrc:ro', '--label-file', labels, '--label', 'b=flag', '--infra-conmon-pidfile', pidfile]);
    let seen = '';
    for (let i = 0; i < 50 && seen !== 'from-src\n'; i++) {
      seen = await ok(['run', '--rm', '--pod', 'vf', 'bb', 'cat', '/data/f']);
      if (seen !== 'from-src\n') await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe('from-src\n');
    expect((await cli(['run', '--rm', '--pod', 'vf', 'bb', 'touch', '/data/g'])).exitCode).not.toBe(0);
    const o = await podInspect('vf');
    expect(o.Labels).toEqual({ a: 'from-file', b: 'flag' });
    expect(o.volumes_from).toEqual(['vsrc:ro']);
    expect(o.mounts).toEqual([expect.objectContaining({ Type: 'volume', Name: 'srcvol', Destination: '/data', RW: false })]);
    // The pid of the infra's monitor: alive, and the parent of the infra's process.
    const monitor = Number(fs.readFileSync(pidfile, 'utf8'));
    const infraPid = Number((await ok(['inspect', '--format', '{{.State.Pid}}', o.InfraContainerID as string])).trim());
    const ppid = /^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${infraPid}/status`, 'utf8'))![1];
    expect(Number(ppid)).toBe(monitor);
  });

  it('--pid host with +pid, --uts host: the infra\'s namespace is the host\'s and so is every sharing member\'s', async () => {
    await ok(['pod', 'create', '--name', 'hpid', '--pid', 'host', '--share', '+pid']);
    const hostInit = fs.readlinkSync('/proc/self/ns/pid');
    expect(await ok(['run', '--rm', '--pod', 'hpid', 'bb', 'readlink', '/proc/self/ns/pid'])).toBe(`${hostInit}\n`);
    // Not shared: the member has its own, where it is PID 1.
    await ok(['pod', 'create', '--name', 'hpid2', '--pid', 'host']);
    expect(await ok(['run', '--rm', '--pod', 'hpid2', 'bb', 'sh', '-c', 'echo $$'])).toBe('1\n');
    await ok(['pod', 'create', '--name', 'huts', '--uts', 'host']);
    expect(await ok(['run', '--rm', '--pod', 'huts', 'bb', 'hostname'])).toBe(`${os.hostname()}\n`);
    const o = await podInspect('hpid');
    expect([(o.InfraConfig as Record<string, unknown>).pid_ns, (o.InfraConfig as Record<string, unknown>).uts_ns]).toEqual(['host', 'private']);
    await refused(['pod', 'create', '--name', 'bad', '--uts', 'host', '--hostname', 'x'], 'invalid config provided: cannot set hostname when running in the host UTS namespace: invalid configuration');
    await refused(['pod', 'create', '--name', 'bad', '--pid', 'ns:/proc/1/ns/pid'], "--pid ns:/proc/1/ns/pid: a pod's infra cannot join another container's or a path's pid namespace in tsc-run; use host or private");
    // A member's own namespace flag wins over the pod's sharing (podman).
    await ok(['pod', 'create', '--name', 'spid', '--share', '+pid']);
    expect(await ok(['run', '--rm', '--pod', 'spid', 'bb', 'sh', '-c', 'echo $$'])).not.toBe('1\n');
    expect(await ok(['run', '--rm', '--pod', 'spid', '--pid', 'private', 'bb', 'sh', '-c', 'echo $$'])).toBe('1\n');
  });

  it('--share cgroup (with --share-parent=false, as podman asks): members keep the infra\'s cgroup namespace; refusals', async () => {
    await refused(['pod', 'create', '--name', 'bad', '--share', 'cgroup'], "cannot define the pod as the cgroup parent at the same time as joining the infra container's cgroupNS: invalid argument");
    await ok(['pod', 'create', '--name', 'cg', '--share', 'cgroup,net,ipc,uts', '--share-parent=false']);
    const infra = ((await podInspect('cg')).InfraContainerID as string);
    await ok(['pod', 'start', 'cg']);
    const infraPid = (await ok(['inspect', '--format', '{{.State.Pid}}', infra])).trim();
    expect(await ok(['run', '--rm', '--pod', 'cg', 'bb', 'readlink', '/proc/self/ns/cgroup'])).toBe(`${fs.readlinkSync(`/proc/${infraPid}/ns/cgroup`)}\n`);
    await refused(['run', '--rm', '--pod', 'cg', '--cgroupns', 'private', 'bb', 'true'], '--cgroupns private: the pod shares its cgroup namespace (--share cgroup), which its containers keep');
    expect('CgroupPath' in (await podInspect('cg'))).toBe(false);
    await refused(['pod', 'create', '--name', 'bad', '--cgroup-parent', '/x'],
      '--cgroup-parent /x: tsc-run places pods and containers in no cgroup of its own on this host (no cgroup v2 subtree delegated to this user); create the pod without it');
    await refused(['pod', 'create', '--name', 'bad', '--infra=false', '--sysctl', 'kernel.msgmax=1'], 'cannot specify --sysctl when the pod has no infra container: invalid argument');
  });
}

describe('pod create flags inherited by members (test user)', () => suite('user'));
describe.runIf(isRoot())('pod create flags inherited by members (root)', () => suite('root'));
