// system prune, reset, migrate, renumber as the test user: what goes, what
// stays, podman's prompt and headings, and reset leaving no file (sub-id
// owned ones included) and no process of the store behind.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, readRecord, procAlive } from './run-util.js';

describe('system prune / reset', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await busyboxSandbox('sysprune', 'user');
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });
  const ok = (args: string[], input?: string) => tscRunOk(args, { sandbox: sb, ...(input === undefined ? {} : { input }) });

  it('prune asks first; no is no', async () => {
    const stopped = (await ok(['create', '--name', 'stopped', 'bb', 'true'])).stdout.trim();
    const r = await ok(['system', 'prune'], 'n\n');
    expect(r.stdout).toBe(
      'WARNING! This command removes:\n\t- all stopped containers\n\t- all networks not used by at least one container\n\t- all dangling images\n\nAre you sure you want to continue? [y/N] ',
    );
    expect((await ok(['ps', '-aq', '--no-trunc'])).stdout).toContain(stopped);
  });

  it('prune -f: stopped containers, dangling images and unused networks go; running ones, used images, networks and volumes stay', async () => {
    await ok(['network', 'create', 'spare']);
    await ok(['network', 'create', 'busy']);
    const running = (await ok(['run', '-d', '--name', 'up', '--network', 'busy', '-v', 'used:/data', 'bb', 'sleep', '300'])).stdout.trim();
    await ok(['volume', 'create', 'unused']);
    // A commit without a name is a dangling image.
    const dangling = (await ok(['commit', '-q', 'stopped'])).stdout.trim().replace(/^sha256:/, '');
    const stopped = (await ok(['ps', '-aq', '--no-trunc', '--filter', 'name=stopped'])).stdout.trim();
    const r = await ok(['system', 'prune', '-f']);
    expect(r.stdout).toMatch(new RegExp(`^Deleted Containers\\n${stopped}\\nDeleted Images\\n${dangling}\\nDeleted Networks\\nspare\\nTotal reclaimed space: \\S+B\\n$`));
    expect((await ok(['network', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').sort()).toEqual(['', 'busy', 'podman']);
    expect((await ok(['ps', '-q', '--no-trunc'])).stdout.trim()).toBe(running);
    expect((await ok(['volume', 'ls', '-q'])).stdout.split('\n').sort()).toEqual(['', 'unused', 'used']);
    // --volumes -a: the unused volume, not the used one; bb is used by `up`.
    const all = await ok(['system', 'prune', '-f', '--volumes', '-a']);
    expect(all.stdout).toMatch(/^Deleted Volumes\nunused\nTotal reclaimed space: /);
    expect((await ok(['images', '-q'])).stdout.trim()).not.toBe('');
  }, 60_000);

  it('a bad filter is refused before the question', async () => {
    const r = await tscRun(['system', 'prune', '--filter', 'color=red'], { sandbox: sb, input: 'y\n' });
    expect(r.exitCode).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: .*color/);
  });

  it('migrate and renumber exist and have nothing to do', async () => {
    expect((await ok(['system', 'migrate'])).stdout).toBe('');
    expect((await ok(['system', 'renumber'])).stdout).toBe('');
    expect((await tscRun(['system', 'migrate', '--new-runtime', 'crun'], { sandbox: sb })).exitCode).toBe(125);
  });

  it('check finds what a kill -9 leaves, --repair mends it', async () => {
    expect((await ok(['system', 'check'])).stdout).toBe('No problems found\n');
    const victim = (await ok(['run', '-d', '--name', 'victim', 'bb', 'sleep', '300'])).stdout.trim();
    const st = readRecord(sb, victim).state;
    process.kill(st.monitor!.pid, 'SIGKILL');
    process.kill(st.pid!, 'SIGKILL');
    fs.writeFileSync(path.join(sb.root, '.images.json.tmp-999999-abcdef'), '{');
    fs.mkdirSync(path.join(sb.root, 'layers', 'half-unpacked', 'diff'), { recursive: true });
    sb.chown(sb.root);
    const found = await tscRun(['system', 'check'], { sandbox: sb });
    expect(found.exitCode).toBe(125);
    expect(found.stderr).toBe('Error: 3 problems found; `tsc-run system check --repair` mends them\n');
    expect(found.stdout).toMatch(/^container\t[0-9a-f]{64}\trecorded running but its monitor is gone\n/m);
    expect(found.stdout).toMatch(/^layer\thalf-unpacked\t/m);
    expect(found.stdout).toMatch(/^temp\t.*\.images\.json\.tmp-999999-abcdef\t/m);
    const fixed = await ok(['system', 'check', '--repair']);
    expect(fixed.stdout.split('\n').filter(Boolean).every((l) => l.endsWith('(repaired)'))).toBe(true);
    expect((await ok(['system', 'check'])).stdout).toBe('No problems found\n');
    expect((await ok(['ps', '-a', '--filter', 'name=victim', '--format', '{{.Status}}'])).stdout).toMatch(/^Exited /);
    expect(fs.existsSync(path.join(sb.root, 'layers', 'half-unpacked'))).toBe(false);
  }, 60_000);

  it('reset -f removes every container, image, volume and file (sub-id owned too) and kills what ran', async () => {
    await ok(['run', '--name', 'owned', '-v', 'used:/data', 'bb', 'sh', '-c', 'mkdir /own && chown 1000:1000 /own && touch /data/f && chown 2000 /data/f']);
    const up = (await ok(['ps', '-q', '--no-trunc', '--filter', 'name=up'])).stdout.trim();
    const rec = readRecord(sb, up);
    const st = rec.state;
    expect(procAlive(st.monitor?.pid, st.monitor?.startTime)).toBe(true);
    const r = await ok(['system', 'reset', '-f']);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(sb.root)).toBe(false);
    expect(fs.existsSync(sb.runroot)).toBe(false);
    expect(procAlive(st.pid, st.pidStartTime)).toBe(false);
    expect(procAlive(st.monitor?.pid, st.monitor?.startTime)).toBe(false);
    // A fresh, empty store afterwards.
    expect((await ok(['ps', '-aq'])).stdout).toBe('');
    expect((await ok(['images', '-q'])).stdout).toBe('');
    expect((await ok(['volume', 'ls', '-q'])).stdout).toBe('');
  }, 60_000);
});

