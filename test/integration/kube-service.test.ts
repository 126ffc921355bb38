// kube play --service-container (podman 4.3, 700-play.bats): a pause
// container named by the YAML's hash that runs while the file's pods do,
// stops when they are down (a member's stop through the exit policy, pod
// kill), starts again with them, refuses `rm` while they run, and goes with
// the last of them. As the test user.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, sandboxCli } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

const YAML = `apiVersion: v1
kind: Pod
metadata:
  labels:
    app: test
  name: svcpod
spec:
  containers:
  - command:
    - top
    image: bb
    name: test
`;

let sb: Sandbox;
const { cli, ok } = sandboxCli(() => sb, 120_000);

beforeAll(async () => {
  sb = await busyboxSandbox('kube-service', 'user');
}, 120_000);
afterAll(async () => {
  await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
  await disposeSandbox(sb);
});

/** Poll a container's {{.State.Running}} until it is `want` (podman stops the service as queued work too). */
async function running(name: string, want: boolean): Promise<void> {
  let last = '';
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    last = (await cli(['container', 'inspect', '--format', '{{.State.Running}}', name])).stdout.trim();
    if (last === String(want)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(last, `${name} running`).toBe(String(want));
}

describe('kube play --service-container (test user)', () => {
  it('lives as long as the workload, as podman 4.3', async () => {
    const file = path.join(sb.dir, 'svc.yaml');
    fs.writeFileSync(file, YAML);
    sb.chown(file);
    const service = `${crypto.createHash('sha256').update(YAML).digest('hex').slice(0, 12)}-service`;
    await ok(['kube', 'play', '--service-container=true', file]);
    await running(service, true);
    expect((await ok(['container', 'inspect', '--format', '{{.IsService}} {{.IsInfra}} [{{.Pod}}]', service])).trim()).toBe('true false []');
    const infra = (await ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', 'svcpod'])).trim();
    expect((await ok(['container', 'inspect', '--format', '{{.IsService}} {{.IsInfra}}', infra])).trim()).toBe('false true');

    // The main container stops: the pod exits (kube play's exit policy) and the service with it.
    await ok(['stop', '-t', '1', 'svcpod-test']);
    let state = '';
    for (let i = 0; i < 200 && state !== 'Exited'; i++) {
      state = (await ok(['pod', 'inspect', '--format', '{{.State}}', 'svcpod'])).trim();
      if (state !== 'Exited') await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toBe('Exited');
    await running(service, false);
    expect((await ok(['container', 'inspect', '--format', '{{.IsService}}', service])).trim()).toBe('true');

    // It starts again with the pod.
    await ok(['pod', 'restart', 'svcpod']);
    await running(service, true);
    const rm = await cli(['container', 'rm', service]);
    expect(rm.exitCode).toBe(125);
    expect(rm.stderr).toMatch(/^Error: container [0-9a-f]{64} is the service container of pod\(s\) [0-9a-f]{64} and cannot be removed without removing the pod\(s\)\n$/);

    await ok(['pod', 'kill', 'svcpod']);
    await running(service, false);
    // The pod's removal takes it along.
    await ok(['pod', 'rm', 'svcpod']);
    expect((await cli(['container', 'exists', service])).exitCode).toBe(1);
  });

  it('--replace replaces it too; kube down removes it; --start=false is refused with it', async () => {
    const file = path.join(sb.dir, 'svc2.yaml');
    fs.writeFileSync(file, YAML);
    sb.chown(file);
    const service = `${crypto.createHash('sha256').update(YAML).digest('hex').slice(0, 12)}-service`;
    await ok(['kube', 'play', '--service-container', file]);
    const first = (await ok(['container', 'inspect', '--format', '{{.Id}}', service])).trim();
    await ok(['kube', 'play', '--service-container', '--replace', file]);
    const second = (await ok(['container', 'inspect', '--format', '{{.Id}}', service])).trim();
    expect(second).not.toBe(first);
    await running(service, true);
    await ok(['kube', 'down', file]);
    expect((await cli(['container', 'exists', service])).exitCode).toBe(1);
    expect(await cli(['kube', 'play', '--service-container', '--start=false', file])).toMatchObject({ exitCode: 125, stderr: 'Error: --service-container does not work with --start=stop\n' });
  });
});
