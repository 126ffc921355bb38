// kube play of Secret and DaemonSet documents and probes, as the test user:
// a Secret's keys reach a container as env (secretKeyRef, secretRef) and
// as read-only files (a secret volume: each key a tsc-run secret, created
// from stdin), a DaemonSet is one pod NAME-pod, liveness/readiness probes
// become the container's healthcheck (a readiness probe turns healthy once
// its check passes), kube down removes the pod and the secrets it made;
// --build builds an image from the directory named like it (as podman).

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, sandboxCli } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

const YAML = `apiVersion: v1
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
      restartPolicy: Never
      containers:
        - name: main
          image: bb
          command: [sh, -c]
          args: ["trap 'exit 0' TERM; sleep 600 & wait"]
          env:
            - name: USER
              valueFrom: {secretKeyRef: {name: creds, key: user}}
          envFrom:
            - secretRef: {name: creds}
              prefix: S_
          volumeMounts: [{name: c, mountPath: /etc/creds}]
          livenessProbe:
            exec: {command: [test, -d, /etc]}
            periodSeconds: 2
            failureThreshold: 4
            timeoutSeconds: 3
            initialDelaySeconds: 1
          readinessProbe:
            exec: {command: [test, -e, /tmp/ready]}
        - name: side
          image: bb
          command: [sh, -c]
          args: ["trap 'exit 0' TERM; sleep 600 & wait"]
          readinessProbe:
            exec: {command: [test, -e, /tmp/ready]}
            periodSeconds: 1
      volumes:
        - name: c
          secret: {secretName: creds, items: [{key: pass, path: p/word}]}
`;

describe('kube play: Secret, DaemonSet, probes (test user)', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb, 90_000);

  beforeAll(async () => {
    sb = await busyboxSandbox('kube-secret', 'user');
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('plays, reaches the containers, turns healthy, and goes with kube down', async () => {
    const file = `${sb.dir}/agent.yaml`;
    fs.writeFileSync(file, YAML);
    sb.chown(file);
    const play = await cli(['kube', 'play', file]);
    expect(play.exitCode, play.stderr).toBe(0);
    expect(play.stdout).toMatch(/^Pod:\n[0-9a-f]{64}\nContainers:\n[0-9a-f]{64}\n[0-9a-f]{64}\n\n$/);
    expect(play.stderr).toBe('time=' + play.stderr.slice(5)); // only the readiness note, as a warning line
    expect(play.stderr).toContain('container main: readinessProbe ignored (one healthcheck per container: the livenessProbe is used)');
    expect(await ok(['pod', 'ps', '--format', '{{.Name}} {{.Labels}}'])).toBe('agent-pod map[app:agent]\n');

    expect(await ok(['exec', 'agent-pod-main', 'sh', '-c', 'echo "$USER $S_user $S_pass"; cat /etc/creds/p/word; echo; ls /etc/creds; echo x > /etc/creds/p/word 2>/dev/null || echo ro'])).toBe('admin admin s3cret\ns3cret\np\nro\n');
    expect(await ok(['secret', 'ls', '--format', '{{.Name}}'])).toBe('creds-pass\n');

    const hc = JSON.parse(await ok(['inspect', '--format', '{{json .Config.Healthcheck}}', 'agent-pod-main'])) as Record<string, unknown>;
    expect(hc).toEqual({ Test: ['CMD-SHELL', 'test -d /etc || exit 1'], Interval: 2e9, Timeout: 3e9, StartPeriod: 1e9, Retries: 4 });
    expect((await ok(['inspect', '--format', '{{.Config.HealthcheckOnFailureAction}}', 'agent-pod-main'])).trim()).toBe('none');
    // The readiness probe: unhealthy (or starting) until /tmp/ready exists, then healthy.
    await ok(['exec', 'agent-pod-side', 'touch', '/tmp/ready']);
    let status = '';
    for (let i = 0; i < 100 && !status.includes('(healthy)'); i++) {
      status = await ok(['ps', '--filter', 'name=agent-pod-side', '--format', '{{.Status}}']);
      if (!status.includes('(healthy)')) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toMatch(/^Up .* \(healthy\)\n$/);

    const down = await ok(['kube', 'down', file]);
    expect(down).toMatch(/^Pods stopped:\n[0-9a-f]{64}\nPods removed:\n[0-9a-f]{64}\n$/);
    expect(await ok(['secret', 'ls', '--format', '{{.Name}}'])).toBe('');
    expect(await ok(['pod', 'ps', '-q'])).toBe('');
  });

  it('bad Secret and probe documents: one line naming the key', async () => {
    const cases: Array<[string, string]> = [
      ['kind: Secret\nmetadata: {name: s}\ndata: {k: "not base64!"}\n---\nkind: PersistentVolumeClaim\nmetadata: {name: v}\n', 'document 1: data.k: must be base64'],
      ['kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: bb, livenessProbe: {periodSeconds: 1}}]}\n', 'spec.containers[0].livenessProbe: a probe needs exec, httpGet or tcpSocket'],
      ['kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: bb, livenessProbe: {httpGet: {port: http}}}]}\n', 'spec.containers[0].livenessProbe.httpGet.port: named ports are not supported: give the number'],
      ['kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: bb, env: [{name: X, valueFrom: {secretKeyRef: {name: nope, key: k}}}]}]}\n', 'container a: env X: key "k" of secret "nope" not found'],
    ];
    for (const [text, msg] of cases) {
      const f = `${sb.dir}/bad.yaml`;
      fs.writeFileSync(f, text);
      sb.chown(f);
      const r = await cli(['kube', 'play', f]);
      expect({ code: r.exitCode, err: r.stderr }).toEqual({ code: 125, err: expect.stringContaining(msg) as unknown });
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
    expect(await ok(['pod', 'ps', '-q'])).toBe('');
  });

  it('--build: an image missing locally is built from DIR/NAME/Containerfile (--context-dir); --build=false does not build', async () => {
    const ctx = `${sb.dir}/ctx`;
    fs.mkdirSync(`${ctx}/webapp`, { recursive: true });
    fs.writeFileSync(`${ctx}/webapp/Containerfile`, 'FROM bb\nRUN echo built-by-play > /built\n');
    const file = `${ctx}/app.yaml`;
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Pod\nmetadata: {name: built}\nspec:\n  restartPolicy: Never\n  containers:\n    - name: app\n      image: localhost/webapp:2\n      command: [cat, /built]\n');
    sb.chown(ctx);
    const off = await cli(['kube', 'play', '--build=false', '--context-dir', ctx, file]);
    expect(off.exitCode).toBe(125);
    expect((await cli(['image', 'exists', 'localhost/webapp:2'])).exitCode).toBe(1);
    const r = await cli(['kube', 'play', '--start=false', '--context-dir', ctx, file]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('STEP 2/2: RUN echo built-by-play > /built');
    expect(await ok(['run', '--rm', 'localhost/webapp:2', 'cat', '/built'])).toBe('built-by-play\n');
    // Present now: a second play builds nothing unless --build.
    const again = await cli(['kube', 'play', '--replace', '--start=false', '--context-dir', ctx, file]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('STEP');
    const forced = await cli(['kube', 'play', '--replace', '--build', '--start=false', '--context-dir', ctx, file]);
    expect(forced.stderr).toContain('STEP 1/2: FROM bb');
    await ok(['kube', 'down', file]);
  });
});
