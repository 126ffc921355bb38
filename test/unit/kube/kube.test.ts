import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseKubeYaml } from '../../../src/kube/kube-parse.js';
import { cpus, memoryBytes, planKube, podNames, selinuxLabels } from '../../../src/kube/kube-plan.js';
import { runtimeAnnotations, toKube } from '../../../src/kube/kube-generate.js';
import { parseAllConfigMaps } from '../../../src/kube/kube-configmap.js';
import type { ContainerRecord } from '../../../src/storage/containers.js';
import { containerRecord } from '../pod/fixtures.js';

const FLAGS = { networks: [] as string[], noHosts: false, quiet: false, registryArgs: [] };

const YAML = `
apiVersion: v1
kind: ConfigMap
metadata: { name: cfg }
data: { MODE: fast, LEVEL: "3" }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: { app: web }
spec:
  restartPolicy: OnFailure
  hostAliases: [{ ip: 10.1.2.3, hostnames: [db, db.local] }]
  initContainers:
    - { name: init, image: bb, command: [sh, -c, "echo init"] }
  containers:
    - &ctr
      name: srv
      image: bb
      command: [httpd]
      args: [-f, -p, "80"]
      workingDir: /srv
      env:
        - { name: A, value: "1" }
        - name: L
          valueFrom: { configMapKeyRef: { name: cfg, key: LEVEL } }
      envFrom: [{ configMapRef: { name: cfg }, prefix: CFG_ }]
      ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 5353, protocol: UDP }, { containerPort: 9000 }]
      volumeMounts:
        - { name: d, mountPath: /data }
        - { name: h, mountPath: /h, readOnly: true }
        - { name: m, mountPath: /mem }
        - { name: c, mountPath: /etc/cfg }
      securityContext:
        runAsUser: 1000
        runAsGroup: 100
        capabilities: { add: [NET_ADMIN], drop: [KILL] }
        readOnlyRootFilesystem: true
        seLinuxOptions: { level: "s0" }
      resources: { limits: { memory: 64Mi, cpu: 500m } }
    - <<: *ctr
      name: side
      ports: []
      volumeMounts: []
      securityContext: {}
  volumes:
    - { name: d, persistentVolumeClaim: { claimName: data } }
    - { name: h, hostPath: { path: /srv/www, type: DirectoryOrCreate } }
    - { name: m, emptyDir: { medium: Memory } }
    - { name: c, configMap: { name: cfg, items: [{ key: MODE, path: mode.txt }] } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  replicas: 2
  template:
    metadata: { labels: { tier: api } }
    spec: { containers: [{ name: a, image: bb }] }
---
apiVersion: v1
kind: Service
metadata: { name: ignored }
`;

describe('kube YAML parsing', () => {
  it('reads multi-document files with anchors and merge keys; skips unsupported kinds', () => {
    const docs = parseKubeYaml(YAML, 'play.yaml');
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Pod', 'Deployment']);
    const pod = docs[2]!;
    if (pod.kind !== 'Pod') throw new Error('pod');
    expect(pod.spec.containers[1]).toMatchObject({ name: 'side', image: 'bb', command: ['httpd'], workingDir: '/srv' });
    expect(podNames(docs)).toEqual(['web', 'api-pod-0', 'api-pod-1']);
  });

  it('names the file and the key path of what is wrong', () => {
    const bad: Array<[string, string]> = [
      ['kind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a}]}\n', 'f.yaml: spec.containers[0].image: missing'],
      ['kind: Pod\nmetadata: {name: x}\nspec: {containers: []}\n', 'f.yaml: spec.containers: a pod needs at least one container'],
      ['kind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a, image: b, ports: [{containerPort: http}]}]}\n', 'f.yaml: spec.containers[0].ports[0].containerPort: must be an integer'],
      ['kind: Pod\nmetadata: {name: x}\nspec: {restartPolicy: Sometimes, containers: [{name: a, image: b}]}\n', 'f.yaml: spec.restartPolicy: invalid restart policy "Sometimes": want Always, OnFailure or Never'],
      ['kind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a, image: b}], volumes: [{name: v, nfs: {}}]}\n', 'f.yaml: spec.volumes[0]: unsupported volume type: supported are hostPath, persistentVolumeClaim, emptyDir, configMap and secret'],
      ['kind: Pod\nmetadata: [x]\n', 'f.yaml: metadata: must be a mapping'],
      ['kind: Service\nmetadata: {name: x}\n', 'f.yaml: YAML document does not contain any supported kube kind'],
      ['kind: Pod\nmetadata: x: y\n', 'f.yaml:2:'], ['kind: [Pod\n', 'f.yaml:'],
      ['a: 1\n---\nkind: Pod\nmetadata: {name: x}\nspec: {}\n', 'f.yaml: document 1: kind: missing'],
    ];
    for (const [text, msg] of bad) expect(() => parseKubeYaml(text, 'f.yaml'), msg).toThrow(msg);
  });

  it('--configmap files hold ConfigMaps only', () => {
    expect(parseAllConfigMaps('kind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n', 'c.yaml')).toEqual([{ kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }]);
    expect(() => parseAllConfigMaps('kind: Pod\n', 'c.yaml')).toThrow('c.yaml: invalid YAML kind: "Pod": only ConfigMap is allowed in a --configmap file');
  });
});

