// Healthchecks in the engine, as the unprivileged user and without systemd:
// --health-* on run, the timer kept by our own small process, `healthcheck
// run`, ps `(healthy)` and --filter health=, inspect State.Health and
// Config.Healthcheck, --health-on-failure, a hanging check killed at its
// timeout, podman's refusals, and no timer process left after rm.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox, until } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('health', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const ok = (args: string[]) => tscRunOk(args, { sandbox: sb });
const run = (args: string[]) => tscRun(args, { sandbox: sb });

async function status(name: string): Promise<string> {
  return (await ok(['inspect', '--format', '{{.State.Health.Status}}', name])).stdout.trim();
}

async function waitStatus(name: string, want: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    if ((await status(name)) === want) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} never became ${want} (is ${await status(name)})`);
}

function loops(): number {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('healthcheck loop') && l.includes(sb.root)).length;
}

describe('healthchecks', () => {
  it('runs the check on a timer, reports it in ps and inspect, and on demand', async () => {
    await ok(['run', '-d', '--name', 'web', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '1s', '--health-retries', '2', 'bb', 'sh', '-c', 'sleep 1; touch /tmp/ok; exec sleep 1000']);
    expect(await status('web')).toBe('starting');
    expect((await ok(['ps', '--format', '{{.Status}}'])).stdout).toMatch(/^Up .* \((starting|healthy)\)$/m);
    await waitStatus('web', 'healthy');
    expect((await ok(['ps', '--filter', 'health=healthy', '--format', '{{.Names}}'])).stdout).toBe('web\n');
    const insp = JSON.parse((await ok(['inspect', '--format', '{{json .Config.Healthcheck}}', 'web'])).stdout) as Record<string, unknown>;
    expect(insp).toEqual({ Test: ['CMD-SHELL', 'test -f /tmp/ok'], Interval: 1e9, Timeout: 30e9, StartPeriod: 0, Retries: 2 });
    const h = await run(['healthcheck', 'run', 'web']);
    // podman 4.3: nothing printed when healthy.
    expect([h.exitCode, h.stdout]).toEqual([0, '']);

    // Failing: unhealthy after 2 failures in a row; healthcheck run says so with exit 1.
    await ok(['exec', 'web', 'rm', '/tmp/ok']);
    await waitStatus('web', 'unhealthy');
    const bad = await run(['healthcheck', 'run', 'web']);
    expect([bad.exitCode, bad.stdout]).toEqual([1, 'unhealthy\n']);
    const log = JSON.parse((await ok(['inspect', '--format', '{{json .State.Health}}', 'web'])).stdout) as { FailingStreak: number; Log: Array<{ ExitCode: number }> };
    expect(log.FailingStreak).toBeGreaterThanOrEqual(2);
    expect(log.Log.length).toBeLessThanOrEqual(5);
    expect(log.Log[log.Log.length - 1]!.ExitCode).toBe(1);
    expect((await ok(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}}'])).stdout).toBe('web\n');
    const events = await ok(['events', '--stream=false', '--filter', 'event=health_status', '--format', '{{.Name}}']);
    expect(events.stdout).toMatch(/web/);

    expect(loops()).toBe(1);
    await ok(['rm', '-f', '-t', '0', 'web']);
    await until(() => loops() === 0, 10_000, 'the healthcheck loop to end');
  });

  it('the timer ends when the monitor is killed -9 (the record still says running)', async () => {
    await ok(['run', '-d', '--name', 'orphan', '--health-cmd', 'true', '--health-interval', '1s', 'bb', 'sleep', '1000']);
    await until(() => loops() === 1, 10_000, 'the healthcheck loop to start');
    const pid = Number((await ok(['inspect', '--format', '{{.State.Pid}}', 'orphan'])).stdout.trim());
    const monitor = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    process.kill(monitor, 'SIGKILL');
    process.kill(pid, 'SIGKILL');
    await until(() => loops() === 0, 15_000, 'the healthcheck loop to end');
    await ok(['rm', '-f', 'orphan']);
  });

  it('acts on failure, kills a hanging check at its timeout, refuses bad flags', async () => {
    await ok(['run', '-d', '--name', 'killme', '--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1', '--health-on-failure', 'kill', 'bb', 'sleep', '1000']);
    const end = Date.now() + 30_000;
    let state = '';
    while (Date.now() < end && state !== 'exited') {
      state = (await ok(['inspect', '--format', '{{.State.Status}}', 'killme'])).stdout.trim();
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(state).toBe('exited');
    await ok(['rm', 'killme']);

    await ok(['run', '-d', '--name', 'hang', '--health-cmd', 'sleep 100', '--health-timeout', '1s', '--health-retries', '1', '--health-interval', '1h', 'bb', 'sleep', '1000']);
    const t0 = Date.now();
    const r = await run(['healthcheck', 'run', 'hang']);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect([r.exitCode, r.stdout]).toEqual([1, 'unhealthy\n']);
    expect((await ok(['inspect', '--format', '{{json .State.Health.Log}}', 'hang'])).stdout).toMatch(/exceeded timeout/);
    await ok(['rm', '-f', '-t', '0', 'hang']);
    // An hour's interval does not keep the timer alive an hour after its container is gone.
    await until(() => loops() === 0, 15_000, 'the 1h healthcheck loop to end');

    for (const [args, re] of [
      [['--health-cmd', 'true', '--health-retries', '0'], /healthcheck-retries must be greater than 0/],
      [['--health-cmd', 'true', '--health-interval', '10ms'], /must be at least 1 second/],
      [['--health-cmd', 'true', '--no-healthcheck'], /cannot specify both --no-healthcheck/],
      [['--health-cmd', 'true', '--health-on-failure', 'explode'], /invalid on-failure action/],
      [['--health-interval', '5s'], /need --health-cmd/],
    ] as const) {
      const c = await run(['create', ...args, 'bb', 'true']);
      expect(c.exitCode, args.join(' ')).toBe(125);
      expect(c.stderr).toMatch(re);
    }
    await ok(['create', '--name', 'nohc', 'bb', 'sleep', '1']);
    const none = await run(['healthcheck', 'run', 'nohc']);
    expect(none.exitCode).toBe(125);
    expect(none.stderr).toMatch(/has no defined healthcheck/);
    await ok(['rm', 'nohc']);
  });
});
