// compose's global flags of docker compose v2.40 through the real CLI, as
// the test user: --parallel N (a value flag: `compose --parallel 2 ls`),
// --compatibility (compose v1's `_` names), --all-resources (unused
// volumes and networks made only with it), --verbose, --progress json.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/sandbox.js';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { busyboxSandbox, composeProjects, disposeSandbox } from './run-util.js';

let sb: Sandbox;
const { projectDir, composeOk } = composeProjects(() => sb);

beforeAll(async () => {
  sb = await busyboxSandbox('compose-globals', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const names = async (project: string) =>
  (JSON.parse((await tscRunOk(['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '--format', 'json'], { sandbox: sb })).stdout || '[]') as Array<{ Names: string[] }>)
    .map((c) => c.Names[0])
    .sort();
const exists = async (kind: 'volume' | 'network', name: string) => (await tscRun([kind, 'exists', name], { sandbox: sb })).exitCode === 0;

const FILE = `services:
  a:
    image: bb
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    volumes: ["data:/data"]
  b:
    image: bb
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
volumes:
  data: {}
  spare: {}
networks:
  unused: {}
`;

describe('compose global flags', () => {
  it('--parallel 1 --progress json --verbose up; --all-resources; ls takes --parallel\'s value', async () => {
    const dir = projectDir('gl', { 'compose.yaml': FILE });
    const up = await composeOk(dir, ['--parallel', '1', '--progress', 'json', '--verbose', 'up', '-d']);
    const events = up.stderr.trim().split('\n').map((l) => JSON.parse(l) as { id?: string; text: string; tail?: boolean });
    expect(events).toContainEqual({ id: 'Container gl-a-1', text: 'Started' });
    expect(events.some((e) => e.tail === true && e.text.startsWith('DEBU[0000] tsc-run '))).toBe(true);
    expect(await names('gl')).toEqual(['gl-a-1', 'gl-b-1']);
    // Resources no service uses are left out, unless --all-resources.
    expect(await exists('volume', 'gl_spare')).toBe(false);
    expect(await exists('network', 'gl_unused')).toBe(false);
    expect((await composeOk(dir, ['config', '--volumes'])).stdout).toBe('data\n');
    await composeOk(dir, ['--all-resources', 'up', '-d']);
    expect(await exists('volume', 'gl_spare')).toBe(true);
    expect(await exists('network', 'gl_unused')).toBe(true);
    expect((await composeOk(dir, ['--parallel', '2', 'ls', '--format', 'json'])).stdout).toContain('"Name":"gl"');
    await composeOk(dir, ['--all-resources', 'down', '-v']);
    expect(await exists('volume', 'gl_spare')).toBe(false);
    expect(await exists('network', 'gl_unused')).toBe(false);
    expect(await names('gl')).toEqual([]);
  }, 180_000);

  it('--compatibility (and COMPOSE_COMPATIBILITY in .env) names containers as compose v1', async () => {
    const dir = projectDir('gc', { 'compose.yaml': 'services:\n  a:\n    image: bb\n    command: ["sleep", "1000"]\n    stop_signal: SIGKILL\n' });
    await composeOk(dir, ['--compatibility', 'up', '-d']);
    expect(await names('gc')).toEqual(['gc_a_1']);
    expect((await composeOk(dir, ['--compatibility', 'ps', '-q'])).stdout.trim()).not.toBe('');
    await composeOk(dir, ['--compatibility', 'down']);
    sb.file('gc/.env', 'COMPOSE_COMPATIBILITY=true\n');
    await composeOk(dir, ['run', '-d', 'a']);
    expect((await names('gc')).join()).toMatch(/^gc_a_run_[0-9a-f]{12}$/);
    await composeOk(dir, ['down', '-t', '0', '--remove-orphans']);
    expect(await names('gc')).toEqual([]);
  }, 120_000);
});