describe('kube play plan', () => {
  const plan = planKube(parseKubeYaml(YAML, 'play.yaml'), [], { ...FLAGS, networks: ['slirp4netns'], logDriver: 'json-file' });
  it('pods, ports, labels, aliases', () => {
    expect(plan.pods.map((p) => p.name)).toEqual(['web', 'api-pod-0', 'api-pod-1']);
    expect(plan.pods[0]!.podArgs).toEqual(['--name', 'web', '--exit-policy', 'stop', '--label', 'app=web', '--hostname', 'web', '--network', 'slirp4netns', '--add-host', 'db:10.1.2.3', '--add-host', 'db.local:10.1.2.3', '--publish', '8080:80/tcp', '--publish', '5353:53/udp', '--publish', '9000:9000/tcp']);
    expect(plan.pods[1]!.podArgs).toContain('tier=api');
  });
  it('containers as create arguments', () => {
    const srv = plan.pods[0]!.containers[0]!;
    expect(srv.name).toBe('web-srv');
    expect(srv.args).toEqual([
      '--pod', 'web', '--name', 'web-srv',
      '--env', 'CFG_MODE=fast', '--env', 'CFG_LEVEL=3', '--env', 'A=1', '--env', 'L=3',
      '--workdir', '/srv', '--entrypoint', '["httpd"]', '--log-driver', 'json-file', '--restart', 'on-failure',
      '--user', '1000:100', '--read-only', '--cap-add', 'NET_ADMIN', '--cap-drop', 'KILL', '--security-opt', 'label=level:s0',
      '--memory', String(64 * 1024 * 1024), '--cpus', '0.5',
      '--volume', 'data:/data', '--volume', '/srv/www:/h:ro', '--tmpfs', '/mem', '--volume', 'web-c:/etc/cfg:ro',
      'bb', '-f', '-p', '80',
    ]);
    expect(plan.pods[0]!.inits[0]!.args).not.toContain('--restart');
    expect(plan.volumes).toEqual(['data', 'web-c']);
    expect(plan.filled).toEqual([{ name: 'web-c', files: { 'mode.txt': 'fast' } }]);
    expect(plan.hostPaths).toEqual([{ path: '/srv/www', type: 'DirectoryOrCreate' }]);
    // seLinuxOptions become label= options, as podman's; nothing is said about them (podman 4.3 says nothing either).
    expect(plan.notes).toEqual([]);
    expect(plan.pods[1]!.containers[0]!.args).toContain('always');
  });
  it('seLinuxOptions: the container\'s, else the pod\'s, in podman\'s order', () => {
    expect(selinuxLabels({ level: 's0:c1,c2', type: 't', user: 'u', role: 'r', other: 'x' })).toEqual(['user:u', 'role:r', 'type:t', 'level:s0:c1,c2']);
    expect(selinuxLabels(undefined)).toEqual([]);
    const y = 'kind: Pod\nmetadata: {name: p}\nspec: {securityContext: {seLinuxOptions: {type: spc_t}}, containers: [{name: a, image: b}, {name: c, image: b, securityContext: {seLinuxOptions: {level: s0}}}]}\n';
    const pl = planKube(parseKubeYaml(y, 'x.yaml'), [], FLAGS);
    expect(pl.pods[0]!.containers.map((c) => c.args.filter((_, i, all) => all[i - 1] === '--security-opt'))).toEqual([['label=type:spc_t'], ['label=level:s0']]);
  });
  it('a missing ConfigMap is an error unless optional', () => {
    const y = 'kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: b, envFrom: [{configMapRef: {name: nope}}]}]}\n';
    expect(() => planKube(parseKubeYaml(y, 'f'), [], FLAGS)).toThrow('container a: configmap "nope" not found');
    expect(planKube(parseKubeYaml(y.replace('nope}', 'nope, optional: true}'), 'f'), [], FLAGS).pods).toHaveLength(1);
  });
  it('quantities', () => {
    expect(memoryBytes('1Gi')).toBe(String(1024 ** 3));
    expect(memoryBytes('500M')).toBe('500000000');
    expect(cpus('250m')).toBe('0.25');
    expect(() => memoryBytes('lots')).toThrow('invalid memory quantity "lots"');
  });
});