describe('system reset as root', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await busyboxSandbox('sysreset-root', 'root');
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });
  const ok = (args: string[]) => tscRunOk(args, { sandbox: sb });

  it('reset -f removes containers, images, volumes, networks and files of other owners, and kills what ran', async () => {
    await ok(['network', 'create', 'rnet']);
    await ok(['run', '--name', 'owned', '-v', 'rvol:/data', 'bb', 'sh', '-c', 'mkdir /own && chown 1000:1000 /own && touch /data/f && chown 2000 /data/f']);
    const up = (await ok(['run', '-d', '--name', 'up', 'bb', 'sleep', '300'])).stdout.trim();
    const st = readRecord(sb, up).state;
    expect(procAlive(st.pid, st.pidStartTime)).toBe(true);
    expect((await ok(['system', 'reset', '-f'])).stdout).toBe('');
    expect(fs.existsSync(sb.root)).toBe(false);
    expect(fs.existsSync(sb.runroot)).toBe(false);
    expect(procAlive(st.pid, st.pidStartTime)).toBe(false);
    expect(procAlive(st.monitor?.pid, st.monitor?.startTime)).toBe(false);
    expect((await ok(['ps', '-aq'])).stdout).toBe('');
    expect((await ok(['images', '-q'])).stdout).toBe('');
    expect((await ok(['volume', 'ls', '-q'])).stdout).toBe('');
    expect((await ok(['network', 'ls', '--format', '{{.Name}}'])).stdout).toBe('podman\n');
  }, 90_000);
});
