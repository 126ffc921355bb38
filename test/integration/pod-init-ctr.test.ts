// Pod init containers as podman 4.3 runs them (compared side by side here):
// `create --init-ctr always|once` runs before the pod's other containers at
// each `pod start` (once: removed after its first run), not at `pod restart`;
// a failing one stops the pod start with podman's error; none may join a
// running pod; they are left out of the pod's status. kube play creates a
// YAML's initContainers so (the pod annotation io.podman.annotations.init.container.type
// makes them `always`), and kube generate writes them back as initContainers.

import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

describe('pod init containers (test user)', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const names = async (pod: string) => (await ok(['ps', '-a', '--filter', `pod=${pod}`, '--format', '{{.Names}} {{.Status}}'])).trim().split('\n').sort();

  beforeAll(async () => {
    sb = await busyboxSandbox('pod-init-ctr', 'user');
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('always/once run in creation order before the members at pod start; once goes after; restart skips them', async () => {
    await ok(['pod', 'create', '--name', 'ip', '-v', 'ipvol:/log']);
    await ok(['create', '--init-ctr', 'once', '--pod', 'ip', '--name', 'i-once', 'bb', 'sh', '-c', 'echo once >> /log/l']);
    await ok(['create', '--init-ctr', 'always', '--pod', 'ip', '--name', 'i-always', 'bb', 'sh', '-c', 'echo always >> /log/l']);
    // The member sees what the init containers wrote before it started.
    await ok(['create', '--pod', 'ip', '--name', 'm', 'bb', 'sh', '-c', "trap 'exit 0' TERM; cat /log/l; echo member >> /log/l; sleep 600 & wait"]);
    expect((await ok(['pod', 'ps', '--filter', 'name=^ip$', '--format', '{{.Status}} {{.NumberOfContainers}}'])).trim()).toBe('Created 4');
    await ok(['pod', 'start', 'ip']);
    expect(await names('ip')).toEqual([expect.stringMatching(/^[0-9a-f]{12}-infra Up/), expect.stringMatching(/^i-always Exited \(0\) /), expect.stringMatching(/^m Up/)]);
    expect(await ok(['logs', 'm'])).toBe('once\nalways\n');
    // Init containers are not in the pod's status: an exited one leaves it Running.
    expect((await ok(['pod', 'inspect', '--format', '{{.State}}', 'ip'])).trim()).toBe('Running');
    // No init container joins a running pod.
    const late = await cli(['create', '--init-ctr', 'always', '--pod', 'ip', 'bb', 'true']);
    expect([late.exitCode, late.stderr]).toEqual([125, 'Error: cannot add init-ctr to a running pod\n']);
    // pod restart does not run them; stop + start runs the `always` one again.
    await ok(['pod', 'restart', 'ip']);
    await ok(['pod', 'stop', '-t', '0', 'ip']);
    await ok(['pod', 'start', 'ip']);
    const log = await ok(['run', '--rm', '-v', 'ipvol:/log', 'bb', 'cat', '/log/l']);
    expect(log).toBe('once\nalways\nmember\nmember\nalways\nmember\n');
    await ok(['pod', 'rm', '-f', '-t', '0', 'ip']);
  });

  it('a failing init container stops pod start with podman\'s error; the members stay created', async () => {
    await ok(['pod', 'create', '--name', 'ifail']);
    const id = (await ok(['create', '--init-ctr', 'always', '--pod', 'ifail', '--name', 'bad-init', 'bb', 'sh', '-c', 'exit 3'])).trim();
    await ok(['create', '--pod', 'ifail', '--name', 'never', 'bb', 'sleep', '600']);
    const r = await cli(['pod', 'start', 'ifail']);
    expect([r.exitCode, r.stderr]).toEqual([125, `Error: init container ${id} exited with code 3\n`]);
    expect((await ok(['inspect', '--format', '{{.State.Status}}', 'never'])).trim()).toBe('created');
    await ok(['pod', 'rm', '-f', '-t', '0', 'ifail']);
  });

  it('bad input: podman\'s messages and exit codes', async () => {
    await ok(['pod', 'create', '--name', 'ibad']);
    const cases: Array<[string[], string]> = [
      [['create', '--init-ctr', 'bogus', '--pod', 'ibad', 'bb', 'true'], "Error: init-ctr value must be 'always' or 'once'\n"],
      [['create', '--init-ctr', 'once', 'bb', 'true'], 'Error: must specify pod value with init-ctr\n'],
      [['run', '--init-ctr', 'once', '--pod', 'ibad', 'bb', 'true'], "Error: unknown flag: --init-ctr\nSee 'tsc-run run --help'\n"],
    ];
    for (const [args, err] of cases) {
      const res = await cli(args);
      expect([res.exitCode, res.stderr], args.join(' ')).toEqual([125, err]);
    }
    expect((await ok(['ps', '-a', '--filter', 'pod=ibad', '-q'])).trim().split('\n')).toHaveLength(1);
    await ok(['pod', 'rm', '-f', 'ibad']);
  });

  it('kube play: initContainers run once before the containers (always with podman\'s annotation); kube generate writes them back', async () => {
    const yaml = (annotation: string) => `apiVersion: v1
kind: Pod
metadata:
  name: kinit
${annotation}spec:
  initContainers:
  - name: prep
    image: localhost/bb:latest
    command: ["sh", "-c", "echo prepared >> /data/x"]
    volumeMounts: [{ name: d, mountPath: /data }]
  containers:
  - name: main
    image: localhost/bb:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; cat /data/x; sleep 600 & wait"]
    volumeMounts: [{ name: d, mountPath: /data }]
  volumes:
  - name: d
    persistentVolumeClaim: { claimName: kinitvol }
`;
    const file = path.join(sb.dir, 'kinit.yaml');
    fs.writeFileSync(file, yaml(''));
    fs.chmodSync(sb.dir, 0o755);
    const play = await cli(['kube', 'play', file]);
    expect([play.exitCode, play.stderr]).toEqual([0, '']);
    // podman lists only the containers, not the init containers.
    expect(play.stdout).toMatch(/^Volumes:\nkinitvol\nPod:\n[0-9a-f]{64}\nContainer:\n[0-9a-f]{64}\n\n$/);
    expect(await ok(['logs', 'kinit-main'])).toBe('prepared\n');
    // once (podman's default): gone after its run.
    expect((await cli(['container', 'exists', 'kinit-prep'])).exitCode).toBe(1);
    await ok(['kube', 'down', file]);

    fs.writeFileSync(file, yaml('  annotations:\n    io.podman.annotations.init.container.type: always\n'));
    await ok(['kube', 'play', file]);
    expect(await ok(['logs', 'kinit-main'])).toBe('prepared\nprepared\n');
    expect((await ok(['inspect', '--format', '{{.State.Status}}', 'kinit-prep'])).trim()).toBe('exited');
    const gen = parse((await ok(['kube', 'generate', 'kinit'])).replace(/^#.*\n/gm, '')) as { spec: { initContainers: Array<{ name: string; command?: string[] }>; containers: Array<{ name: string }> } };
    expect(gen.spec.initContainers.map((c) => [c.name, c.command])).toEqual([['prep', ['sh', '-c', 'echo prepared >> /data/x']]]);
    expect(gen.spec.containers.map((c) => c.name)).toEqual(['main']);
    await ok(['kube', 'down', file]);

    fs.writeFileSync(file, yaml('  annotations:\n    io.podman.annotations.init.container.type: sometimes\n'));
    const bad = await cli(['kube', 'play', file]);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: sometimes is invalid init container type\n']);
    expect((await cli(['pod', 'exists', 'kinit'])).exitCode).toBe(1);
  });
});
