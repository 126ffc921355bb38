// compose --dry-run, as the unprivileged user: the plan (networks, volumes,
// builds, containers, what would be waited for, recreated, stopped,
// removed) printed with docker compose's " DRY-RUN MODE - " prefix, and
// nothing created, started, stopped, removed or written: no container,
// volume, network, image, bind directory, secret file or engine event.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

let sb: Sandbox;
let dir: string;

const FILE = [
  'name: dr',
  'services:',
  '  web:',
  '    image: bb',
  '    command: ["sleep", "300"]',
  '    stop_signal: SIGKILL',
  '    volumes: [data:/d, ./made:/m]',
  '    secrets: [{source: s, mode: 0400}]',
  '    depends_on: {db: {condition: service_healthy}}',
  '  db:',
  '    image: bb',
  '    command: ["sleep", "300"]',
  '    stop_signal: SIGKILL',
  '    healthcheck: {test: "true", interval: 1s, retries: 30}',
  '  built:',
  '    profiles: [b]',
  '    build: {context: ., dockerfile_inline: "FROM bb\\n"}',
  'volumes:',
  '  data: {}',
  'secrets:',
  '  s: {environment: SECRET_VALUE}',
  '',
].join('\n');

beforeAll(async () => {
  sb = await busyboxSandbox('compose-dry-run', 'user');
  sb.file('dr/compose.yaml', FILE);
  dir = path.join(sb.dir, 'dr');
  // The user's own project directory (the bind source ./made is made in it).
  sb.chown(dir);
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const env = { SECRET_VALUE: 'x' };
const composeOk = (args: string[]) => tscRunOk(['compose', ...args], { sandbox: sb, cwd: dir, env, timeoutMs: 120_000 });
const ok = (args: string[]) => tscRunOk(args, { sandbox: sb });

/** Every progress line carries the prefix; the lines without it. */
function planOf(stderr: string): string[] {
  const lines = stderr.split('\n').filter(Boolean);
  for (const l of lines) expect(l).toMatch(/^ DRY-RUN MODE - {2}(Container|Volume|Network|Image) /);
  return lines.map((l) => l.replace(/^ DRY-RUN MODE - {2}/, ''));
}

const states = async () => {
  const list = JSON.parse((await ok(['ps', '-a', '--filter', 'label=com.docker.compose.project=dr', '--format', 'json'])).stdout || '[]') as Array<{ Names: string[]; Id: string; State: string }>;
  return list.map((c) => `${c.Names[0]} ${c.Id} ${c.State}`).sort();
};
const eventCount = () => {
  const f = path.join(sb.root, 'events.log');
  // The healthcheck's own runs are not ours to count.
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter((l) => l && !/"Status":"(health_status|exec|exec_died)"/.test(l)).length : 0;
};

describe('compose --dry-run', () => {
  it('up prints the plan and creates nothing', async () => {
    const events = eventCount();
    const r = await composeOk(['--dry-run', '--profile', 'b', 'up', '-d']);
    const plan = planOf(r.stderr);
    expect(plan).toEqual(expect.arrayContaining([
      'Image dr-built  Building',
      'Network dr_default  Created',
      'Volume "dr_data"  Created',
      'Container dr-db-1  Started',
      'Container dr-db-1  Waiting',
      'Container dr-db-1  Healthy',
      'Container dr-web-1  Started',
      'Container dr-built-1  Started',
    ]));
    expect(plan.indexOf('Container dr-db-1  Healthy')).toBeLessThan(plan.indexOf('Container dr-web-1  Creating'));
    expect(await states()).toEqual([]);
    expect((await ok(['volume', 'ls', '-q'])).stdout).toBe('');
    expect((await ok(['network', 'ls', '--format', '{{.Name}}'])).stdout).not.toContain('dr_default');
    expect((await tscRun(['image', 'exists', 'dr-built'], { sandbox: sb })).exitCode).toBe(1);
    expect(fs.existsSync(path.join(dir, 'made'))).toBe(false);
    expect(fs.existsSync(path.join(sb.root, 'compose', 'dr'))).toBe(false);
    expect(eventCount()).toBe(events);
    // A bad file is still refused as without --dry-run.
    sb.file('drbad/compose.yaml', 'services:\n  a:\n    image: bb\n    ports: ["1:2:3:4"]\n');
    const bad = await tscRun(['compose', '--dry-run', 'up'], { sandbox: sb, cwd: path.join(sb.dir, 'drbad') });
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toMatch(/^Error: compose\.yaml: services\.a\.ports\[0\]: /);
  });

  it('recreate, stop, kill, pause, restart, rm, down, run, exec and cp of a running project change nothing', async () => {
    await composeOk(['up', '-d']);
    const before = await states();
    expect(before).toHaveLength(2);
    expect(before.every((l) => l.endsWith(' running'))).toBe(true);
    const events = eventCount();

    const rec = planOf((await composeOk(['--dry-run', 'up', '-d', '--force-recreate'])).stderr);
    expect(rec).toEqual(expect.arrayContaining(['Container dr-web-1  Recreate', 'Container dr-web-1  Started']));
    const down = planOf((await composeOk(['--dry-run', 'down', '-v'])).stderr);
    expect(down).toEqual(expect.arrayContaining(['Container dr-web-1  Removed', 'Container dr-db-1  Removed', 'Volume dr_data  Removed']));
    for (const args of [['stop'], ['kill'], ['pause'], ['restart'], ['rm', '-f', '-s']]) {
      const r = await composeOk(['--dry-run', ...args]);
      expect(planOf(r.stderr).length, args.join(' ')).toBeGreaterThan(0);
    }
    const run = await composeOk(['--dry-run', 'run', '--rm', '--no-deps', 'web', 'echo', 'ran']);
    expect(run.stdout).not.toContain('ran');
    sb.file('dr/payload', 'data');
    await composeOk(['--dry-run', 'exec', '-T', 'web', 'touch', '/tmp/touched']);
    await composeOk(['--dry-run', 'cp', path.join(dir, 'payload'), 'web:/tmp/payload']);
    expect(eventCount()).toBe(events);
    expect((await tscRun(['exec', 'dr-web-1', 'ls', '/tmp/touched', '/tmp/payload'], { sandbox: sb })).exitCode).not.toBe(0);

    expect(await states()).toEqual(before);
    expect((await ok(['volume', 'ls', '-q'])).stdout).toBe('dr_data\n');
    await composeOk(['down', '-v']);
    expect(await states()).toEqual([]);
  });
});
