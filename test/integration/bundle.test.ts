// The single executable (dist/tsc-run, from `npm run bundle`) on its own:
// copied alone to an empty directory, run with an empty environment and as
// the unprivileged test user. It extracts its app once into a private
// per-user cache, reuses it, repairs it, and never prints anything extra.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/binary.js';
import { runProcess, type ProcResult } from '../harness/proc.js';
import { isRoot, runAs, testUser } from '../harness/user.js';

const VERSION = (JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
const user = testUser();
let dir: string;
let bin: string;

beforeAll(() => {
  const src = path.join(repoRoot(), 'dist', 'tsc-run');
  if (!fs.existsSync(src)) throw new Error('dist/tsc-run is missing: run `npm run bundle` first');
  dir = fs.mkdtempSync('/tmp/tsc-run-bundle-it-');
  fs.chmodSync(dir, 0o755);
  bin = path.join(dir, 'tsc-run');
  fs.copyFileSync(src, bin);
  fs.chmodSync(bin, 0o755);
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** An empty XDG_CACHE_HOME owned by the test user. */
function userCache(name: string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(p, { mode: 0o700 });
  if (isRoot()) fs.chownSync(p, user.uid, user.gid);
  return p;
}

function asUser(args: string[], cache: string): Promise<ProcResult> {
  return runAs('user', bin, args, { env: { XDG_CACHE_HOME: cache }, cwd: '/' });
}

function expectClean(r: ProcResult): void {
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
}

function appDirs(cache: string): string[] {
  return fs.readdirSync(path.join(cache, 'tsc-run')).filter((e) => e.startsWith('app-'));
}

describe('single executable', () => {
  it('runs alone with an empty environment', async () => {
    const r = await runProcess(bin, ['version'], { env: {}, cwd: dir });
    expectClean(r);
    expect(r.stdout).toMatch(new RegExp(`^Version: +${VERSION.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('leaves --env-file to us (node itself would read it from the command line: exit 9, or load it)', async () => {
    const r = await runProcess(bin, ['version', '--env-file=/nonexistent'], { env: {}, cwd: dir });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^Error: unknown flag: --env-file\b/);
  });

  it('prints version --format json', async () => {
    const r = await runProcess(bin, ['version', '--format', 'json'], { env: {}, cwd: dir });
    expectClean(r);
    expect((JSON.parse(r.stdout) as { Client: { Version: string } }).Client.Version).toBe(VERSION);
  });

  it('runs as the test user, extracting once into a private cache', async () => {
    const cache = userCache('cache-once');
    const first = await asUser(['version', '--format', 'json'], cache);
    expectClean(first);
    expect((JSON.parse(first.stdout) as { Client: { Version: string } }).Client.Version).toBe(VERSION);

    const root = path.join(cache, 'tsc-run');
    const apps = appDirs(cache);
    expect(apps).toHaveLength(1);
    const app = path.join(root, apps[0]!);
    for (const d of [root, app, path.join(root, 'compile-cache')]) {
      const st = fs.statSync(d);
      expect([st.uid, st.mode & 0o777]).toEqual([user.uid, 0o700]);
    }
    const entry = fs.statSync(path.join(app, 'tsc-run.mjs'));
    expect([entry.uid, entry.mode & 0o777]).toEqual([user.uid, 0o400]);

    const before = { dir: fs.statSync(app), entry };
    const second = await asUser(['--version'], cache);
    expectClean(second);
    expect(second.stdout).toBe(`tsc-run version ${VERSION}\n`);
    // Nothing was re-extracted: same inodes, same times, no temp dirs.
    const afterDir = fs.statSync(app);
    const afterEntry = fs.statSync(path.join(app, 'tsc-run.mjs'));
    expect([afterDir.ino, afterDir.mtimeMs, afterEntry.ino, afterEntry.ctimeMs]).toEqual([
      before.dir.ino,
      before.dir.mtimeMs,
      before.entry.ino,
      before.entry.ctimeMs,
    ]);
    expect(fs.readdirSync(root).sort()).toEqual([apps[0], 'compile-cache']);
    expect(fs.readdirSync(path.join(root, 'compile-cache')).length).toBeGreaterThan(0);
  });

  it('survives concurrent first runs with one extraction', async () => {
    const cache = userCache('cache-race');
    const runs = await Promise.all(Array.from({ length: 6 }, () => asUser(['--version'], cache)));
    for (const r of runs) {
      expectClean(r);
      expect(r.stdout).toBe(`tsc-run version ${VERSION}\n`);
    }
    expect(appDirs(cache)).toHaveLength(1);
    expect(fs.readdirSync(path.join(cache, 'tsc-run')).filter((e) => e.startsWith('.'))).toEqual([]);
  });

  it('repairs a damaged extraction', async () => {
    const cache = userCache('cache-damaged');
    expectClean(await asUser(['--version'], cache));
    const entry = path.join(cache, 'tsc-run', appDirs(cache)[0]!, 'tsc-run.mjs');
    fs.rmSync(entry);
    const r = await asUser(['version', '--format', '{{.Client.Version}}'], cache);
    expectClean(r);
    expect(r.stdout.trim()).toBe(VERSION);
    expect(fs.statSync(entry).mode & 0o777).toBe(0o400);
  });

  it.runIf(isRoot())('does not trust a cache dir owned by someone else', async () => {
    const cache = userCache('cache-foreign');
    fs.mkdirSync(path.join(cache, 'tsc-run'), { mode: 0o777 }); // root's, open to all
    fs.chmodSync(path.join(cache, 'tsc-run'), 0o777);
    const fallback = `/tmp/tsc-run-cache-${user.uid}`;
    const existed = fs.existsSync(fallback);
    try {
      const r = await asUser(['--version'], cache);
      expectClean(r);
      expect(fs.readdirSync(path.join(cache, 'tsc-run'))).toEqual([]);
      const st = fs.statSync(fallback);
      expect([st.uid, st.mode & 0o777]).toEqual([user.uid, 0o700]);
    } finally {
      if (!existed) fs.rmSync(fallback, { recursive: true, force: true });
    }
  });

  // `unshare` is the first command that runs the helper.
  it('extracts the helper only when a command needs it, and replaces a tampered copy', async () => {
    const cache = userCache('cache-helper');
    expectClean(await asUser(['version'], cache));
    const helpers = () => fs.readdirSync(path.join(cache, 'tsc-run')).filter((e) => e.startsWith('helper-'));
    expect(helpers()).toEqual([]);

    const ok = await asUser(['unshare', 'sh', '-c', 'echo inside'], cache);
    expectClean(ok);
    expect(ok.stdout).toBe('inside\n');
    expect(helpers()).toHaveLength(1);
    const helper = path.join(cache, 'tsc-run', helpers()[0]!);
    const st = fs.statSync(helper);
    expect([st.uid, st.mode & 0o7777]).toEqual([user.uid, 0o500]);
    const good = fs.readFileSync(helper);
    expect(createHash('sha256').update(good).digest('hex')).toBe(helpers()[0]!.slice('helper-'.length));

    // Same owner and mode, other bytes: only the hash check can tell.
    fs.chmodSync(helper, 0o700);
    fs.writeFileSync(helper, '#!/bin/sh\necho tampered\n');
    fs.chmodSync(helper, 0o500);
    const again = await asUser(['unshare', 'sh', '-c', 'echo inside'], cache);
    expectClean(again);
    expect(again.stdout).toBe('inside\n');
    expect(fs.readFileSync(helper).equals(good)).toBe(true);
    expect(helpers()).toHaveLength(1);
  });
});
