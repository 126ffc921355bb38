// inspect fields podman 4.3 reads back from its spec annotations, and
// containers.conf's runtime check (issue 9 sweep). Expected values are
// podman 4.3.1's on this machine, compared side by side with the same image
// and flags (scripts/parity/run-flags.mjs).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

describe('inspect: podman spec annotations (rootless)', () => {
  let sb: Sandbox;
  const run = (args: string[], env?: Record<string, string>) => tscRun(args, { sandbox: sb, ...(env ? { env } : {}) });
  const ok = async (args: string[]) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };
  const fmt = '{{json .HostConfig.SecurityOpt}} {{.HostConfig.ContainerIDFile}} {{.HostConfig.VolumesFrom}} {{json .Config.Annotations}}';

  beforeAll(async () => {
    sb = await busyboxSandbox('sweep-inspect', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it('a plain container: only the io.podman/cri-o keys podman records at create, sorted', async () => {
    await ok(['create', '--name', 'plain', 'bb', 'true']);
    expect(await ok(['inspect', '--format', fmt, 'plain'])).toBe(
      '[]  [] {"io.kubernetes.cri-o.TTY":"false","io.podman.annotations.autoremove":"FALSE","io.podman.annotations.init":"FALSE","io.podman.annotations.privileged":"FALSE","io.podman.annotations.publish-all":"FALSE"}\n',
    );
    // --privileged: no seccomp=unconfined entry (podman lists only what --security-opt gave).
    await ok(['create', '--name', 'priv', '--privileged', '--rm', '--init', '-t', 'bb', 'true']);
    expect(await ok(['inspect', '--format', fmt, 'priv'])).toBe(
      '[]  [] {"io.kubernetes.cri-o.TTY":"true","io.podman.annotations.autoremove":"TRUE","io.podman.annotations.init":"TRUE","io.podman.annotations.privileged":"TRUE","io.podman.annotations.publish-all":"FALSE"}\n',
    );
  });

  it('once started, the runtime spec\'s keys too (manager, Created as the container\'s, stopSignal); caps sorted by name', async () => {
    await ok(['run', '--name', 'ran', '--stop-signal', 'USR1', '--cap-add', 'net_admin', 'bb', 'true']);
    const j = JSON.parse(await ok(['inspect', 'ran']))[0];
    expect(Object.keys(j.Config.Annotations)).toEqual([
      'io.container.manager', 'io.kubernetes.cri-o.Created', 'io.kubernetes.cri-o.TTY', 'io.podman.annotations.autoremove', 'io.podman.annotations.init',
      'io.podman.annotations.privileged', 'io.podman.annotations.publish-all', 'org.opencontainers.image.stopSignal',
    ]);
    expect(j.Config.Annotations['io.kubernetes.cri-o.Created']).toBe(j.Created);
    expect(j.Config.Annotations['org.opencontainers.image.stopSignal']).toBe('10');
    expect(j.EffectiveCaps).toEqual([...j.EffectiveCaps].sort());
    expect(j.EffectiveCaps).toContain('CAP_NET_ADMIN');
    expect(j.BoundingCaps).toEqual([...j.BoundingCaps].sort());
  });

  it('--security-opt label/seccomp/apparmor, --cidfile, --volumes-from, --annotation', async () => {
    const cid = `${sb.dir}/cid`;
    await ok(['create', '--name', 'src', 'bb', 'true']);
    await ok([
      'create', '--name', 'sec', '--security-opt', 'label=type:foo_t', '--security-opt', 'label=level:s0', '--security-opt', 'apparmor=unconfined',
      '--security-opt', 'no-new-privileges', '--security-opt', 'seccomp:unconfined', '--cidfile', cid, '--volumes-from', 'src:ro', '--volumes-from', 'src',
      '--annotation', 'z=1', '--annotation', 'a=b=c', 'bb', 'true',
    ]);
    expect(await ok(['inspect', '--format', fmt, 'sec'])).toBe(
      `["no-new-privileges","label=type:foo_t,label=level:s0","seccomp=unconfined","apparmor=unconfined"] ${cid} [src:ro src] ` +
        `{"a":"b=c","io.kubernetes.cri-o.TTY":"false","io.podman.annotations.apparmor":"unconfined","io.podman.annotations.autoremove":"FALSE",` +
        `"io.podman.annotations.cid-file":"${cid}","io.podman.annotations.init":"FALSE","io.podman.annotations.label":"type:foo_t,label=level:s0",` +
        `"io.podman.annotations.privileged":"FALSE","io.podman.annotations.publish-all":"FALSE","io.podman.annotations.seccomp":"unconfined",` +
        `"io.podman.annotations.volumes-from":"src:ro,src","z":"1"}\n`,
    );
    const j = JSON.parse(await ok(['inspect', 'plain']))[0];
    expect([j.HostConfig.VolumesFrom, j.HostConfig.ContainerIDFile]).toEqual([null, '']);
  });

  it('refusals before anything exists: apparmor profile without AppArmor (podman\'s message), proc-opts', async () => {
    const before = await ok(['ps', '-aq']);
    const a = await run(['create', '--security-opt', 'apparmor=foo', 'bb', 'true']);
    expect([a.exitCode, a.stderr]).toEqual([125, 'Error: apparmor profile "foo" specified, but Apparmor is not enabled on this system\n']);
    const p = await run(['run', '--rm', '--security-opt', 'proc-opts=hidepid=2', 'bb', 'true']);
    expect([p.exitCode, p.stderr]).toEqual([125, "Error: --security-opt proc-opts is not supported: tsc-run mounts /proc with the kernel's default options\n"]);
    expect(await ok(['ps', '-aq'])).toBe(before);
  });

  it('containers.conf runtime = "nosuch": every command fails 125 with podman\'s message, nothing is created', async () => {
    const conf = sb.file('rt.conf', '[engine]\nruntime = "nosuch"\n');
    const env = { CONTAINERS_CONF: conf };
    const before = await ok(['ps', '-aq']);
    for (const args of [['ps', '-a'], ['create', '--name', 'never', 'bb', 'true'], ['run', '--rm', 'bb', 'true'], ['inspect', 'plain'], ['volume', 'create', 'v1'], ['images']]) {
      const r = await run(args, env);
      expect([r.exitCode, r.stdout, r.stderr], args.join(' ')).toEqual([125, '', 'Error: default OCI runtime "nosuch" not found: invalid argument\n']);
    }
    expect(await ok(['ps', '-aq'])).toBe(before);
    expect(await ok(['volume', 'ls', '-q'])).toBe('');
    // --runtime replaces the file's value; a runtime podman knows by name is taken (our helper runs the container).
    expect((await run(['--runtime', 'tsc-run-helper', 'ps', '-a'], env)).exitCode).toBe(0);
    const crun = sb.file('crun.conf', '[engine]\nruntime = "crun"\n');
    const r = await run(['run', '--rm', 'bb', 'echo', 'ran'], { CONTAINERS_CONF: crun });
    expect([r.exitCode, r.stdout]).toEqual([0, 'ran\n']);
  });
});
