// compose up attached, as the unprivileged user: which services' logs are
// shown (--attach, --no-attach, --attach-dependencies, `attach: false`) and
// waited for, prefixes (--no-log-prefix, --timestamps) and docker compose's
// colours on a terminal only (--no-color, --ansi), --abort-on-container-exit
// and --exit-code-from, the flag combinations docker compose refuses,
// --always-recreate-deps, anonymous volumes kept across a recreate (and
// renewed with -V), and `compose events` (human and --json, live).

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, cliArgv, cliLine, disposeSandbox, sleep, spawnInTerminal, spawnLive, composeProjects } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('compose-attach', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const { projectDir, compose, composeOk } = composeProjects(() => sb);
const idOf = async (name: string) => (await tscRunOk(['inspect', '--format', '{{.Id}}', name], { sandbox: sb })).stdout.trim();

const ESC = '\x1b[';

describe('compose up, attached', () => {
  let dir: string;
  beforeAll(() => {
    dir = projectDir('att', {
      'compose.yaml': [
        'name: att',
        'services:',
        '  web:',
        '    image: bb',
        '    command: ["sh", "-c", "echo web says hi; echo web complains >&2"]',
        '    network_mode: none',
        '    depends_on: [db]',
        '  db:',
        '    image: bb',
        '    command: ["sh", "-c", "echo db says hi"]',
        '    network_mode: none',
        '  quiet:',
        '    image: bb',
        '    attach: false',
        '    command: ["sh", "-c", "echo quiet says hi"]',
        '    network_mode: none',
        '',
      ].join('\n'),
    });
  });

  it('attaches to the named services, their dependencies on request, --attach and --no-attach; never replays old output', async () => {
    let r = await composeOk(dir, ['up']);
    expect(r.stdout).toMatch(/^Attaching to db-1, web-1\n/);
    expect(r.stdout).toContain('db-1   | db says hi\n');
    expect(r.stdout).toContain('web-1  | web says hi\n');
    // The container's stderr stays stderr, behind the same prefix.
    expect(r.stderr).toContain('web-1  | web complains\n');
    expect(r.stdout).not.toContain('quiet says hi');
    expect(r.stdout).toContain('web-1 exited with code 0\n');
    expect(r.stdout).not.toContain(`${ESC}`);

    // Only web: its dependency runs but is neither shown nor waited for; the restarted web's earlier output is not repeated.
    r = await composeOk(dir, ['up', 'web']);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['Attaching to web-1', 'web-1  | web says hi', 'web-1 exited with code 0']);

    r = await composeOk(dir, ['up', '--attach-dependencies', 'web']);
    expect(r.stdout).toMatch(/^Attaching to db-1, web-1\n/);
    expect(r.stdout).toContain('db-1   | db says hi\n');

    r = await composeOk(dir, ['up', '--attach', 'quiet', '--no-log-prefix']);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['Attaching to quiet-1', 'quiet says hi', 'quiet-1 exited with code 0']);

    r = await composeOk(dir, ['up', '--no-attach', 'db', '--timestamps']);
    expect(r.stdout).toMatch(/^Attaching to web-1\nweb-1 {2}\| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z web says hi\n/);
    expect(r.stdout).not.toContain('db says hi');
  });

  it("colours each prefix on a terminal in docker compose's order, not with --no-color; --ansi always without one", async () => {
    const f = path.join(dir, 'compose.yaml');
    const live = spawnInTerminal(sb, `${cliLine(sb, ['compose', '-f', f, 'up', 'web', '--attach-dependencies'])} 2>/dev/null`);
    expect(await live.exited).toBe(0);
    const out = live.stdout().replace(/\r/g, '');
    expect(out).toContain(`${ESC}36mdb-1   | ${ESC}0mdb says hi\n`);
    expect(out).toContain(`${ESC}33mweb-1  | ${ESC}0mweb says hi\n`);
    expect(out).toContain(`${ESC}33mweb-1 exited with code 0${ESC}0m\n`);

    const mono = spawnInTerminal(sb, `${cliLine(sb, ['compose', '-f', f, 'up', 'web', '--no-color'])} 2>/dev/null`);
    expect(await mono.exited).toBe(0);
    expect(mono.stdout()).toContain('web-1  | web says hi');
    expect(mono.stdout()).not.toContain(ESC);

    const logs = await composeOk(dir, ['--ansi', 'always', 'logs', 'db']);
    expect(logs.stdout).toContain(`${ESC}36mdb-1  | ${ESC}0mdb says hi\n`);
    expect((await composeOk(dir, ['logs', 'db'])).stdout).not.toContain(ESC);
  });

  it('refuses what docker compose refuses, before anything is created', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['up', '-d', '--attach', 'web'], /^Error: --detach cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch\n$/],
      [['up', '--wait', '--abort-on-container-failure'], /^Error: --wait cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch\n$/],
      [['up', '-d', '--abort-on-container-exit'], /--detach cannot be combined/],
      [['up', '--wait', '--attach-dependencies'], /^Error: --wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies\n$/],
      [['up', '--always-recreate-deps', '--no-recreate'], /^Error: --always-recreate-deps and --no-recreate are incompatible\n$/],
      [['up', '--attach', 'nosuch'], /^Error: cannot attach to services not included in up: nosuch\n$/],
      [['--ansi', 'sometimes', 'up'], /ansi/],
    ];
    const fresh = projectDir('att-bad', { 'compose.yaml': 'services:\n  a:\n    image: bb\n    command: ["true"]\n    network_mode: none\n' });
    for (const [args, re] of cases) {
      const r = await compose(fresh, args);
      expect(r.exitCode, args.join(' ')).toBe(125);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    const r = await compose(dir, ['up', '--attach', 'db', 'web', '--no-deps']);
    expect(r.stderr).toBe('Error: cannot attach to services not included in up: db\n');
    expect((await tscRunOk(['ps', '-a', '--filter', 'label=com.docker.compose.project=att-bad', '-q'], { sandbox: sb })).stdout).toBe('');
  });

  it('--exit-code-from and --abort-on-container-exit stop the rest at the first exit', async () => {
    const d = projectDir('abort', {
      'compose.yaml': [
        'services:',
        '  fail:',
        '    image: bb',
        '    command: ["sh", "-c", "sleep 1; exit 3"]',
        '    network_mode: none',
        '  long:',
        '    image: bb',
        '    command: ["sleep", "300"]',
        '    stop_signal: SIGKILL',
        '    network_mode: none',
        '',
      ].join('\n'),
    });
    const t0 = Date.now();
    let r = await compose(d, ['up', '--exit-code-from', 'fail']);
    expect(r.exitCode).toBe(3);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(r.stdout).toContain('fail-1 exited with code 3\n');
    expect(r.stderr).toContain('Aborting on container exit...\n');
    const states = (await tscRunOk(['ps', '-a', '--filter', 'label=com.docker.compose.project=abort', '--format', '{{.Names}} {{.State}}'], { sandbox: sb })).stdout;
    expect(states).toMatch(/abort-long-1 Exited \(137\)/);
    r = await compose(d, ['up', '--abort-on-container-exit']);
    expect(r.exitCode).toBe(3);
    await composeOk(d, ['down']);
  });
});

