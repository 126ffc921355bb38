// kube play's plan where podman 4.3's play.go decides: init containers
// (created with --init-ctr, `once` unless the pod annotation says `always`,
// no probes), the exit policy stop of every pod, a containerPort without
// hostPort published on the same port, the 63-character annotation limit.

import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toKube } from '../../../src/kube/kube-generate.js';
import { parseKubeYaml } from '../../../src/kube/kube-parse.js';
import { planKube } from '../../../src/kube/kube-plan.js';

const FLAGS = { networks: [] as string[], noHosts: false, quiet: false, registryArgs: [] };
const values = (args: readonly string[], flag: string) => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));

const pod = (annotations: string, init: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
${annotations}spec:
  initContainers:
  - name: i
    image: bb
${init}  containers:
  - name: c
    image: bb
    ports: [{ containerPort: 8080 }]
`;

describe('kube play plan (podman 4.3 play.go)', () => {
  it('init containers: --init-ctr once by default, always with the annotation, no restart policy', () => {
    const once = planKube(parseKubeYaml(pod('', ''), 'p.yaml'), [], FLAGS).pods[0]!;
    expect(values(once.inits[0]!.args, '--init-ctr')).toEqual(['once']);
    expect(values(once.inits[0]!.args, '--restart')).toEqual([]);
    expect(values(once.containers[0]!.args, '--init-ctr')).toEqual([]);
    const always = planKube(parseKubeYaml(pod('  annotations:\n    io.podman.annotations.init.container.type: always\n', ''), 'p.yaml'), [], FLAGS).pods[0]!;
    expect(values(always.inits[0]!.args, '--init-ctr')).toEqual(['always']);
    expect(() => planKube(parseKubeYaml(pod('  annotations:\n    io.podman.annotations.init.container.type: twice\n', ''), 'p.yaml'), [], FLAGS)).toThrow('twice is invalid init container type');
    const probed = pod('', '    livenessProbe: { exec: { command: [true] } }\n');
    expect(() => planKube(parseKubeYaml(probed, 'p.yaml'), [], FLAGS)).toThrow('cannot create an init container that has either of lifecycle, livenessProbe, readinessProbe, or startupProbe set');
  });

  it('every pod has exit policy stop; a containerPort alone is published on the same host port', () => {
    const p = planKube(parseKubeYaml(pod('', ''), 'p.yaml'), [], FLAGS).pods[0]!;
    expect(values(p.podArgs, '--exit-policy')).toEqual(['stop']);
    expect(values(p.podArgs, '--publish')).toEqual(['8080:8080/tcp']);
  });

  it('a Pod annotation over 63 characters is refused with podman\'s message', () => {
    const long = 'x'.repeat(64);
    expect(() => planKube(parseKubeYaml(pod(`  annotations:\n    test: ${long}\n`, ''), 'p.yaml'), [], FLAGS)).toThrow(`invalid annotation "test"="${long}" value length exceeds Kubernetetes max 63`);
    expect(planKube(parseKubeYaml(pod(`  annotations:\n    test: ${'x'.repeat(63)}\n`, ''), 'p.yaml'), [], FLAGS).pods).toHaveLength(1);
  });
});

describe('kube generate VOLUME (podman 4.3 Volume.GenerateForKube)', () => {
  it('a PersistentVolumeClaim with the driver and options as volume.podman.io annotations, the time stamp quoted', () => {
    const vol = { name: 'v1', driver: 'local' as const, createdAt: '2026-01-01T00:00:00Z', labels: { a: 'b' }, options: { type: 'tmpfs', device: 'tmpfs', o: 'size=2m' }, needsCopyUp: false, needsChown: false };
    const text = toKube([], { service: false, type: 'pod', replicas: 1 }, new Date('2026-01-02T03:04:05.678Z'), [vol]);
    expect(text).toContain('  creationTimestamp: "2026-01-02T03:04:05Z"\n');
    expect(parse(text)).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        annotations: { 'volume.podman.io/driver': 'local', 'volume.podman.io/type': 'tmpfs', 'volume.podman.io/device': 'tmpfs', 'volume.podman.io/mount-options': 'size=2m' },
        creationTimestamp: '2026-01-02T03:04:05Z',
        labels: { a: 'b' },
        name: 'v1',
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      status: {},
    });
  });
});
