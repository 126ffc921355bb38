import { describe, expect, it } from 'vitest';
import { parseKubeYaml } from '../../../src/kube/kube-parse.js';
import { planKube } from '../../../src/kube/kube-plan.js';

const FLAGS = { networks: [] as string[], noHosts: false, quiet: false, registryArgs: [] };

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    team: blue
    seccomp.security.alpha.kubernetes.io/pod: unconfined
    container.seccomp.security.alpha.kubernetes.io/two: localhost/prof.json
spec:
  containers:
  - {name: one, image: bb}
  - {name: two, image: bb}
`;

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: c, image: bb}]
`;

const values = (args: string[], flag: string) => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));

describe('kube play flags (podman 4.3)', () => {
  it('--annotation over the YAML\'s, on every container; seccomp annotations as --security-opt (pod, per container, --seccomp-profile-root)', () => {
    const plan = planKube(parseKubeYaml(POD, 'p.yaml'), [], { ...FLAGS, annotations: { team: 'red', extra: 'x' }, seccompProfileRoot: '/srv/sec/' });
    const [one, two] = plan.pods[0]!.containers;
    expect(values(one!.args, '--annotation')).toEqual([
      'team=red', 'seccomp.security.alpha.kubernetes.io/pod=unconfined', 'container.seccomp.security.alpha.kubernetes.io/two=localhost/prof.json', 'extra=x',
    ]);
    expect(values(one!.args, '--security-opt')).toEqual(['seccomp=unconfined']);
    expect(values(two!.args, '--security-opt')).toEqual(['seccomp=/srv/sec/prof.json']);
    // runtime/default: the default profile, no flag; the default root.
    const dflt = planKube(parseKubeYaml(POD.replace(': unconfined', ': runtime/default'), 'p.yaml'), [], FLAGS);
    expect(values(dflt.pods[0]!.containers[0]!.args, '--security-opt')).toEqual([]);
    expect(values(dflt.pods[0]!.containers[1]!.args, '--security-opt')).toEqual(['seccomp=/var/lib/kubelet/seccomp/prof.json']);
    expect(() => planKube(parseKubeYaml(POD.replace(': unconfined', ': bogus/x'), 'p.yaml'), [], FLAGS)).toThrow('invalid seccomp path: bogus/x');
  });

  it('--log-opt on every container', () => {
    const plan = planKube(parseKubeYaml(POD, 'p.yaml'), [], { ...FLAGS, logOpts: ['max-size=10m', 'path=/tmp/x'] });
    expect(values(plan.pods[0]!.containers[1]!.args, '--log-opt')).toEqual(['max-size=10m', 'path=/tmp/x']);
  });

  it('--ip/--mac-address: the Nth pod gets the Nth value on its one bridge network; podman\'s refusals', () => {
    const plan = planKube(parseKubeYaml(DEPLOY, 'd.yaml'), [], { ...FLAGS, networks: ['net1'], ips: ['10.0.0.5', '10.0.0.6'], macs: ['92:d0:c6:0a:29:33'] });
    expect(plan.pods.map((p) => [values(p.podArgs, '--ip'), values(p.podArgs, '--mac-address')])).toEqual([
      [['10.0.0.5'], ['92:d0:c6:0a:29:33']],
      [['10.0.0.6'], []],
      [[], []],
    ]);
    expect(plan.notes).toContain('No more static ips left using a random one');
    expect(() => planKube(parseKubeYaml(DEPLOY, 'd.yaml'), [], { ...FLAGS, ips: ['10.0.0.5'] })).toThrow('static ip addresses can only be set when the network mode is bridge: invalid argument');
    expect(() => planKube(parseKubeYaml(DEPLOY, 'd.yaml'), [], { ...FLAGS, networks: ['pasta'], macs: ['92:d0:c6:0a:29:33'] })).toThrow('static mac address can only be set when the network mode is bridge');
    expect(() => planKube(parseKubeYaml(DEPLOY, 'd.yaml'), [], { ...FLAGS, networks: ['a', 'b'], ips: ['10.0.0.5'] })).toThrow(/cannot set static ip addresses for more than network/);
  });
});

describe('kube play: pod securityContext, fieldRef/resourceFieldRef env, requests (podman 4.3\'s mapping)', () => {
  const yaml = `apiVersion: v1
kind: Pod
metadata:
  name: sp
  labels: {app: web}
  annotations: {note: hi}
spec:
  securityContext:
    runAsUser: 1000
    supplementalGroups: [44, 45]
    sysctls: [{name: net.ipv4.ping_group_range, value: "0 10"}]
  containers:
  - name: a
    image: bb
    securityContext: {allowPrivilegeEscalation: false}
    env:
    - {name: N, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: L, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
    - {name: A, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['note']"}}}
    - {name: M, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
    - {name: C, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
    resources:
      limits: {memory: 64Mi}
      requests: {memory: 10Mi, cpu: 250m}
  - name: b
    image: bb
    securityContext: {runAsGroup: 7}
`;
  it('maps them', () => {
    const plan = planKube(parseKubeYaml(yaml, 's.yaml'), [], FLAGS);
    const [a, b] = plan.pods[0]!.containers;
    expect(values(plan.pods[0]!.podArgs, '--sysctl')).toEqual(['net.ipv4.ping_group_range=0 10']);
    expect(values(a!.args, '--user')).toEqual(['1000']);
    expect(values(b!.args, '--user')).toEqual(['1000:7']);
    expect(values(a!.args, '--group-add')).toEqual(['44', '45']);
    expect(values(a!.args, '--security-opt')).toEqual(['no-new-privileges']);
    expect(values(a!.args, '--env')).toEqual(['N=sp', 'L=web', 'A=hi', 'M=64', 'C=250']);
    expect(values(a!.args, '--memory-reservation')).toEqual([String(10 * 1024 * 1024)]);
    const bad = (path: string) => () => planKube(parseKubeYaml(yaml.replace("metadata.labels['app']", path), 's.yaml'), [], FLAGS);
    expect(bad('spec.nodeName')).toThrow('can not set env L. Reason: fieldPath spec.nodeName is either not valid or not supported');
    expect(bad('metadata.uid')).toThrow(/metadata.uid/);
    expect(() => planKube(parseKubeYaml(yaml.replace('requests.cpu', 'limits.storage'), 's.yaml'), [], FLAGS)).toThrow('can not set env C. Reason: resource limits.storage is either not valid or not supported');
    // A group alone runs as user 0 (podman).
    const noUser = planKube(parseKubeYaml(yaml.replace('    runAsUser: 1000\n', ''), 's.yaml'), [], FLAGS);
    expect(values(noUser.pods[0]!.containers[1]!.args, '--user')).toEqual(['0:7']);
  });
});
