// Services that use another's container: volumes_from (ro), domainname, and
// network_mode service:X across recreating, restarting and removing X (the
// engine, as podman, removes no container whose namespaces another uses).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/sandbox.js';
import { tscRunOk } from '../harness/cli.js';
import { busyboxSandbox, composeProjects, disposeSandbox } from './run-util.js';

let sb: Sandbox;
const { projectDir, compose, composeOk } = composeProjects(() => sb);

beforeAll(async () => {
  sb = await busyboxSandbox('compose-refs', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

/** NAME → `ID STATE` (Up, Exited, ...) of each container of the project. */
async function ids(project: string): Promise<Record<string, string>> {
  const out = (await tscRunOk(['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}} {{.ID}} {{.Status}}'], { sandbox: sb })).stdout;
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => { const [n, id, st] = l.split(' '); return [n!, `${id} ${st}`]; }));
}

describe('compose: references between services', () => {
  it('volumes_from SERVICE:ro mounts its volumes read-only; domainname sets the UTS domain name', async () => {
    const dir = projectDir('vf', {
      'compose.yaml': `services:
  data:
    image: bb
    command: ["sh", "-c", "echo hi > /shared/f; sleep 1000"]
    volumes: [shared:/shared]
  reader:
    image: bb
    domainname: example.org
    volumes_from: ["data:ro"]
    command: ["sleep", "1000"]
volumes:
  shared: {}
`,
    });
    await composeOk(dir, ['up', '-d']);
    const r = await composeOk(dir, ['exec', '-T', 'reader', 'sh', '-c', 'until [ -f /shared/f ]; do sleep 0.1; done; cat /shared/f /proc/sys/kernel/domainname; touch /shared/g 2>/dev/null || echo read-only']);
    expect(r.stdout).toBe('hi\nexample.org\nread-only\n');
    expect((await composeOk(dir, ['config'])).stdout).toContain('    depends_on:\n      data:\n        condition: service_started\n        required: true\n        restart: false\n');
    await composeOk(dir, ['down', '-v', '-t', '0']);
  }, 120_000);

  it('network_mode service:X follows X when it is recreated, started, restarted or removed', async () => {
    const file = (cmd: string) => `services:
  x:
    image: bb
    command: ["sleep", "${cmd}"]
  y:
    image: bb
    network_mode: service:x
    command: ["sleep", "1000"]
`;
    const dir = projectDir('nm', { 'compose.yaml': file('1000') });
    const up = async (...args: string[]) => {
      await composeOk(dir, ['up', '-d', '-t', '0', ...args]);
      const now = await ids('nm');
      expect(Object.values(now).map((v) => v.split(' ')[1])).toEqual(['Up', 'Up']);
      // y lives in x's network namespace: the same interfaces.
      const [a, b] = await Promise.all(['x', 'y'].map(async (s) => (await composeOk(dir, ['exec', '-T', s, 'cat', '/sys/class/net/eth0/address'])).stdout));
      expect(b).toBe(a);
      return now;
    };
    const first = await up();
    // Named or not, y is made again after x.
    const forced = await up('--force-recreate', 'x');
    expect(forced['nm-x-1']).not.toBe(first['nm-x-1']);
    expect(forced['nm-y-1']).not.toBe(first['nm-y-1']);
    sb.file('nm/compose.yaml', file('999'));
    const changed = await up();
    expect(changed['nm-y-1']).not.toBe(forced['nm-y-1']);
    // x stopped, y running: up stops y, starts x, starts y.
    await composeOk(dir, ['stop', '-t', '0', 'x']);
    expect(await up()).toEqual(changed);
    const restart = await composeOk(dir, ['restart', '-t', '0', 'x']);
    expect(restart.stderr).toMatch(/nm-y-1 {2}Restarting[\s\S]*nm-x-1 {2}Started[\s\S]*nm-y-1 {2}Started/);
    expect(await up()).toEqual(changed);
    // rm x while y runs: refused without --stop; with it both go, and up makes both.
    await composeOk(dir, ['stop', '-t', '0', 'x']);
    const refused = await compose(dir, ['rm', '-f', 'x']);
    expect([refused.exitCode, refused.stderr]).toEqual([125, 'Error: cannot remove nm-x-1: nm-y-1 shares its namespaces and is running (stop it first, or use --stop)\n']);
    await composeOk(dir, ['rm', '-s', '-f', 'x']);
    expect(await ids('nm')).toEqual({});
    await up();
    await composeOk(dir, ['down', '-t', '0']);
    expect(await ids('nm')).toEqual({});
  }, 240_000);
});