function rec(over: Partial<ContainerRecord['config']>, name = 'web-srv'): ContainerRecord {
  return containerRecord('a', 'created', { name, image: 'i', imageName: 'localhost/bb:latest', created: '' }, { hostname: 'web', network: 'container:x', ...over });
}

describe('kube generate', () => {
  const base = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT'];
  it('a pod whose YAML plays back to the same containers', () => {
    const text = toKube(
      [{
        name: 'web',
        hostname: 'web',
        labels: { team: 'x' },
        ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
        containers: [{
          rec: rec({
            entrypoint: ['httpd'], cmd: ['-f'], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm', 'HOSTNAME=web', 'A=1'], workingDir: '/srv', user: '1000:100',
            restartPolicy: { name: 'on-failure', maxRetries: 0 },
            annotations: { 'io.x/own': 'srv-only' },
            mounts: [
              { type: 'volume', name: 'data', source: '/x', destination: '/data', options: ['rw'] },
              { type: 'bind', source: '/srv/www', destination: '/h', options: ['ro', 'rbind'] },
              { type: 'tmpfs', destination: '/mem', options: ['rw'] },
              { type: 'volume', name: 'anon', anonymous: true, source: '/y', destination: '/anon', options: ['rw'] },
            ],
          }),
          bounding: [...base.filter((c) => c !== 'CAP_KILL'), 'CAP_NET_ADMIN'],
          privileged: false,
          readOnlyRoot: true,
          bindKinds: { '/srv/www': 'Directory' },
        }, {
          rec: rec({ cmd: ['sleep', '1'], annotations: { 'io.x/own': 'side' } }, 'side'),
          bounding: [...base],
          privileged: true,
          readOnlyRoot: false,
        }],
        fromPod: true,
      }],
      { service: true, type: 'pod', replicas: 1, nodePort: () => 30123 },
      new Date('2026-01-02T03:04:05.678Z'),
    );
    expect(text.startsWith('# Save the output of this file and use kubectl create -f to import\n')).toBe(true);
    // podman's (helm's) order: the Service before the Pod.
    const [service, ...rest] = text.split('---\n').map((d) => parse(d) as Record<string, unknown>);
    const docs = [...rest, service];
    expect(docs[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      // A container's own annotation is KEY/CONTAINER (podman's spelling).
      metadata: {
        annotations: {
          // podman's create-time annotations of each container, by its full name.
          'io.kubernetes.cri-o.TTY/side': 'false', 'io.kubernetes.cri-o.TTY/web-srv': 'false',
          'io.podman.annotations.autoremove/side': 'FALSE', 'io.podman.annotations.autoremove/web-srv': 'FALSE',
          'io.podman.annotations.init/side': 'FALSE', 'io.podman.annotations.init/web-srv': 'FALSE',
          'io.podman.annotations.privileged/side': 'TRUE', 'io.podman.annotations.privileged/web-srv': 'FALSE',
          'io.podman.annotations.publish-all/side': 'FALSE', 'io.podman.annotations.publish-all/web-srv': 'FALSE',
          'io.x/own/side': 'side', 'io.x/own/srv': 'srv-only',
        },
        creationTimestamp: '2026-01-02T03:04:05Z', labels: { app: 'web', team: 'x' }, name: 'web' },
      spec: {
        automountServiceAccountToken: false,
        containers: [{
          name: 'srv', image: 'localhost/bb:latest', command: ['httpd'], args: ['-f'], env: [{ name: 'A', value: '1' }], workingDir: '/srv',
          ports: [{ containerPort: 80, hostPort: 8080 }],
          resources: {},
          // --read-only's writable tmpfs here are emptyDirs there.
          volumeMounts: [{ mountPath: '/data', name: 'data-pvc' }, { mountPath: '/h', name: 'srv-www-host-1', readOnly: true }, { mountPath: '/mem', name: 'srv-tmpfs-2' },
            { mountPath: '/tmp', name: 'srv-tmpfs-3' }, { mountPath: '/var/tmp', name: 'srv-tmpfs-4' }, { mountPath: '/run', name: 'srv-tmpfs-5' }],
          // Dropped: what it lacks of the set a Kubernetes runtime gives (podman's comparison).
          securityContext: { capabilities: { add: ['CAP_NET_ADMIN'], drop: ['CAP_MKNOD', 'CAP_NET_RAW', 'CAP_KILL', 'CAP_AUDIT_WRITE'] }, readOnlyRootFilesystem: true, runAsUser: 1000, runAsGroup: 100 },
        }, { name: 'side', image: 'localhost/bb:latest', command: ['sleep', '1'], resources: {}, securityContext: { privileged: true } }],
        enableServiceLinks: false,
        hostname: 'web',
        restartPolicy: 'OnFailure',
        volumes: [{ name: 'data-pvc', persistentVolumeClaim: { claimName: 'data' } }, { name: 'srv-www-host-1', hostPath: { path: '/srv/www', type: 'Directory' } },
          ...[2, 3, 4, 5].map((n) => ({ name: `srv-tmpfs-${n}`, emptyDir: { medium: 'Memory' } }))],
      },
      status: {},
    });
    // podman's: the pod's metadata, a port named by its number, TCP left implicit, a NodePort.
    expect(docs[1]).toEqual({
      apiVersion: 'v1', kind: 'Service', metadata: { creationTimestamp: '2026-01-02T03:04:05Z', labels: { app: 'web', team: 'x' }, name: 'web' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: '80', nodePort: 30123, port: 80, targetPort: 80 }] },
    });
    // And our own play reads it: the same command, args, env, mounts.
    const plan = planKube(parseKubeYaml(text, 'gen.yaml'), [], FLAGS);
    expect(plan.pods[0]!.containers[0]!.args).toEqual(expect.arrayContaining(['--entrypoint', '["httpd"]', '--env', 'A=1', '--volume', 'data:/data', '--volume', '/srv/www:/h:ro', '--tmpfs', '/mem', 'localhost/bb:latest', '-f']));
    expect(plan.pods[0]!.podArgs).toEqual(['--name', 'web', '--exit-policy', 'stop', '--label', 'app=web', '--label', 'team=x', '--hostname', 'web', '--publish', '8080:80/tcp']);
  });
  it('--type deployment', () => {
    const text = toKube([{ name: 'p', labels: {}, ports: [], containers: [{ rec: rec({ cmd: ['sleep', '1'] }, 'c'), privileged: false, readOnlyRoot: false }] }], { service: false, type: 'deployment', replicas: 3 });
    const d = parse(text.split('\n').filter((l) => !l.startsWith('#')).join('\n')) as { kind: string; spec: { replicas: number; template: { spec: { containers: Array<{ name: string }> } } } };
    expect([d.kind, d.spec.replicas, d.spec.template.spec.containers[0]!.name]).toEqual(['Deployment', 3, 'c']);
    expect(podNames(parseKubeYaml(text, 'd.yaml'))).toEqual(['p-deployment-pod-0', 'p-deployment-pod-1', 'p-deployment-pod-2']);
  });
  it('an annotation every container has stays as it is: play gives it to each again', () => {
    const both = { 'io.x/all': 'v' };
    const text = toKube([{ name: 'p', labels: {}, ports: [], containers: ['a', 'b'].map((n) => ({ rec: rec({ cmd: ['true'], annotations: both }, n), privileged: false, readOnlyRoot: false })) }], { service: false, type: 'deployment', replicas: 1 });
    const d = parse(text.split('\n').filter((l) => !l.startsWith('#')).join('\n')) as { metadata: { annotations: Record<string, string> } };
    expect(Object.fromEntries(Object.entries(d.metadata.annotations).filter(([k]) => !/^io\.(kubernetes\.cri-o|podman\.annotations)\./.test(k)))).toEqual(both);
    expect(d.metadata.annotations['io.podman.annotations.init/b']).toBe('FALSE');
    const plan = planKube(parseKubeYaml(text, 'd.yaml'), [], FLAGS);
    for (const c of plan.pods[0]!.containers) expect(c.args).toEqual(expect.arrayContaining(['--annotation', 'io.x/all=v']));
  });
});

