// --log-level as podman's logrus: each level shows its own lines and those
// above it, never those below (podman's test/system/001-basic.bats), and
// warnings are silenced from --log-level=error up.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await busyboxSandbox('log-level', 'user');
}, 180_000);
afterAll(async () => {
  await disposeSandbox(sb);
});

const levelsIn = (stderr: string): Set<string> => new Set([...stderr.matchAll(/ level=(\w+) /g)].map((m) => m[1]!));

describe('--log-level', () => {
  it.each([
    ['trace', ['trace', 'debug', 'info']],
    ['debug', ['debug', 'info']],
    ['info', ['info']],
    ['warn', []],
    ['error', []],
  ])('%s shows %j', async (level, want) => {
    const r = await tscRun([`--log-level=${level}`, 'run', '--rm', 'bb', 'true'], { sandbox: sb, timeoutMs: 60_000 });
    expect(r.exitCode).toBe(0);
    const seen = levelsIn(r.stderr);
    for (const l of ['trace', 'debug', 'info', 'warning']) expect([l, seen.has(l)]).toEqual([l, want.includes(l)]);
  }, 90_000);

  it('debug names the command, the roots, the driver and the helper call', async () => {
    const r = await tscRun(['--log-level', 'debug', 'run', '--rm', 'bb', 'true'], { sandbox: sb, timeoutMs: 60_000 });
    expect(r.stderr).toMatch(/msg="Called run.PersistentPreRunE\(tsc-run .*--log-level debug run --rm bb true\)"/);
    expect(r.stderr).toMatch(/msg="Using graph root \//);
    expect(r.stderr).toMatch(/msg="Using graph driver (overlay|fuse-overlayfs|vfs)"/);
    expect(r.stderr).toMatch(/msg="running tsc-run-helper: args=/);
    expect(r.stderr).toContain('msg="Called run.PersistentPostRunE(');
  }, 90_000);

  it('error silences a warning that warn shows', async () => {
    // A stop that has to fall back to SIGKILL warns (podman's StopSignal line).
    await tscRun(['run', '-d', '--name', 'stubborn', 'bb', 'sh', '-c', 'trap "" TERM; sleep 100'], { sandbox: sb, timeoutMs: 60_000 });
    const warned = await tscRun(['stop', '-t', '1', 'stubborn'], { sandbox: sb, timeoutMs: 60_000 });
    expect(warned.stderr).toContain('level=warning');
    await tscRun(['start', 'stubborn'], { sandbox: sb, timeoutMs: 60_000 });
    const quiet = await tscRun(['--log-level=error', 'stop', '-t', '1', 'stubborn'], { sandbox: sb, timeoutMs: 60_000 });
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).toBe('');
  }, 120_000);
});
