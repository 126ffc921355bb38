// docker compose v2.40's commands on a service's container or the project's
// resources: scale, volumes, commit, export, attach, stats; publish refused.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/sandbox.js';
import { tscRunOk } from '../harness/cli.js';
import { busyboxSandbox, composeProjects, disposeSandbox } from './run-util.js';

let sb: Sandbox;
let dir: string;
const { projectDir, compose, composeOk } = composeProjects(() => sb);

const FILE = `services:
  web:
    image: bb
    command: ["sh", "-c", "echo hello > /made; until [ -f /tmp/stop ]; do echo tick; sleep 0.2; done; exit 3"]
    volumes: [data:/data]
  db:
    image: bb
    command: ["sleep", "1000"]
    volumes: [logs:/logs]
volumes:
  data: {}
  logs: {}
`;

beforeAll(async () => {
  sb = await busyboxSandbox('compose-v240', 'user');
  dir = projectDir('v', { 'compose.yaml': FILE });
  await composeOk(dir, ['up', '-d']);
}, 120_000);

afterAll(async () => {
  await compose(dir, ['down', '-v', '-t', '0']);
  await disposeSandbox(sb);
}, 120_000);

const names = async () => (await tscRunOk(['ps', '--filter', 'label=com.docker.compose.project=v', '--format', '{{.Names}}'], { sandbox: sb })).stdout.split('\n').filter(Boolean).sort();

describe('compose v2.40 commands', () => {
  it('scale SERVICE=N adds and removes replicas; bad specifiers refused', async () => {
    await composeOk(dir, ['scale', 'db=3']);
    expect(await names()).toEqual(['v-db-1', 'v-db-2', 'v-db-3', 'v-web-1']);
    await composeOk(dir, ['scale', '--no-deps', 'db=1']);
    expect(await names()).toEqual(['v-db-1', 'v-web-1']);
    const bad = await compose(dir, ['scale', 'db']);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toBe('Error: invalid scale specifier: db\n');
    expect((await compose(dir, ['scale', 'nope=2'])).stderr).toBe('Error: no such service: nope\n');
  }, 120_000);

  it('volumes lists the project volumes, or those of the named services', async () => {
    expect((await composeOk(dir, ['volumes'])).stdout).toBe('DRIVER    VOLUME NAME\nlocal     v_data\nlocal     v_logs\n');
    expect((await composeOk(dir, ['volumes', '-q', 'db'])).stdout).toBe('v_logs\n');
    const j = JSON.parse((await composeOk(dir, ['volumes', '--format', 'json', 'web'])).stdout) as Record<string, string>;
    expect(j).toMatchObject({ Name: 'v_data', Driver: 'local', Scope: 'local', Size: 'N/A' });
    expect(j.Labels).toContain('com.docker.compose.volume=data');
    expect((await composeOk(dir, ['volumes', '--format', '{{.Name}}'])).stdout).toBe('v_data\nv_logs\n');
    expect((await compose(dir, ['volumes', 'nope'])).stderr).toBe('Error: no such service: nope\n');
  }, 60_000);

  it('commit makes an image of the service container, with --change and --message', async () => {
    const r = await composeOk(dir, ['-p', 'v', 'commit', '-p', '-c', 'LABEL made=yes', '-m', 'snap', 'web', 'snap:1']);
    expect(r.stderr).toMatch(/ Container v-web-1 {2}Committed as sha256:[0-9a-f]{64}\n/);
    expect((await tscRunOk(['image', 'inspect', '--format', '{{.Labels.made}} {{.Comment}}', 'snap:1'], { sandbox: sb })).stdout).toBe('yes snap\n');
    expect((await tscRunOk(['run', '--rm', 'snap:1', 'cat', '/made'], { sandbox: sb })).stdout).toBe('hello\n');
    const none = await compose(dir, ['commit', '--index', '7', 'db']);
    expect(none.stderr).toBe('Error: service "db" is not running container #7\n');
  }, 120_000);

  it('export writes the container filesystem as a tar (file or stdout)', async () => {
    const file = path.join(sb.home, 'web.tar');
    await composeOk(dir, ['export', '-o', file, 'web']);
    const tar = fs.readFileSync(file);
    expect(tar.subarray(257, 262).toString()).toBe('ustar');
    expect(tar.includes(Buffer.from('hello\n'))).toBe(true);
    const out = await composeOk(dir, ['export', 'db']);
    expect(out.stdout).toContain('etc/passwd');
  }, 120_000);

  it('stats prints docker stats columns for the running containers', async () => {
    const t = (await composeOk(dir, ['stats', '--no-stream'])).stdout.split('\n');
    expect(t[0]).toMatch(/^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/);
    expect(t.slice(1).filter(Boolean).map((l) => l.split(/ {3,}/)[1]).sort()).toEqual(['v-db-1', 'v-web-1']);
    const j = (await composeOk(dir, ['stats', '--no-stream', '--no-trunc', '--format', 'json', 'db'])).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
    expect(j.map((x) => x.Name)).toEqual(['v-db-1']);
    expect(j[0]!.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(j[0]!.PIDs).toBe('1');
  }, 60_000);

  it('attach streams the service container until it exits, with its exit code', async () => {
    const attached = compose(dir, ['attach', '--no-stdin', 'web']);
    // Give attach time to connect, then let the container end.
    await new Promise((r) => setTimeout(r, 4000));
    await composeOk(dir, ['exec', '-T', 'web', 'touch', '/tmp/stop']);
    const r = await attached;
    expect(r.stdout).toContain('tick\n');
    expect(r.exitCode).toBe(3);
    expect((await compose(dir, ['attach', 'web'])).stderr).toBe('Error: service "web" is not running\n');
  }, 120_000);

  it('publish, bridge and alpha are refused with a reason', async () => {
    for (const [cmd, ...args] of [['publish', 'example/app:1'], ['bridge', 'convert'], ['alpha', 'viz']]) {
      const r = await compose(dir, [cmd!, ...args]);
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(new RegExp(`^Error: compose ${cmd} is not supported: .+\\n$`));
    }
  }, 30_000);
});