describe('kube Secret and DaemonSet', () => {
  const yaml = `apiVersion: v1
kind: Secret
metadata: {name: creds}
data:
  user: YWRtaW4=
stringData:
  pass: s3cret
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
        - name: main
          image: bb
          env:
            - name: USER
              valueFrom: {secretKeyRef: {name: creds, key: user}}
          envFrom:
            - secretRef: {name: creds}
              prefix: S_
          volumeMounts: [{name: c, mountPath: /etc/creds/}]
      volumes:
        - name: c
          secret: {secretName: creds, items: [{key: pass, path: p/word}]}
`;

  it('a Secret\'s data decoded (stringData over it); a DaemonSet is one pod NAME-pod; env from the Secret, its keys as tsc-run secrets mounted as files', () => {
    const docs = parseKubeYaml(yaml, 'd.yaml');
    expect(docs[0]).toEqual({ kind: 'Secret', metadata: { name: 'creds' }, data: { user: 'admin', pass: 's3cret' } });
    const plan = planKube(docs, [], FLAGS);
    expect(plan.pods.map((p) => p.name)).toEqual(['agent-pod']);
    expect(plan.secrets).toEqual([{ name: 'creds-pass', value: 's3cret' }]);
    const args = plan.pods[0]!.containers[0]!.args;
    expect(args).toEqual(expect.arrayContaining(['--env', 'S_user=admin', '--env', 'S_pass=s3cret', '--env', 'USER=admin', '--secret', 'creds-pass,target=/etc/creds/p/word']));
    expect(plan.pods[0]!.podArgs).toEqual(['--name', 'agent-pod', '--exit-policy', 'stop', '--label', 'app=agent', '--hostname', 'agent-pod']);
    expect(() => parseKubeYaml('kind: Secret\nmetadata: {name: x}\ndata: {k: "not base64!"}\n---\nkind: PersistentVolumeClaim\nmetadata: {name: v}\n', 's.yaml')).toThrow('s.yaml: document 1: data.k: must be base64');
    const missing = yaml.replace('name: creds, key: user', 'name: nope, key: user');
    expect(() => planKube(parseKubeYaml(missing, 'd.yaml'), [], FLAGS)).toThrow('container main: env USER: key "user" of secret "nope" not found');
  });
});

