// kube play / generate / down as the test user (a pod with a ConfigMap, a
// PVC, members on localhost; the round trip generate → play --replace;
// malformed YAML), and, as root, YAML exchanged with podman 4.3 both ways
// (podman only creates here: its containers cannot run on this host, so its
// side is checked through its container config).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBusyboxRootfsTar, isRoot, runProcess, tscRun, tscRunOk, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

const POD_YAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: site
data:
  index.html: from the configmap
  GREETING: hello
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: kdata
---
apiVersion: v1
kind: Pod
metadata:
  name: kweb
  labels:
    app: kweb
spec:
  containers:
    - name: srv
      image: bb
      command: [sh, -c]
      args: ["trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
      volumeMounts:
        - { name: www, mountPath: /www }
        - { name: data, mountPath: /data }
    - name: cli
      image: bb
      command: [sh, -c]
      args: ["trap 'exit 0' TERM; echo $GREETING $MODE > /data/greeting; sleep 600 & wait"]
      env:
        - name: MODE
          value: fast
      envFrom:
        - configMapRef: { name: site }
      workingDir: /data
      volumeMounts:
        - { name: data, mountPath: /data }
  volumes:
    - name: www
      configMap: { name: site, items: [{ key: index.html, path: index.html }] }
    - name: data
      persistentVolumeClaim: { claimName: kdata }
`;

function cfg(inspect: Record<string, unknown>): unknown {
  const c = inspect.Config as Record<string, unknown>;
  const h = inspect.HostConfig as Record<string, unknown>;
  return {
    name: inspect.Name,
    image: inspect.ImageName,
    path: inspect.Path,
    args: inspect.Args,
    env: (c.Env as string[]).filter((e) => !/^(HOSTNAME|PATH|TERM|container|HOME)=/.test(e)).sort(),
    workdir: c.WorkingDir,
    mounts: (inspect.Mounts as Array<Record<string, unknown>>).map((m) => `${String(m.Destination)}:${String(m.Type)}:${String(m.Name ?? m.Source)}`).sort(),
    restart: (h.RestartPolicy as { Name: string }).Name,
  };
}

describe('kube (test user)', () => {
  let sb: Sandbox;
  const run = (args: string[], input?: string) => tscRun(args, { sandbox: sb, timeoutMs: 120_000, ...(input !== undefined ? { input } : {}) });
  const ok = async (args: string[]) => (await tscRunOk(args, { sandbox: sb, timeoutMs: 120_000 })).stdout;

  beforeAll(async () => {
    sb = await busyboxSandbox('kube-user', 'user');
    fs.writeFileSync(path.join(sb.dir, 'pod.yaml'), POD_YAML);
    fs.chmodSync(sb.dir, 0o755);
  });
  afterAll(async () => {
    await run(['pod', 'rm', '-fa', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('play: volumes, the pod and its containers as podman prints them; ConfigMap env and files; members on localhost', async () => {
    const r = await run(['kube', 'play', path.join(sb.dir, 'pod.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const podId = (await ok(['pod', 'inspect', '--format', '{{.Id}}', 'kweb'])).trim();
    const ids = (await ok(['ps', '-a', '--no-trunc', '--filter', 'pod=kweb', '--format', '{{.ID}} {{.Names}}'])).trim().split('\n');
    const idOf = (n: string) => ids.find((l) => l.endsWith(` ${n}`))!.split(' ')[0]!;
    expect(r.stdout).toBe(`Volumes:\nkdata\nkweb-www\nPod:\n${podId}\nContainers:\n${idOf('kweb-srv')}\n${idOf('kweb-cli')}\n\n`);
    expect((await ok(['pod', 'inspect', '--format', '{{.State}} {{.Labels}}', 'kweb'])).trim()).toBe('Running map[app:kweb]');
    let greeting = '';
    for (let i = 0; i < 50 && !greeting; i++) {
      greeting = (await run(['exec', 'kweb-cli', 'cat', '/data/greeting'])).stdout;
      if (!greeting) await new Promise((res) => setTimeout(res, 100));
    }
    expect(greeting).toBe('hello fast\n');
    expect((await ok(['exec', 'kweb-cli', 'wget', '-qO-', 'http://localhost:8080/index.html'])).trim()).toBe('from the configmap');
    expect((await ok(['inspect', '--format', '{{.Config.WorkingDir}} {{.HostConfig.RestartPolicy.Name}}', 'kweb-cli'])).trim()).toBe('/data always');
  });

  it('generate then play --replace gives the same containers (image, command, env, mounts, restart policy); kube down removes them', async () => {
    const before = JSON.parse(await ok(['inspect', 'kweb-srv', 'kweb-cli'])) as Array<Record<string, unknown>>;
    const gen = await ok(['kube', 'generate', 'kweb']);
    expect(gen).toMatch(/^# Save the output of this file/);
    expect(gen).toMatch(/kind: Pod\n/);
    const file = path.join(sb.dir, 'gen.yaml');
    fs.writeFileSync(file, gen);
    // Its ConfigMap volume became the named volume it is now.
    const again = await run(['kube', 'play', '--replace', file]);
    expect([again.exitCode, again.stderr]).toEqual([0, '']);
    expect(again.stdout).toMatch(/^Pod:\n[0-9a-f]{64}\nContainers:\n[0-9a-f]{64}\n[0-9a-f]{64}\n\n$/);
    const after = JSON.parse(await ok(['inspect', 'kweb-srv', 'kweb-cli'])) as Array<Record<string, unknown>>;
    expect(after.map(cfg)).toEqual(before.map(cfg));
    expect(after[0]!.Id).not.toBe(before[0]!.Id);
    // generate of the replayed pod is the same YAML but for the time stamp and the members' sandbox: the new pod's infra, cut to 63 characters.
    const infraId = (await ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', 'kweb'])).trim();
    const regen = await ok(['generate', 'kube', 'kweb']);
    expect(regen).toContain(`io.kubernetes.cri-o.SandboxID/kweb-srv: ${infraId.slice(0, 63)}\n`);
    const stable = (y: string) => y.replace(/creationTimestamp: .*/, '').replace(/(SandboxID\/[\w-]+: )[0-9a-f]+/g, '$1X');
    expect(stable(regen)).toBe(stable(gen));

    const podId = (await ok(['pod', 'inspect', '--format', '{{.Id}}', 'kweb'])).trim();
    const down = await run(['kube', 'down', file]);
    expect([down.exitCode, down.stdout]).toEqual([0, `Pods stopped:\n${podId}\nPods removed:\n${podId}\n`]);
    expect((await ok(['pod', 'ps', '-q'])).trim()).toBe('');
    expect((await ok(['ps', '-aq'])).trim()).toBe('');
    // Volumes stay, as podman's kube down leaves them.
    expect((await run(['volume', 'exists', 'kdata'])).exitCode).toBe(0);
  });

  it('play kube from stdin, Deployment replicas, --start=false, play --down', async () => {
    const dep = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dep}\nspec:\n  replicas: 2\n  template:\n    metadata: {labels: {app: dep}}\n    spec: {containers: [{name: c, image: bb, command: [sleep, "600"]}], restartPolicy: Never}\n';
    const r = await run(['play', 'kube', '--start=false', '-'], dep);
    expect(r.exitCode).toBe(0);
    expect((await ok(['pod', 'ps', '--sort', 'name', '--format', '{{.Name}} {{.Status}} {{.NumberOfContainers}}'])).trim().split('\n')).toEqual(['dep-pod-0 Created 2', 'dep-pod-1 Created 2']);
    expect((await ok(['ps', '-a', '--format', '{{.Names}}', '--filter', 'pod=dep-pod-1'])).split('\n')).toContain('dep-pod-1-c');
    const d = await run(['play', 'kube', '--down', '-'], dep);
    expect(d.stdout).toMatch(/^Pods stopped:\n[0-9a-f]{64}\n[0-9a-f]{64}\nPods removed:\n[0-9a-f]{64}\n[0-9a-f]{64}\n$/);
  });

  it('malformed YAML and bad references: one line naming the file and key, exit 125, nothing made', async () => {
    const cases: Array<[string, RegExp]> = [
      ['kind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a}]}\n', /^Error: -?.*: spec\.containers\[0\]\.image: missing\n$/],
      ['kind: Pod\nmetadata: x: y\n', /^Error: .*:2:\d+: .+\n$/],
      ['kind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a, image: bb, envFrom: [{configMapRef: {name: nope}}]}]}\n', /^Error: container a: configmap "nope" not found\n$/],
      ['kind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a, image: no-such-image:1}]}\n', /^Error: .*no-such-image.*\n$/],
    ];
    for (const [text, re] of cases) {
      const file = path.join(sb.dir, 'bad.yaml');
      fs.writeFileSync(file, text);
      const r = await run(['kube', 'play', file]);
      expect(r.exitCode, text).toBe(125);
      expect(r.stderr, text).toMatch(re);
      expect((await ok(['pod', 'ps', '-q'])).trim(), text).toBe('');
    }
    expect((await run(['kube', 'play', path.join(sb.dir, 'missing.yaml')])).stderr).toBe(`Error: open ${path.join(sb.dir, 'missing.yaml')}: no such file or directory\n`);
    expect((await run(['kube', 'generate', 'nothing'])).stderr).toBe('Error: name or ID "nothing" not found\n');
  });
});

const hasPodman = fs.existsSync('/usr/bin/podman');

describe.runIf(hasPodman && isRoot())('kube YAML exchanged with podman 4.3', () => {
  let sb: Sandbox;
  let pd: string;
  const podman = (args: string[]) =>
    runProcess('podman', ['--root', path.join(pd, 'root'), '--runroot', path.join(pd, 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pd, XDG_RUNTIME_DIR: path.join(pd, 'xdg'), CONTAINERS_CONF: path.join(pd, 'containers.conf') },
      timeoutMs: 120_000,
    });
  const ok = async (args: string[]) => (await tscRunOk(args, { sandbox: sb, timeoutMs: 120_000 })).stdout;

  beforeAll(async () => {
    sb = await busyboxSandbox('kube-podman', 'user');
    pd = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-kube-podman-'));
    fs.mkdirSync(path.join(pd, 'xdg'), { mode: 0o700 });
    // podman's infra needs an image (catatonit is not installed): a local one, created but never run here.
    // Debian's default capabilities (this file replaces its containers.conf), as tsc-run's.
    const caps = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
    fs.writeFileSync(path.join(pd, 'containers.conf'), `[containers]\ndefault_capabilities = ${JSON.stringify(caps)}\n[engine]\ninfra_image = "localhost/pause:1"\n`);
    const tar = await buildBusyboxRootfsTar(path.join(pd, 'bb.tar'));
    for (const [img, change] of [['localhost/bb:latest', []], ['localhost/pause:1', ['--change', 'CMD ["sleep","1000000"]']]] as const) {
      const r = await podman(['import', '-q', ...change, tar.path, img]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    await tscRunOk(['tag', 'bb', 'localhost/bb:latest'], { sandbox: sb });
  });
  afterAll(async () => {
    await podman(['system', 'reset', '--force']).catch(() => undefined);
    fs.rmSync(pd, { recursive: true, force: true });
    await tscRun(['pod', 'rm', '-fa', '-t', '0'], { sandbox: sb });
    await disposeSandbox(sb);
  });

  it('YAML podman generates plays here with the same config', async () => {
    for (const args of [
      ['pod', 'create', '--name', 'pp', '-p', '18099:80'],
      ['volume', 'create', 'pvol'],
      ['create', '--pod', 'pp', '--name', 'pp-web', '-e', 'FOO=bar', '-v', 'pvol:/data', '-w', '/srv', '--entrypoint', '["/bin/sh","-c"]', 'localhost/bb:latest', 'echo hi; sleep 100'],
    ]) {
      const r = await podman(args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const gen = await podman(['kube', 'generate', 'pp']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    expect(gen.stdout).toMatch(/Created with podman-4\.3/);
    const file = path.join(sb.dir, 'podman.yaml');
    fs.writeFileSync(file, gen.stdout);
    fs.chmodSync(sb.dir, 0o755);
    const r = await tscRun(['kube', 'play', '--start=false', file], { sandbox: sb, timeoutMs: 120_000 });
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    // podman names the container pp-web in the YAML, so play (podman's too) makes pp-pp-web.
    const ours = JSON.parse(await ok(['inspect', 'pp-pp-web']))[0] as Record<string, unknown>;
    expect(cfg(ours)).toMatchObject({ image: 'localhost/bb:latest', path: '/bin/sh', args: ['-c', 'echo hi; sleep 100'], env: ['FOO=bar'], workdir: '/srv', mounts: ['/data:volume:pvol'] });
    expect((await ok(['pod', 'inspect', '--format', '{{.Hostname}} {{.InfraConfig.PortBindings}}', 'pp'])).trim()).toBe('pp map[80/tcp:[{ 18099}]]');
  });

  it('kube generate writes the text podman writes: named containers as one pod, its services, NOTEs, sandbox annotations cut to 63', async () => {
    const B = 'localhost/bb:latest';
    const steps = [
      // One protocol each: podman orders a container's tcp and udp ports by a Go map's random walk.
      ['create', '--name', 'g_one', '-v', '/tmp:/h', '-e', 'A=1', '-w', '/srv', '-p', '18097:80', B, 'sleep', '1'],
      ['create', '--name', 'gtwo', '-p', '18096:53/udp', B, 'true'],
      ['pod', 'create', '--name', 'gpod', '--share', 'net', '-p', '18095:8080'],
      ['create', '--pod', 'gpod', '--name', 'gmember', '--restart', 'always', B, 'top'],
      ['pod', 'create', '--name', 'gdns', '--add-host', 'foo:1.2.3.4', '--share', '+pid', '--dns', '9.9.9.9', '--dns-search', 'ex.com', '--dns-option', 'ndots:2'],
      ['create', '--pod', 'gdns', '--name', 'gdnsm', B, 'top'],
    ];
    for (const args of steps) {
      const r = await podman(args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      await ok(args);
    }
    const norm = (t: string) =>
      t.replace(/Created with (podman|tsc-run)-\S+/, 'Created with X').replace(/"\d{4}-\d\d-\d\dT[\d:]+Z"/g, 'T').replace(/nodePort: \d+/g, 'nodePort: N')
        .replace(/SandboxID\/(gmember|gdnsm): [0-9a-f]{63}/g, 'SandboxID/$1: S');
    for (const args of [['kube', 'generate', '-s', 'g_one', 'gtwo'], ['kube', 'generate', '-s', 'gpod'], ['kube', 'generate', 'gpod', 'g_one'], ['kube', 'generate', 'gdns']]) {
      const theirs = await podman(args);
      const ours = await tscRun(args, { sandbox: sb });
      expect([ours.exitCode, norm(ours.stdout)], args.join(' ')).toEqual([theirs.exitCode, norm(theirs.stdout)]);
    }
    // And play reads the pod's name resolution and process namespace back.
    const dnsYaml = path.join(sb.dir, 'gdns.yaml');
    fs.writeFileSync(dnsYaml, (await tscRun(['kube', 'generate', 'gdns'], { sandbox: sb })).stdout.replace(/name: gdns/g, 'name: gdns2'));
    fs.chmodSync(sb.dir, 0o755);
    const play = await tscRun(['kube', 'play', '--start=false', dnsYaml], { sandbox: sb });
    expect([play.exitCode, play.stderr]).toEqual([0, '']);
    expect((await ok(['pod', 'inspect', '--format', '{{.InfraConfig.DNSServer}} {{.InfraConfig.DNSSearch}} {{.InfraConfig.DNSOption}} {{.InfraConfig.HostAdd}} {{.SharedNamespaces}}', 'gdns2'])).trim())
      .toBe('[9.9.9.9] [ex.com] [ndots:2] [foo:1.2.3.4] [ipc net pid uts]');
    // A pod's member is generated with its pod only, in podman's words.
    const member = await tscRun(['kube', 'generate', 'gmember'], { sandbox: sb });
    expect([member.exitCode, member.stderr]).toMatchObject([125, expect.stringMatching(/^Error: container [0-9a-f]{64} is associated with pod [0-9a-f]{64}: use generate on the pod itself\n$/)]);
  });

  it('YAML generated here plays with podman\'s kube play (checked through podman\'s container config)', async () => {
    await ok(['pod', 'create', '--name', 'tp', '-p', '18098:8080']);
    await ok(['volume', 'create', 'tvol']);
    await ok(['create', '--pod', 'tp', '--name', 'tp-app', '-e', 'A=1', '-v', 'tvol:/data', '-w', '/data', '--cap-add', 'NET_ADMIN', '--restart', 'always', 'localhost/bb:latest', 'httpd', '-f', '-p', '8080']);
    // --read-only (its writable /tmp, /var/tmp, /run become emptyDirs) and an annotation.
    await ok(['create', '--pod', 'tp', '--name', 'tp-ro', '--read-only', '--annotation', 'io.example/note=kept', 'localhost/bb:latest', 'sleep', '100']);
    const yaml = await ok(['kube', 'generate', 'tp']);
    expect(yaml).toMatch(/automountServiceAccountToken: false\n/);
    expect(yaml).toMatch(/io\.example\/note\/ro: kept\n/);
    const file = path.join(pd, 'ours.yaml');
    fs.writeFileSync(file, yaml);
    expect((await podman(['volume', 'create', 'tvol'])).exitCode).toBe(0);
    const play = await podman(['kube', 'play', '--start=false', file]);
    expect(play.exitCode, play.stderr).toBe(0);
    expect(play.stdout).toMatch(/^Pod:\n[0-9a-f]{64}\nContainers:\n[0-9a-f]{64}\n[0-9a-f]{64}\n\n$/);
    const theirs = JSON.parse((await podman(['inspect', 'tp-app'])).stdout)[0] as Record<string, unknown>;
    const ro = JSON.parse((await podman(['inspect', 'tp-ro'])).stdout)[0] as { HostConfig: { ReadonlyRootfs: boolean }; Config: { Annotations: Record<string, string> }; Mounts: Array<{ Destination: string }> };
    expect(ro.HostConfig.ReadonlyRootfs).toBe(true);
    expect(ro.Config.Annotations['io.example/note/ro']).toBe('kept');
    expect(ro.Mounts.map((m) => m.Destination).sort()).toEqual(expect.arrayContaining(['/run', '/tmp', '/var/tmp']));
    expect(cfg(theirs)).toMatchObject({ name: 'tp-app', image: 'localhost/bb:latest', path: 'httpd', args: ['-f', '-p', '8080'], env: ['A=1'], workdir: '/data', mounts: ['/data:volume:tvol'], restart: 'always' });
    expect((theirs.HostConfig as { CapAdd: string[] }).CapAdd).toEqual(['CAP_NET_ADMIN']);
    const pod = JSON.parse((await podman(['pod', 'inspect', 'tp'])).stdout) as { InfraConfig: { PortBindings: unknown } };
    expect(pod.InfraConfig.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '', HostPort: '18098' }] });
  });
});
