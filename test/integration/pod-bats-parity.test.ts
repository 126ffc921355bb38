// Pod and kube behaviour that podman 4.3's own system tests (200-pod.bats,
// 700-play.bats, 710-kube.bats) check, as the test user: a pod sharing ipc
// and uts but not its network, `run --pod new:X --hostname`, a host-network
// pod's members, `pod rm` of a pod holding only its running infra, podman's
// messages for --share and --exit-policy, kube play's exit policy stop and
// hostPort defaulting to containerPort, the 63-character annotation limit,
// kube generate of a pod with only its infra.

import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

describe('pods as podman\'s system tests see them (test user)', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const ns = async (ctr: string, n: string) => (await ok(['exec', ctr, 'readlink', `/proc/self/ns/${n}`])).trim();

  beforeAll(async () => {
    sb = await busyboxSandbox('pod-bats-parity', 'user');
    fs.chmodSync(sb.dir, 0o755);
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('--share ipc,uts --network private: members join the infra\'s ipc and uts, with a network of their own', async () => {
    await ok(['pod', 'create', '--share', 'ipc,uts', '--network', 'private', '--name', 'noshnet']);
    expect((await ok(['pod', 'inspect', '--format', '{{.SharedNamespaces}} {{.InfraConfig.HostNetwork}}', 'noshnet'])).trim()).toBe('[ipc uts] false');
    await ok(['run', '-d', '--pod', 'noshnet', '--name', 'a1', 'bb', 'sleep', '600']);
    await ok(['run', '-d', '--pod', 'noshnet', '--name', 'a2', 'bb', 'sleep', '600']);
    expect(await ns('a1', 'ipc')).toBe(await ns('a2', 'ipc'));
    expect(await ns('a1', 'uts')).toBe(await ns('a2', 'uts'));
    expect(await ns('a1', 'net')).not.toBe(await ns('a2', 'net'));
    expect((await ok(['exec', 'a2', 'hostname'])).trim()).toBe('noshnet');
    await ok(['pod', 'rm', '-f', '-t', '0', 'noshnet']);
  });

  it('run --pod new:X --hostname H gives the new pod that hostname; a member of a host-network pod runs', async () => {
    expect(await ok(['run', '--rm', '--pod', 'new:hpod', '--hostname', 'foobar', 'bb', 'hostname'])).toBe('foobar\n');
    expect((await ok(['pod', 'inspect', '--format', '{{.Hostname}}', 'hpod'])).trim()).toBe('foobar');
    // Only its infra is left, running: pod rm without -f removes it, as podman.
    await ok(['pod', 'start', 'hpod']);
    await ok(['pod', 'rm', 'hpod']);
    expect((await cli(['pod', 'exists', 'hpod'])).exitCode).toBe(1);
    // A joined pod's hostname stays the pod's.
    await ok(['pod', 'create', '--name', 'fixed']);
    const r = await cli(['run', '--rm', '--pod', 'fixed', '--hostname', 'x', 'bb', 'true']);
    expect([r.exitCode, r.stderr]).toEqual([125, 'Error: invalid config provided: cannot set hostname when joining the pod UTS namespace: invalid configuration\n']);
    await ok(['pod', 'rm', 'fixed']);
    // rm --depend of an infra removes its pod, members first (podman's RemoveDepend); plain rm refuses.
    const member = (await ok(['create', '--pod', 'new:dep', 'bb', 'true'])).trim();
    const infra = (await ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', 'dep'])).trim();
    expect((await cli(['rm', infra])).stderr).toMatch(/is the infra container of pod .* and cannot be removed without removing the pod/);
    expect((await ok(['rm', '--depend', infra])).trim().split('\n')).toEqual([member, infra]);
    expect((await cli(['pod', 'exists', 'dep'])).exitCode).toBe(1);

    await ok(['pod', 'create', '--network', 'host', '--name', 'hostnet']);
    expect((await ok(['pod', 'inspect', '--format', '{{.InfraConfig.HostNetwork}}', 'hostnet'])).trim()).toBe('true');
    const hostNet = fs.readlinkSync('/proc/self/ns/net');
    expect((await ok(['run', '--rm', '--pod', 'hostnet', 'bb', 'readlink', '/proc/self/ns/net'])).trim()).toBe(hostNet);
    await ok(['pod', 'rm', '-f', '-t', '0', 'hostnet']);
  });

  it('containers.conf infra_image (and infra_command): the infra pod create and run --pod new: make, as podman', async () => {
    const bad = sb.file('bad-infra.conf', '[engine]\ninfra_image = "i.do/not/exist:image"\n');
    for (const args of [['pod', 'create'], ['create', '--pod', 'new:confpod', 'bb', 'true']]) {
      const r = await tscRun(args, { sandbox: sb, env: { CONTAINERS_CONF: bad } });
      expect(r.exitCode, args.join(' ')).toBe(125);
      expect(r.stderr, args.join(' ')).toMatch(/initializing source docker:\/\/i\.do\/not\/exist:image/);
    }
    expect((await cli(['pod', 'exists', 'confpod'])).exitCode).toBe(1);
    const good = sb.file('good-infra.conf', '[engine]\ninfra_image = "localhost/bb:latest"\ninfra_command = "sleep"\n');
    const made = await tscRun(['pod', 'create', '--name', 'confinfra', '--infra-command', 'top'], { sandbox: sb, env: { CONTAINERS_CONF: good } });
    expect(made.exitCode, made.stderr).toBe(0);
    const infra = (await ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', 'confinfra'])).trim();
    expect((await ok(['inspect', '--format', '{{.ImageName}} {{.Config.Entrypoint}}', infra])).trim()).toBe('localhost/bb:latest top');
    await ok(['pod', 'rm', 'confinfra']);
  });

  it('podman\'s messages: --share, --exit-policy, kube play --annotation, kube generate of a bare pod', async () => {
    const cases: Array<[string[], string]> = [
      [['pod', 'create', '--share', 'bogus'], 'invalid kernel namespace to share: bogus. Options are: cgroup, ipc, net, pid, uts or none'],
      [['pod', 'create', '--share', 'mnt'], 'mount sharing functionality not supported on pod level'],
      [['pod', 'create', '--exit-policy', 'invalid'], 'running pod create option: invalid pod exit policy: "invalid"'],
      [['kube', 'play', '--annotation', `name=${'a'.repeat(64)}`, '/nonexistent.yaml'], `annotation exceeds maximum size, 63, of kubernetes annotation: ${'a'.repeat(64)}`],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(args);
      expect([r.exitCode, r.stderr], args.join(' ')).toEqual([125, `Error: ${msg}\n`]);
    }
    // --service-container acts (kube-service.test.ts); without starting the pods it cannot, as podman says before reading the file.
    const svc = await cli(['kube', 'play', '--service-container=true', '--start=false', '/nonexistent.yaml']);
    expect([svc.exitCode, svc.stderr]).toEqual([125, 'Error: --service-container does not work with --start=stop\n']);
    await ok(['volume', 'create', '--label', 'a=b', 'genvol']);
    const pvc = parse((await ok(['kube', 'generate', 'genvol'])).replace(/^#.*\n/gm, '')) as Record<string, unknown>;
    expect(pvc).toMatchObject({ kind: 'PersistentVolumeClaim', metadata: { name: 'genvol', labels: { a: 'b' }, annotations: { 'volume.podman.io/driver': 'local' } } });
    await ok(['volume', 'rm', 'genvol']);
    const id = (await ok(['pod', 'create', '--name', 'bare', '-p', '9999:8888'])).trim();
    const g = await cli(['kube', 'generate', 'bare']);
    expect([g.exitCode, g.stderr]).toEqual([125, `Error: pod ${id} only has an infra container\n`]);
    await ok(['pod', 'rm', 'bare']);
  });

  it('kube play: exit policy stop, a containerPort alone published on that host port, a Pod annotation over 63 characters refused', async () => {
    const port = 20000 + (process.pid % 20000);
    const file = path.join(sb.dir, 'hp.yaml');
    fs.writeFileSync(
      file,
      `apiVersion: v1
kind: Pod
metadata:
  name: hp
spec:
  restartPolicy: OnFailure
  containers:
  - name: server
    image: localhost/bb:latest
    command: ["true"]
    ports:
    - containerPort: ${port}
`,
    );
    await ok(['kube', 'play', file]);
    expect((await ok(['pod', 'inspect', '--format', '{{.ExitPolicy}} {{.InfraConfig.PortBindings}}', 'hp'])).trim()).toBe(`stop map[${port}/tcp:[{ ${port}}]]`);
    // The member exits: the pod stops with it.
    let state = '';
    for (let i = 0; i < 100 && state !== 'Exited'; i++) {
      state = (await ok(['pod', 'inspect', '--format', '{{.State}}', 'hp'])).trim();
      if (state !== 'Exited') await new Promise((res) => setTimeout(res, 100));
    }
    expect(state).toBe('Exited');
    await ok(['kube', 'down', file]);

    const long = 'b'.repeat(65);
    fs.writeFileSync(file, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ann\n  annotations:\n    test: ${long}\nspec:\n  containers:\n  - {name: c, image: quay.io/libpod/userimage}\n`);
    const r = await cli(['kube', 'play', file]);
    expect([r.exitCode, r.stderr]).toEqual([125, `Error: invalid annotation "test"="${long}" value length exceeds Kubernetetes max 63\n`]);
  });
});
