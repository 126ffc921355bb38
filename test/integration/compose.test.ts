// tsc-run compose as the unprivileged user with real compose files: the
// loader's errors (nothing created), up -d in dependency order with
// service_healthy / service_completed_successfully, published ports and
// bind mounts, interpolation from .env and the shell, idempotent up and
// recreation on change, scale, profiles, one-off run, exec, named volumes
// surviving down and going with down -v, and down leaving nothing behind.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('compose', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A project directory under the sandbox with the given files. */
function projectDir(name: string, files: Record<string, string>): string {
  for (const [f, text] of Object.entries(files)) sb.file(path.join(name, f), text);
  return path.join(sb.dir, name);
}

const compose = (dir: string, args: string[], env?: Record<string, string>) => tscRun(['compose', ...args], { sandbox: sb, cwd: dir, env, timeoutMs: 120_000 });
const composeOk = (dir: string, args: string[], env?: Record<string, string>) => tscRunOk(['compose', ...args], { sandbox: sb, cwd: dir, env, timeoutMs: 120_000 });

async function names(): Promise<string[]> {
  const r = await tscRunOk(['ps', '-a', '--format', '{{.Names}}'], { sandbox: sb });
  return r.stdout.split('\n').filter(Boolean).sort();
}

async function get(port: number, p = '/'): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}${p}`);
  return res.text();
}

describe('compose', () => {
  it('refuses a bad file with the file, the key path and the reason, exit 125, creating nothing', async () => {
    const cases: Array<[string, RegExp]> = [
      ['services:\n  web:\n    image: bb\n    ports: ["80:80:80"]\n', /^Error: compose\.yaml: services\.web\.ports\[0\]: invalid port "80:80:80"\n$/],
      ['services:\n  web:\n    image: bb\n    bogus: 1\n', /^Error: compose\.yaml: services\.web: additional property "bogus" is not allowed\n$/],
      ['services:\n  web:\n    command: ["x"]\n', /neither an image nor a build context/],
      ['services:\n  a:\n    image: bb\n    depends_on: [b]\n  b:\n    image: bb\n    depends_on: [a]\n', /dependency cycle detected/],
      ['services:\n  a:\n    image: ${NEEDED:?set NEEDED}\n', /required variable NEEDED is missing a value: set NEEDED/],
      ['services:\n  a:\n    image: bb\n   command: x\n', /^Error: compose\.yaml: yaml: line \d+/],
      ['services:\n  a:\n    image: bb\n    volumes: ["nodecl:/d"]\n', /undefined volume nodecl/],
    ];
    for (const [i, [text, re]] of cases.entries()) {
      const dir = projectDir(`bad${i}`, { 'compose.yaml': text });
      const r = await compose(dir, ['up', '-d']);
      expect(r.exitCode, text).toBe(125);
      expect(r.stderr.replace(/^WARN.*\n/gm, '')).toMatch(re);
    }
    expect(await names()).toEqual([]);
    const vols = await tscRunOk(['volume', 'ls', '-q'], { sandbox: sb });
    expect(vols.stdout).toBe('');
  });

  it('runs a project: dependency conditions, ports, binds, volumes, interpolation, idempotent up, recreate, exec, run, down', async () => {
    const port = await freePort();
    const dir = projectDir('app', {
      'compose.yaml': [
        'name: app',
        'services:',
        '  web:',
        '    image: bb',
        '    command: httpd -f -p 8080 -h /www',
        '    volumes: ["./site:/www:ro", "data:/data"]',
        '    ports: ["127.0.0.1:${WEB_PORT}:8080"]',
        '    environment:',
        '      FROM_DOTENV: ${FROM_DOTENV}',
        '      FROM_SHELL: ${FROM_SHELL:-unset}',
        '    depends_on:',
        '      init: {condition: service_completed_successfully}',
        '      db: {condition: service_healthy}',
        '  db:',
        '    image: bb',
        '    command: ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 1000"]',
        '    stop_signal: SIGKILL',
        '    healthcheck: {test: "test -f /tmp/ready", interval: 1s, retries: 10}',
        '  init:',
        '    image: bb',
        '    command: ["sh", "-c", "echo initialised > /data/flag"]',
        '    volumes: ["data:/data"]',
        '  debug:',
        '    image: bb',
        '    profiles: [debug]',
        '    command: ["sleep", "1000"]',
        'volumes:',
        '  data: {}',
      ].join('\n'),
      '.env': `WEB_PORT=${port}\nFROM_DOTENV=dotenv-value\n`,
      'site/index.html': 'hello from compose\n',
    });
    const env = { FROM_SHELL: 'shell-value' };
    const up = await composeOk(dir, ['up', '-d'], env);
    // Order: db healthy and init done before web is created.
    const lines = up.stderr.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at('Container app-db-1  Healthy')).toBeGreaterThan(0);
    expect(at('Container app-init-1  Exited')).toBeGreaterThan(0);
    expect(at('Container app-web-1  Creating')).toBeGreaterThan(Math.max(at('Container app-db-1  Healthy'), at('Container app-init-1  Exited')));
    expect(await names()).toEqual(['app-db-1', 'app-init-1', 'app-web-1']);
    expect(await get(port)).toBe('hello from compose\n');
    const envOut = await composeOk(dir, ['exec', '-T', 'web', 'sh', '-c', 'echo $FROM_DOTENV $FROM_SHELL; cat /data/flag'], env);
    expect(envOut.stdout).toBe('dotenv-value shell-value\ninitialised\n');

    // Labels as docker compose sets them.
    const labels = JSON.parse((await tscRunOk(['inspect', '--format', '{{json .Config.Labels}}', 'app-web-1'], { sandbox: sb })).stdout) as Record<string, string>;
    expect(labels).toMatchObject({ 'com.docker.compose.project': 'app', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '1', 'com.docker.compose.oneoff': 'False' });
    expect(labels['com.docker.compose.config-hash']).toMatch(/^[0-9a-f]{64}$/);

    // ps: the running services; -a also the finished init; --services; json.
    const ps = await composeOk(dir, ['ps', '--services'], env);
    expect(ps.stdout).toBe('db\nweb\n');
    const json = (await composeOk(dir, ['ps', '-a', '--format', 'json'], env)).stdout.trim().split('\n').map((l) => JSON.parse(l) as { Service: string; State: string; ExitCode: number });
    expect(json.map((j) => [j.Service, j.State])).toEqual([['db', 'running'], ['init', 'exited'], ['web', 'running']]);

    // Unchanged: left running (same id). Changed: recreated.
    const id1 = (await tscRunOk(['inspect', '--format', '{{.Id}}', 'app-web-1'], { sandbox: sb })).stdout;
    const again = await composeOk(dir, ['up', '-d', 'web'], env);
    expect(again.stderr).toMatch(/Container app-web-1 {2}Running/);
    expect((await tscRunOk(['inspect', '--format', '{{.Id}}', 'app-web-1'], { sandbox: sb })).stdout).toBe(id1);
    await composeOk(dir, ['up', '-d', '--no-deps', 'web'], { FROM_SHELL: 'changed' });
    expect((await tscRunOk(['inspect', '--format', '{{.Id}}', 'app-web-1'], { sandbox: sb })).stdout).not.toBe(id1);
    expect((await composeOk(dir, ['exec', '-T', 'web', 'sh', '-c', 'echo $FROM_SHELL'])).stdout).toBe('changed\n');

    // A one-off run sees the volume; --rm leaves nothing; its exit code is ours.
    const run = await compose(dir, ['run', '--rm', '--no-deps', '-T', 'init', 'sh', '-c', 'cat /data/flag; exit 3']);
    expect(run.stdout).toBe('initialised\n');
    expect(run.exitCode).toBe(3);

    // Profiles: debug only when asked.
    await composeOk(dir, ['--profile', 'debug', 'up', '-d', '--no-deps', 'debug']);
    expect(await names()).toContain('app-debug-1');

    // Stop/start, logs with prefixes.
    await composeOk(dir, ['stop', 'web']);
    expect((await composeOk(dir, ['ps', '--services'])).stdout).not.toContain('web');
    await composeOk(dir, ['start', 'web']);
    await composeOk(dir, ['exec', '-T', 'web', 'true']);
    const logs = await composeOk(dir, ['logs', 'init']);
    expect(logs.stdout).toBe('');

    // down keeps the named volume, down -v removes it; nothing is left.
    await composeOk(dir, ['--profile', 'debug', 'down', '-t', '0']);
    expect(await names()).toEqual([]);
    expect((await tscRunOk(['volume', 'ls', '-q'], { sandbox: sb })).stdout).toBe('app_data\n');
    await composeOk(dir, ['up', '-d', '--no-deps', 'init']);
    await composeOk(dir, ['down', '-v']);
    expect(await names()).toEqual([]);
    expect((await tscRunOk(['volume', 'ls', '-q'], { sandbox: sb })).stdout).toBe('');
  });

  it('scales a service, removes orphans, and runs attached until the containers exit', async () => {
    const dir = projectDir('scaled', {
      'compose.yaml': 'services:\n  w:\n    image: bb\n    command: ["sleep", "1000"]\n    stop_signal: SIGKILL\n    scale: 2\n  old:\n    image: bb\n    command: ["sleep", "1000"]\n    stop_signal: SIGKILL\n',
    });
    await composeOk(dir, ['up', '-d']);
    expect(await names()).toEqual(['scaled-old-1', 'scaled-w-1', 'scaled-w-2']);
    await composeOk(dir, ['up', '-d', '--scale', 'w=1']);
    expect(await names()).toEqual(['scaled-old-1', 'scaled-w-1']);
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  w:\n    image: bb\n    command: ["sleep", "1000"]\n    stop_signal: SIGKILL\n');
    const warned = await composeOk(dir, ['up', '-d']);
    expect(warned.stderr).toMatch(/Found orphan containers \(\[scaled-old-1\]\)/);
    await composeOk(dir, ['up', '-d', '--remove-orphans']);
    expect(await names()).toEqual(['scaled-w-1']);
    await composeOk(dir, ['down']);

    const att = projectDir('attached', {
      'compose.yaml': 'services:\n  a:\n    image: bb\n    command: ["sh", "-c", "echo one; echo two; sleep 3"]\n  b:\n    image: bb\n    command: ["sh", "-c", "sleep 0.3; echo bee; exit 4"]\n',
    });
    const r = await compose(att, ['up', '--exit-code-from', 'b']);
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toMatch(/^a-1 +\| one$/m);
    expect(r.stdout).toMatch(/^a-1 +\| two$/m);
    expect(r.stdout).toMatch(/^b-1 +\| bee$/m);
    // As docker compose: the first exit is reported (a's or b's, whichever the engine reports first), the ones the abort stops are not.
    expect(r.stdout.match(/^(a-1 exited with code 0|b-1 exited with code 4)$/gm)).toHaveLength(1);
    await composeOk(att, ['down']);
    expect(await names()).toEqual([]);
  });

  it('prints the config and lists projects', async () => {
    const dir = projectDir('cfg', { 'compose.yaml': 'services:\n  s:\n    image: bb\n    ports: ["8080:80"]\n' });
    const r = await composeOk(dir, ['config']);
    expect(r.stdout).toBe('name: cfg\nservices:\n  s:\n    image: bb\n    networks:\n      default: null\n    ports:\n      - mode: ingress\n        target: 80\n        published: "8080"\n        protocol: tcp\nnetworks:\n  default:\n    name: cfg_default\n');
    const stdin = await tscRunOk(['compose', '-p', 'fromstdin', '-f', '-', 'config', '--services'], { sandbox: sb, input: 'services:\n  x:\n    image: bb\n  y:\n    image: bb\n' });
    expect(stdin.stdout).toBe('x\ny\n');
  });
});
