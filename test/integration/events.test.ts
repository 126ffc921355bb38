// events: what the commands write to <root>/events.log and how `events`
// reads it back (podman 4.3's lines and JSON, filters, --since/--until,
// streaming); concurrent writers never interleave lines.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxStore, disposeStore, isRoot, tscRun, tscRunOk, type As, type Sandbox } from '../harness/index.js';
import { cliArgv, sleep, spawnLive } from './run-util.js';

const HUMAN = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? \+0000 UTC (container|image) \S+ [0-9a-f]+/;

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  let imageId: string;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });
  const statuses = async (args: string[]) => (await run(['events', '--stream=false', '--format', '{{.Type}} {{.Status}} {{.Name}}', ...args])).stdout.trim().split('\n').filter(Boolean);

  beforeAll(async () => {
    const store = await busyboxStore(`events-${as}`, as);
    sb = store;
    imageId = store.image.id;
  });
  afterAll(() => disposeStore(sb));

  it('a container\'s life is told in order, with podman\'s human lines and JSON keys', async () => {
    const id = (await tscRunOk(['run', '-d', '--name', 'life', '--label', 'team=blue', 'bb', 'sh', '-c', 'sleep 600'], { sandbox: sb })).stdout.trim();
    await tscRunOk(['stop', '-t', '0', 'life'], { sandbox: sb });
    await tscRunOk(['rename', 'life', 'life2'], { sandbox: sb });
    await tscRunOk(['rm', 'life2'], { sandbox: sb });
    const mine = (await statuses(['--filter', `container=${id}`])).map((l) => l.split(' ').slice(1).join(' '));
    expect(mine.slice(0, 3)).toEqual(['create life', 'init life', 'start life']);
    expect(mine).toEqual(expect.arrayContaining(['stop life', 'died life', 'rename life2', 'remove life2']));
    expect(mine.indexOf('remove life2')).toBe(mine.length - 1);

    const human = (await run(['events', '--stream=false', '--filter', `container=${id}`, '--filter', 'event=start'])).stdout;
    expect(human).toMatch(HUMAN);
    expect(human.trim()).toMatch(new RegExp(` container start ${id} \\(image=localhost/bb:latest, name=life, team=blue\\)$`));
    const short = (await run(['events', '--stream=false', '--no-trunc=false', '--filter', `container=${id}`, '--filter', 'event=start'])).stdout;
    expect(short.trim()).toMatch(new RegExp(` container start ${id.slice(0, 12)} \\(`));

    const json = (await run(['events', '--stream=false', '--format', 'json', '--filter', `container=${id}`])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const start = json.find((e) => e.Status === 'start');
    expect(Object.keys(start)).toEqual(['ID', 'Image', 'Name', 'Status', 'Time', 'Type', 'Attributes']);
    expect(start).toMatchObject({ ID: id, Image: 'localhost/bb:latest', Name: 'life', Type: 'container', Attributes: { team: 'blue' } });
    expect(start.Time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    // A non-zero exit code is in the died event.
    expect(json.find((e) => e.Status === 'died')).toMatchObject({ ContainerExitCode: 137 });
  });

  it('run --rm in the foreground: create, init, start, attach, died, cleanup, remove', async () => {
    expect((await run(['run', '--rm', '--name', 'fg', 'bb', 'sh', '-c', 'exit 3'])).exitCode).toBe(3);
    const fg = (await statuses(['--filter', 'container=fg'])).map((l) => l.split(' ')[1]);
    expect(fg).toEqual(['create', 'init', 'start', 'attach', 'died', 'cleanup', 'remove']);
  });

  it('image events: import, tag, untag, remove', async () => {
    await tscRunOk(['tag', 'bb', 'other:1'], { sandbox: sb });
    await tscRunOk(['untag', 'bb', 'other:1'], { sandbox: sb });
    const img = await statuses(['--filter', 'type=image']);
    expect(img).toEqual(expect.arrayContaining(['image import localhost/bb:latest', 'image tag other:1', 'image untag localhost/other:1']));
    const line = (await run(['events', '--stream=false', '--filter', 'type=image', '--filter', 'event=tag'])).stdout.trim();
    expect(line).toMatch(new RegExp(`\\+0000 UTC image tag ${imageId} other:1$`));
  });

  it('filters: keys must all match, values of one key are alternatives; podman\'s error for a bad one', async () => {
    const both = await statuses(['--filter', 'event=create', '--filter', 'event=remove', '--filter', 'container=fg']);
    expect(both.map((l) => l.split(' ')[1])).toEqual(['create', 'remove']);
    const bad = await run(['events', '--stream=false', '--filter', 'color=red']);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toBe('Error: failed to parse event filters: color is an invalid filter\n');
    const noeq = await run(['events', '--stream=false', '--filter', 'nonsense']);
    expect(noeq.exitCode).toBe(125);
  });

  it('--since and --until select by time (and end a stream at --until)', async () => {
    await sleep(1100);
    const mark = new Date().toISOString();
    await tscRunOk(['create', '--name', 'late', 'bb', 'true'], { sandbox: sb });
    expect(await statuses(['--since', mark])).toEqual(['container create late']);
    expect((await statuses(['--until', mark])).some((l) => l.endsWith(' late'))).toBe(false);
    // Streaming with --until stops by itself.
    const t0 = Date.now();
    const r = await tscRun(['events', '--since', mark, '--until', '2s', '--format', '{{.Name}}'], { sandbox: sb, timeoutMs: 15_000 });
    expect(r.timedOut).toBe(false);
    expect(r.stdout).toBe('late\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    await tscRunOk(['rm', 'late'], { sandbox: sb });
  });

  it.runIf(full)('streams new events as they happen', async () => {
    const live = spawnLive(sb, cliArgv(sb, ['events', '--format', '{{.Status}} {{.Name}}']));
    try {
      await sleep(500);
      await tscRunOk(['create', '--name', 'streamed', 'bb', 'true'], { sandbox: sb });
      await live.waitFor('create streamed', 10_000);
      // Only events from now on: nothing from before it started.
      expect(live.stdout()).not.toMatch(/life/);
    } finally {
      process.kill(-live.child.pid!, 'SIGINT');
    }
    await live.exited;
    await tscRunOk(['rm', 'streamed'], { sandbox: sb });
  });

  it.runIf(full)('concurrent writers: every line of the log is one whole event', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => tscRun(['create', '--name', `par${i}`, '--label', `n=${'x'.repeat(300)}`, 'bb', 'true'], { sandbox: sb })));
    const lines = fs.readFileSync(path.join(sb.root, 'events.log'), 'utf8').split('\n').filter(Boolean);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(lines.filter((l) => /"Status":"create"/.test(l) && /"Name":"par\d"/.test(l))).toHaveLength(8);
    await run(['rm', '-a']);
  });
}

describe('events (test user)', () => suite('user', true));
describe.runIf(isRoot())('events (root)', () => suite('root', false));