describe('kube generate: podman\'s create-time annotations', () => {
  it('every container\'s, by its full name without underscores', () => {
    const g = { rec: containerRecord('a', 'created', { name: 'my_web', autoRemove: true }, { tty: true, init: true }), privileged: true, readOnlyRoot: false };
    expect(runtimeAnnotations(g)).toEqual({
      'io.kubernetes.cri-o.TTY/myweb': 'true', 'io.podman.annotations.autoremove/myweb': 'TRUE', 'io.podman.annotations.init/myweb': 'TRUE',
      'io.podman.annotations.privileged/myweb': 'TRUE', 'io.podman.annotations.publish-all/myweb': 'FALSE',
    });
  });
});

describe('kube generate: a pod member\'s sandbox', () => {
  it('writes ContainerType and the SandboxID cut to 63 characters with podman\'s warning, and play takes the file back', () => {
    const infra = 'a'.repeat(60) + 'bcde';
    const warned: string[] = [];
    const g = { rec: containerRecord('c1id', 'created', { name: 'c1' }, { cmd: ['top'] }), privileged: false, readOnlyRoot: false, sandboxId: infra };
    const text = toKube([{ name: 'p1', labels: {}, ports: [], containers: [g] }], { service: false, type: 'pod', replicas: 1, warn: (m) => warned.push(m) });
    const doc = parseKubeYaml(text, 'gen.yaml').find((d) => d.kind === 'Pod')!;
    expect(doc.metadata.annotations).toMatchObject({ 'io.kubernetes.cri-o.ContainerType/c1': 'container', 'io.kubernetes.cri-o.SandboxID/c1': infra.slice(0, 63) });
    expect(warned).toEqual([`Truncation Annotation: "${infra}" to "${infra.slice(0, 63)}": Kubernetes only allows 63 characters`]);
    // Before the cut, play refused podman's own output (value length exceeds 63).
    expect(() => planKube(parseKubeYaml(text, 'gen.yaml'), [], FLAGS)).not.toThrow();
  });
  it('a container outside a pod has neither annotation', () => {
    const g = { rec: containerRecord('c2id', 'created', { name: 'c2' }, {}), privileged: false, readOnlyRoot: false };
    expect(Object.keys(runtimeAnnotations(g)).some((k) => k.includes('SandboxID') || k.includes('ContainerType'))).toBe(false);
  });
});