describe('compose up recreate', () => {
  it('keeps anonymous volumes across a recreate (-V renews them); --always-recreate-deps recreates dependencies', async () => {
    const file = (v: string) =>
      ['name: rec', 'services:', '  app:', '    image: bb', '    command: ["sleep", "300"]', '    stop_signal: SIGKILL', '    network_mode: none',
        '    volumes: ["/anon"]', `    environment: {V: "${v}"}`, '    depends_on: [dep]',
        '  dep:', '    image: bb', '    command: ["sleep", "300"]', '    stop_signal: SIGKILL', '    network_mode: none', ''].join('\n');
    const d = projectDir('rec', { 'compose.yaml': file('1') });
    await composeOk(d, ['up', '-d']);
    await tscRunOk(['exec', 'rec-app-1', 'sh', '-c', 'echo kept > /anon/f'], { sandbox: sb });
    const vols = async () => (await tscRunOk(['volume', 'ls', '-q'], { sandbox: sb })).stdout.split('\n').filter(Boolean).length;
    const before = await vols();
    projectDir('rec', { 'compose.yaml': file('2') });
    const depId = await idOf('rec-dep-1');
    const appId = await idOf('rec-app-1');
    const r = await composeOk(d, ['up', '-d']);
    expect(r.stderr).toContain(' Container rec-app-1  Recreate');
    expect(await idOf('rec-app-1')).not.toBe(appId);
    expect((await tscRunOk(['exec', 'rec-app-1', 'cat', '/anon/f'], { sandbox: sb })).stdout).toBe('kept\n');
    expect(await vols()).toBe(before);
    expect(await idOf('rec-dep-1')).toBe(depId);

    await composeOk(d, ['up', '-d', '--force-recreate', '-V', 'app']);
    expect((await tscRun(['exec', 'rec-app-1', 'ls', '/anon'], { sandbox: sb })).stdout).toBe('');
    expect(await vols()).toBe(before);
    expect(await idOf('rec-dep-1')).toBe(depId);

    await composeOk(d, ['up', '-d', '--always-recreate-deps', 'app']);
    expect(await idOf('rec-dep-1')).not.toBe(depId);
    await composeOk(d, ['down', '-v']);
  });
});

