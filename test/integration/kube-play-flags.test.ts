// kube play's --annotation, seccomp annotations with --seccomp-profile-root,
// --log-opt, --ip/--mac-address on a named network (podman 4.3's mapping),
// as the test user and as root (play, the containers' config, down).

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, type As, type Sandbox, sandboxCli } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

const YAML = `apiVersion: v1
kind: Pod
metadata:
  name: kf
  annotations:
    team: blue
    seccomp.security.alpha.kubernetes.io/pod: unconfined
    container.seccomp.security.alpha.kubernetes.io/two: localhost/filter.json
spec:
  restartPolicy: Never
  containers:
    - name: one
      image: bb
      command: [sh, -c, 'grep "^Seccomp:" /proc/self/status; trap "exit 0" TERM; sleep 600 & wait']
    - name: two
      image: bb
      command: [sh, -c, 'grep "^Seccomp:" /proc/self/status; trap "exit 0" TERM; sleep 600 & wait']
`;

function suite(as: As, bridge: boolean): void {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb, 120_000);
  const logsOf = async (name: string, want: string): Promise<string> => {
    let out = '';
    for (let i = 0; i < 100 && !out.includes(want); i++) {
      out = await ok(['logs', name]);
      if (!out.includes(want)) await new Promise((r) => setTimeout(r, 100));
    }
    return out;
  };

  beforeAll(async () => {
    sb = await busyboxSandbox(`kube-play-flags-${as}`, as);
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('--annotation and the YAML\'s on every container, seccomp annotations (--seccomp-profile-root), --log-opt; kube down removes the pod', async () => {
    const dir = path.join(sb.dir, 'kf');
    fs.mkdirSync(path.join(dir, 'profiles'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'kf.yaml'), YAML);
    fs.writeFileSync(path.join(dir, 'profiles', 'filter.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mknodat'], action: 'SCMP_ACT_ERRNO' }] }));
    sb.chown(dir);
    const file = path.join(dir, 'kf.yaml');
    await ok(['kube', 'play', '--annotation', 'team=red', '--annotation', 'extra=x', '--log-opt', 'max-size=10m', '--seccomp-profile-root', path.join(dir, 'profiles'), file]);
    for (const [name, seccomp] of [['kf-one', '0'], ['kf-two', '2']] as const) {
      const [c] = JSON.parse(await ok(['inspect', name])) as Array<{ Config: { Annotations: Record<string, string> }; HostConfig: { LogConfig: { Size: string } } }>;
      expect([c!.Config.Annotations.team, c!.Config.Annotations.extra], name).toEqual(['red', 'x']);
      expect(c!.HostConfig.LogConfig.Size).toBe('10MB');
      expect(await logsOf(name, 'Seccomp:')).toBe(`Seccomp:\t${seccomp}\n`);
    }
    const bad = await cli(['kube', 'play', '--annotation', 'novalue', file]);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: annotation "novalue" must include an \'=\' sign\n']);
    await ok(['kube', 'down', file]);
    expect((await cli(['pod', 'exists', 'kf'])).exitCode).toBe(1);
    expect(await ok(['ps', '-a', '--format', '{{.Names}}'])).toBe('');
  });

  it.runIf(bridge)('--ip and --mac-address: one per pod, in order, on the one named network', async () => {
    await ok(['network', 'create', '--subnet', '10.89.77.0/24', 'kfnet']);
    const file = path.join(sb.dir, 'dep.yaml');
    fs.writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: kd}\nspec:\n  replicas: 2\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: bb, command: [sh, -c, "trap \\"exit 0\\" TERM; sleep 600 & wait"]}]\n');
    sb.chown(file);
    await ok(['kube', 'play', '--start=false', '--network', 'kfnet', '--ip', '10.89.77.10,10.89.77.11', '--mac-address', '92:d0:c6:0a:29:33', file]);
    const addr = async (pod: string) => {
      const infra = (await ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', pod])).trim();
      const [c] = JSON.parse(await ok(['inspect', infra])) as Array<{ NetworkSettings: { Networks: Record<string, { IPAddress: string; MacAddress: string }> } }>;
      return c!.NetworkSettings.Networks.kfnet;
    };
    await ok(['pod', 'start', 'kd-pod-0', 'kd-pod-1']);
    expect(await addr('kd-pod-0')).toEqual(expect.objectContaining({ IPAddress: '10.89.77.10', MacAddress: '92:d0:c6:0a:29:33' }));
    expect((await addr('kd-pod-1'))?.IPAddress).toBe('10.89.77.11');
    const r = await cli(['kube', 'play', '--replace', '--ip', '10.89.77.20', file]);
    expect([r.exitCode, r.stderr]).toEqual([125, 'Error: static ip addresses can only be set when the network mode is bridge: invalid argument\n']);
    await ok(['kube', 'down', file]);
  });
}

describe('kube play flags (test user)', () => suite('user', true));
describe.runIf(isRoot())('kube play flags (root)', () => suite('root', false));
