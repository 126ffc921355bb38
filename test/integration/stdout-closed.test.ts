// A reader that closes the pipe early (`tsc-run logs C | head -1`): we end
// quietly, as SIGPIPE ends podman (exit 141 or 0), never with Node's stack;
// any other write failure is one Error line and 125.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAs } from '../harness/index.js';
import { tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, cliLine, disposeSandbox } from './run-util.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await busyboxSandbox('stdout-closed', 'user');
  await tscRunOk(['run', '--name', 'chatty', 'bb', 'sh', '-c', 'i=0; while [ $i -lt 20000 ]; do echo line $i; i=$((i+1)); done'], { sandbox: sb, timeoutMs: 120_000 });
}, 180_000);
afterAll(async () => {
  await disposeSandbox(sb);
});

describe('stdout closed by the reader', () => {
  it.each([
    [['logs', 'chatty']],
    [['logs', '-t', 'chatty']],
    [['inspect', 'chatty']],
    [['ps', '-a', '--format', 'json']],
    [['image', 'inspect', 'bb']],
    [['history', '--no-trunc', 'bb']],
  ])('%j | head -c 1', async (args) => {
    const r = await runAs('user', 'bash', ['-c', `${cliLine(sb, args)} | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
      env: { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime },
      timeoutMs: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(['0', '141']).toContain(r.stdout.trim());
  }, 90_000);

  it('a stdout that cannot be written (a full disk): one Error line, 125', async () => {
    const r = await runAs('user', 'bash', ['-c', `${cliLine(sb, ['inspect', 'chatty'])} > /dev/full; echo "$?"`], {
      env: { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime },
      timeoutMs: 60_000,
    });
    expect(r.stderr).toBe('Error: write /dev/stdout: no space left on device\n');
    expect(r.stdout.trim()).toBe('125');
  }, 90_000);
});
