// compose healthchecks run by the engine, as the unprivileged user: a
// service's healthcheck becomes the container's (ps `(healthy)`, inspect
// State.Health), an image's HEALTHCHECK is honoured (and `disable: true`
// turns it off), depends_on service_healthy waits on the engine's state and
// fails `up` on an unhealthy dependency or one without a check, and `up
// --wait` waits for healthy.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox, composeProjects } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('compose-health', 'user');
  // An image with a HEALTHCHECK of its own (docker format: OCI configs have no such field): healthy once /tmp/ok exists.
  sb.file('hc/Containerfile', 'FROM bb\nHEALTHCHECK --interval=1s --retries=30 CMD test -f /tmp/ok\n');
  await tscRunOk(['build', '-q', '--format', 'docker', '-t', 'bbhc', path.join(sb.dir, 'hc')], { sandbox: sb, timeoutMs: 120_000 });
}, 180_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const { projectDir, compose, composeOk } = composeProjects(() => sb);
const inspect = async (name: string, format: string) => (await tscRunOk(['inspect', '--format', format, name], { sandbox: sb })).stdout.trim();

describe('compose healthchecks', () => {
  it("waits on the engine's health: the service's check and the image's HEALTHCHECK; disable turns the image's off", async () => {
    const dir = projectDir('hp', {
      'compose.yaml': [
        'services:',
        '  db:',
        '    image: bb',
        '    command: ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 1000"]',
        '    stop_signal: SIGKILL',
        '    healthcheck: {test: "test -f /tmp/ready", interval: 1s, retries: 20}',
        '  cache:',
        '    image: bbhc',
        '    command: ["sh", "-c", "sleep 1; touch /tmp/ok; exec sleep 1000"]',
        '    stop_signal: SIGKILL',
        '  quiet:',
        '    image: bbhc',
        '    command: ["sleep", "1000"]',
        '    stop_signal: SIGKILL',
        '    healthcheck: {disable: true}',
        '  web:',
        '    image: bb',
        '    command: ["sleep", "1000"]',
        '    stop_signal: SIGKILL',
        '    depends_on:',
        '      db: {condition: service_healthy}',
        '      cache: {condition: service_healthy}',
        '',
      ].join('\n'),
    });
    const up = await composeOk(dir, ['up', '-d']);
    const lines = up.stderr.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at('Container hp-db-1  Healthy')).toBeGreaterThan(0);
    expect(at('Container hp-cache-1  Healthy')).toBeGreaterThan(0);
    expect(at('Container hp-web-1  Creating')).toBeGreaterThan(Math.max(at('Container hp-db-1  Healthy'), at('Container hp-cache-1  Healthy')));
    // The engine's state: inspect and ps show it.
    expect(await inspect('hp-db-1', '{{.State.Health.Status}}')).toBe('healthy');
    expect(await inspect('hp-db-1', '{{json .Config.Healthcheck.Test}}')).toBe('["CMD-SHELL","test -f /tmp/ready"]');
    expect(await inspect('hp-cache-1', '{{json .Config.Healthcheck.Test}}')).toBe('["CMD-SHELL","test -f /tmp/ok"]');
    const ps = await tscRunOk(['ps', '--filter', 'health=healthy', '--format', '{{.Names}} {{.Status}}'], { sandbox: sb });
    expect(ps.stdout.split('\n').filter(Boolean).sort()).toEqual([expect.stringMatching(/^hp-cache-1 Up .*\(healthy\)$/), expect.stringMatching(/^hp-db-1 Up .*\(healthy\)$/)]);
    // disable: true: not even the image's.
    expect(await inspect('hp-quiet-1', '{{json .Config}}')).not.toContain('"Healthcheck"');
    expect(await inspect('hp-quiet-1', '{{.State.Health.Status}}')).toBe('');
    await composeOk(dir, ['down', '-t', '0']);
  });

  it('fails up on an unhealthy dependency or one without a check; up --wait waits for healthy', async () => {
    const bad = projectDir('hbad', {
      'compose.yaml': [
        'services:',
        '  sick:',
        '    image: bb',
        '    command: ["sleep", "1000"]',
        '    stop_signal: SIGKILL',
        '    healthcheck: {test: ["CMD", "false"], interval: 1s, retries: 2}',
        '  app:',
        '    image: bb',
        '    command: ["sleep", "1000"]',
        '    depends_on: {sick: {condition: service_healthy}}',
        '',
      ].join('\n'),
    });
    const r = await compose(bad, ['up', '-d']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^Error: dependency failed to start: container hbad-sick-1 is unhealthy$/m);
    expect(await inspect('hbad-sick-1', '{{.State.Health.Status}}')).toBe('unhealthy');
    await composeOk(bad, ['down', '-t', '0']);

    const none = projectDir('hnone', {
      'compose.yaml': 'services:\n  a:\n    image: bb\n    command: ["sleep", "1000"]\n    stop_signal: SIGKILL\n  b:\n    image: bb\n    command: ["true"]\n    depends_on: {a: {condition: service_healthy}}\n',
    });
    const r2 = await compose(none, ['up', '-d']);
    expect(r2.exitCode).toBe(125);
    expect(r2.stderr).toMatch(/container hnone-a-1 has no healthcheck configured/);
    await composeOk(none, ['down', '-t', '0']);

    const waited = projectDir('hwait', {
      'compose.yaml': 'services:\n  s:\n    image: bbhc\n    command: ["sh", "-c", "sleep 2; touch /tmp/ok; exec sleep 1000"]\n    stop_signal: SIGKILL\n',
    });
    await composeOk(waited, ['up', '--wait']);
    expect(await inspect('hwait-s-1', '{{.State.Health.Status}}')).toBe('healthy');
    await composeOk(waited, ['down', '-t', '0']);
  });
});
