// compose watch, as the unprivileged user: develop.watch rules acted on as
// files change (inotify): `sync` copies new and changed files (and new
// directories) into the running container and removes deleted ones,
// .dockerignore and a rule's `ignore` are honoured, `sync+restart`
// restarts the container after the copy, `rebuild` builds the image and
// recreates the container; the rules docker compose refuses are refused
// before anything starts.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, cliArgv, disposeSandbox, sleep, spawnLive } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('compose-watch', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const sh = (cmd: string) => tscRun(['exec', 'w-app-1', 'sh', '-c', cmd], { sandbox: sb });

/** Polls until check() is true, failing after the deadline with what was last seen. */
async function eventually(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(300);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const COMPOSE = [
  'name: w',
  'services:',
  '  app:',
  '    build:',
  '      context: .',
  '      dockerfile_inline: "FROM bb\\nCOPY stamp /stamp\\n"',
  '    command: ["sleep", "600"]',
  '    stop_signal: SIGKILL',
  '    network_mode: none',
  '    develop:',
  '      watch:',
  '        - {path: ./src, target: /app, action: sync, ignore: ["*.bak"]}',
  '        - {path: ./conf, target: /etc/conf, action: sync+restart}',
  '        - {path: ./stamp, action: rebuild}',
  '',
].join('\n');

describe('compose watch', () => {
  it('syncs, restarts and rebuilds as files change', async () => {
    sb.file('w/compose.yaml', COMPOSE);
    sb.file('w/.dockerignore', 'src/*.tmp\n');
    sb.file('w/src/a.txt', 'one\n');
    sb.file('w/conf/c.txt', 'c1\n');
    sb.file('w/stamp', 's1\n');
    const dir = path.join(sb.dir, 'w');
    const live = spawnLive(sb, cliArgv(sb, ['compose', '-f', path.join(dir, 'compose.yaml'), 'watch']));
    try {
      await eventually('the watch to start', async () => live.stderr().includes('Watch configuration for service "app":'), 120_000);
      expect(live.stderr()).toContain(`  - Action sync for path "${path.join(dir, 'src')}"\n  - Action sync+restart for path "${path.join(dir, 'conf')}"\n  - Action rebuild for path "${path.join(dir, 'stamp')}"\n`);
      expect((await sh('cat /stamp')).stdout).toBe('s1\n');
      // inotify watches are in place once the line is out; a moment for the first event loop turn.
      await sleep(300);

      sb.file('w/src/a.txt', 'two\n');
      sb.file('w/src/sub/deep/b.txt', 'bee\n');
      sb.file('w/src/skip.tmp', 'ignored by .dockerignore\n');
      sb.file('w/src/skip.bak', 'ignored by the rule\n');
      await eventually('the sync', async () => (await sh('cat /app/a.txt /app/sub/deep/b.txt')).stdout === 'two\nbee\n');
      expect(live.stderr()).toMatch(/Syncing "app" after changes were detected:\n {2}- /);
      expect((await sh('ls /app')).stdout).toBe('a.txt\nsub\n');

      fs.rmSync(path.join(dir, 'src', 'a.txt'));
      await eventually('the removal', async () => (await sh('test -e /app/a.txt')).exitCode !== 0);

      const started = async () => (await tscRunOk(['inspect', '--format', '{{.State.StartedAt}}', 'w-app-1'], { sandbox: sb })).stdout;
      const before = await started();
      sb.file('w/conf/c.txt', 'c2\n');
      await eventually('the restart', async () => (await started()) !== before);
      expect((await sh('cat /etc/conf/c.txt')).stdout).toBe('c2\n');

      const id = async () => (await tscRunOk(['inspect', '--format', '{{.Id}}', 'w-app-1'], { sandbox: sb })).stdout;
      const oldId = await id();
      sb.file('w/stamp', 's2\n');
      await eventually('the rebuild', async () => (await sh('cat /stamp')).stdout === 's2\n', 120_000);
      expect(await id()).not.toBe(oldId);
      expect(live.stderr()).toContain(`Rebuilding service "app" after changes were detected:\n  - ${path.join(dir, 'stamp')}\n`);
      expect(live.stderr()).not.toContain('Error');
    } finally {
      process.kill(-live.child.pid!, 'SIGINT');
    }
    await live.exited;
    await tscRunOk(['compose', '-f', path.join(dir, 'compose.yaml'), 'down'], { sandbox: sb, timeoutMs: 60_000 });
  });

  it('--quiet hides the progress of the first up and of every rebuild', async () => {
    sb.file('wq/compose.yaml', COMPOSE.replace('name: w', 'name: wq'));
    sb.file('wq/src/a.txt', 'one\n');
    sb.file('wq/conf/c.txt', 'c1\n');
    sb.file('wq/stamp', 's1\n');
    const dir = path.join(sb.dir, 'wq');
    const stamp = async () => (await tscRun(['exec', 'wq-app-1', 'cat', '/stamp'], { sandbox: sb })).stdout;
    const live = spawnLive(sb, cliArgv(sb, ['compose', '-f', path.join(dir, 'compose.yaml'), 'watch', '--quiet']));
    try {
      await eventually('the watch to start', async () => live.stderr().includes('Watch configuration for service "app":'), 120_000);
      await sleep(300);
      sb.file('wq/stamp', 's2\n');
      await eventually('the rebuild', async () => (await stamp()) === 's2\n', 120_000);
      // The recreated container is started before up returns: give the rebuild's last lines a moment to (not) appear.
      await sleep(500);
      expect(live.stderr()).toContain(`Rebuilding service "app" after changes were detected:\n  - ${path.join(dir, 'stamp')}\n`);
      // Without --quiet these are " Image wq-app  Building", " Container wq-app-1  Recreate", ...
      expect(live.stderr()).not.toMatch(/^ (Image|Container|Network|Volume) /m);
    } finally {
      process.kill(-live.child.pid!, 'SIGINT');
    }
    await live.exited;
    await tscRunOk(['compose', '-f', path.join(dir, 'compose.yaml'), 'down'], { sandbox: sb, timeoutMs: 60_000 });
  });

  it('refuses what docker compose refuses, before anything starts', async () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['services:\n  a:\n    image: bb\n    develop: {watch: [{path: ./x, action: sync, target: /x}]}\n', [], /^Error: can't watch service "a" without a build context\n$/],
      ['services:\n  a:\n    build: .\n', [], /^Error: none of the selected services is configured for watch, consider setting an 'develop' section\n$/],
      ['services:\n  a:\n    image: bb\n  b:\n    build: .\n    develop: {watch: [{path: ., action: rebuild}]}\n', ['a'], /^Error: can't watch service "a" without a build context\n$/],
      ['services:\n  a:\n    build: .\n    develop: {watch: [{path: ., action: copy, target: /x}]}\n', [], /^Error: services\.a\.develop\.watch\[0\]\.action: invalid action "copy" \(sync, sync\+restart or rebuild\)\n$/],
      ['services:\n  a:\n    build: .\n    develop: {watch: [{path: ., action: sync}]}\n', [], /^Error: services\.a\.develop\.watch\[0\]\.target: a sync rule needs a target in the container\n$/],
    ];
    for (const [i, [text, args, re]] of cases.entries()) {
      sb.file(`wbad${i}/compose.yaml`, text);
      const r = await tscRun(['compose', 'watch', ...args], { sandbox: sb, cwd: path.join(sb.dir, `wbad${i}`), timeoutMs: 60_000 });
      expect(r.exitCode, text).toBe(125);
      expect(r.stderr, text).toMatch(re);
    }
    const dry = await tscRun(['compose', '--dry-run', 'watch'], { sandbox: sb, cwd: path.join(sb.dir, 'wbad1'), timeoutMs: 60_000 });
    expect(dry.stderr).toBe('Error: watch cannot run with --dry-run: it acts on changes as they happen\n');
    expect((await tscRunOk(['ps', '-a', '-q'], { sandbox: sb })).stdout).toBe('');
  });
});