describe('compose up --build', () => {
  it('recreates the container of a service whose image was rebuilt, and only then', async () => {
    const file = (v: string) => ['name: bld', 'services:', '  app:', `    build: {context: ., dockerfile_inline: "FROM bb\\nRUN echo ${v} > /v\\n"}`, '    command: ["sleep", "300"]', '    stop_signal: SIGKILL', '    network_mode: none', ''].join('\n');
    const d = projectDir('bld', { 'compose.yaml': file('one') });
    await composeOk(d, ['up', '-d']);
    const first = await idOf('bld-app-1');
    expect((await tscRunOk(['exec', 'bld-app-1', 'cat', '/v'], { sandbox: sb })).stdout).toBe('one\n');
    const label = (await tscRunOk(['inspect', '--format', '{{index .Config.Labels "com.docker.compose.image"}}', 'bld-app-1'], { sandbox: sb })).stdout.trim();
    expect(label).toMatch(/^sha256:[0-9a-f]{64}$/);
    await composeOk(d, ['up', '-d']);
    expect(await idOf('bld-app-1')).toBe(first);
    projectDir('bld', { 'compose.yaml': file('two') });
    // The file's change is in build:, which is not the container's config: the new image is what recreates it.
    await composeOk(d, ['up', '-d', '--build']);
    expect(await idOf('bld-app-1')).not.toBe(first);
    expect((await tscRunOk(['exec', 'bld-app-1', 'cat', '/v'], { sandbox: sb })).stdout).toBe('two\n');
    expect((await composeOk(d, ['images', '-q'])).stdout).toMatch(/^(sha256:)?[0-9a-f]{64}\n$/);
    await composeOk(d, ['down', '--rmi', 'local']);
  });
});

describe('compose events', () => {
  const file = ['name: ev', 'services:', '  one:', '    image: bb', '    command: ["sh", "-c", "exit 2"]', '    network_mode: none', '    labels: {tier: front}',
    '  two:', '    image: bb', '    command: ["true"]', '    network_mode: none', ''].join('\n');

  it("prints the project's container events as docker compose (--json, services, one-offs left out)", async () => {
    const d = projectDir('ev', { 'compose.yaml': file });
    await sleep(1100);
    const mark = new Date().toISOString();
    await composeOk(d, ['up', '-d']);
    await composeOk(d, ['run', '--rm', 'two']);
    await composeOk(d, ['wait', 'one']).catch(() => undefined);
    // Another project's events never show.
    const other = projectDir('ev-other', { 'compose.yaml': file.replace('name: ev', 'name: evother') });
    await composeOk(other, ['up', '-d']);

    const json = await composeOk(d, ['events', '--json', '--since', mark, '--until', '1s']);
    const evs = json.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(evs[0]!)).toEqual(['action', 'attributes', 'id', 'service', 'time', 'type']);
    const oneId = await idOf('ev-one-1');
    const one = evs.filter((e) => e.service === 'one');
    expect(one.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'start', 'die']));
    expect(one.find((e) => e.action === 'die')).toMatchObject({ id: oneId, type: 'container', attributes: { exitCode: '2', name: 'ev-one-1', tier: 'front', image: 'localhost/bb:latest' } });
    for (const e of evs) {
      expect(Object.keys(e.attributes as object).some((k) => k.startsWith('com.docker.compose.'))).toBe(false);
      expect((e.attributes as Record<string, string>).name).toMatch(/^ev-(one|two)-1$/);
    }
    expect(evs.filter((e) => e.service === 'two').length).toBeGreaterThan(0);

    const human = await composeOk(d, ['events', '--since', mark, '--until', '1s', 'one']);
    const lines = human.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} container create ${oneId} \\(image=localhost/bb:latest, name=ev-one-1, tier=front\\)$`));
    // docker compose's line ends in a newline of its own before Println's.
    expect(lines[1]).toBe('');
    expect(human.stdout).not.toContain('ev-two-1');
    await composeOk(other, ['down']);
  });

  it('streams events as they happen until interrupted', async () => {
    const d = projectDir('ev', { 'compose.yaml': file });
    const live = spawnLive(sb, cliArgv(sb, ['compose', '-f', path.join(d, 'compose.yaml'), 'events', '--json']));
    try {
      await sleep(1000);
      await composeOk(d, ['down']);
      await live.waitFor('"action":"remove"', 30_000);
      expect(live.stdout()).not.toContain('"action":"create"');
    } finally {
      process.kill(-live.child.pid!, 'SIGINT');
    }
    await live.exited;
    expect(live.stderr()).toBe('');
  });
});