describe('kube generate: podman\'s YAML layout', () => {
  const g = () => ({ rec: containerRecord('c3id', 'created', { name: 'c3' }, { cmd: ['top'], env: ['FOO=1'], workingDir: '/tmp' }), privileged: false, readOnlyRoot: false });
  it('every map\'s keys sorted, as sigs.k8s.io/yaml writes them; a pod\'s v1.Pod keeps resources: {} and status: {}', () => {
    const text = toKube([{ name: 'p3', labels: {}, ports: [], containers: [g()], fromPod: true }], { service: false, type: 'pod', replicas: 1 });
    const body = text.replace(/^#.*\n/gm, '');
    expect(body).toMatch(/\n {2}containers:\n {2}- command:\n {4}- top\n {4}env:\n[^]*\n {4}image: [^\n]+\n {4}name: c3\n {4}resources: \{\}\n(?:[^]*\n)? {4}workingDir: \/tmp\n/);
    expect(body.endsWith('status: {}\n')).toBe(true);
  });
  it('a lone container\'s pod has neither (podman\'s YAMLPod omits them)', () => {
    const text = toKube([{ name: 'c3-pod', labels: {}, ports: [], containers: [g()] }], { service: false, type: 'pod', replicas: 1 });
    expect(text).not.toContain('resources:');
    expect(text).not.toContain('status:');
  });
});

describe('kube play: the pod spec\'s name resolution and process namespace (podman 4.3)', () => {
  const y = (extra: string) => `kind: Pod\nmetadata: {name: dn}\nspec:\n${extra}  containers: [{name: a, image: bb}]\n`;
  it('dnsConfig, one --add-host per alias name, shareProcessNamespace as --share +pid', () => {
    const pl = planKube(parseKubeYaml(y('  shareProcessNamespace: true\n  hostAliases: [{ip: 1.2.3.4, hostnames: [foo, bar]}]\n  dnsConfig: {nameservers: [9.9.9.9], searches: [ex.com], options: [{name: ndots, value: "2"}, {name: edns0}]}\n'), 'p.yaml'), [], FLAGS);
    expect(pl.pods[0]!.podArgs).toEqual(expect.arrayContaining(['--add-host', 'foo:1.2.3.4', '--add-host', 'bar:1.2.3.4', '--share', '+pid', '--dns', '9.9.9.9', '--dns-search', 'ex.com', '--dns-option', 'ndots:2', '--dns-option', 'edns0']));
  });
  it('hostAliases with --no-hosts is podman\'s error', () => {
    expect(() => planKube(parseKubeYaml(y('  hostAliases: [{ip: 1.2.3.4, hostnames: [foo]}]\n'), 'p.yaml'), [], { ...FLAGS, noHosts: true })).toThrow('HostAliases in yaml file will not work with --no-hosts');
  });
  it('kube generate writes them back from the pod\'s infra', () => {
    const g = { rec: containerRecord('m1', 'created', { name: 'm' }, { cmd: ['top'] }), privileged: false, readOnlyRoot: false };
    const text = toKube([{ name: 'dn', labels: {}, ports: [], containers: [g], fromPod: true, infra: { addHosts: ['foo:1.2.3.4'], dns: ['9.9.9.9'], dnsSearch: ['ex.com'], dnsOptions: ['ndots:2'], hostNetwork: true, sharePid: true } }], { service: false, type: 'pod', replicas: 1 });
    const spec = (parse(text.replace(/^#.*\n/gm, '')) as { spec: Record<string, unknown> }).spec;
    expect(spec).toMatchObject({ dnsConfig: { nameservers: ['9.9.9.9'], options: [{ name: 'ndots', value: '2' }], searches: ['ex.com'] }, hostAliases: [{ hostnames: ['foo'], ip: '1.2.3.4' }], hostNetwork: true, shareProcessNamespace: true });
  });
});
