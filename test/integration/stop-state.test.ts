// podman 4.3's "stopping" state (checked beside it here): while `stop` waits
// for a container that ignores its stop signal, inspect shows Status
// "stopping" with Running false and the pid, ps -a "Stopping" (plain ps does
// not list it), and exec (255), top and pause refuse it. Ours is never
// stored: a stop killed with -9 mid-way leaves the container shown running
// again, and the next stop acts on it (runtime/container/stopping-mark.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliArgv, disposeSandbox, sleep, spawnLive } from './run-util.js';

const IGNORES_TERM = ['sh', '-c', "trap 'echo got TERM' TERM; echo READY; while :; do sleep 0.2; done"];

function suite(as: As) {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });
  const ok = async (args: string[]) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };
  const status = async (name: string) => (await ok(['inspect', '--format', '{{.State.Status}}', name])).trim();
  /** Poll inspect until the status is `want` (deadline, not a fixed sleep: the machine is shared). */
  const untilStatus = async (name: string, want: string, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = await status(name);
      if (s === want) return;
      if (Date.now() > end) throw new Error(`${name} stayed ${s}, never ${want}`);
      await sleep(100);
    }
  };
  const ready = async (name: string) => {
    const end = Date.now() + 20_000;
    while (!(await ok(['logs', name])).includes('READY')) {
      if (Date.now() > end) throw new Error(`${name} never READY`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    sb = await busyboxSandbox(`stop-state-${as}`, as);
  });
  afterAll(() => disposeSandbox(sb));

  it('a stop waiting out its timeout shows the container stopping; exec, top and pause refuse it; kill ends it', async () => {
    await ok(['run', '-d', '--name', 's1', 'bb', ...IGNORES_TERM]);
    await ready('s1');
    const stop = spawnLive(sb, cliArgv(sb, ['stop', '-t', '60', 's1']));
    try {
      await untilStatus('s1', 'stopping');
      const st = JSON.parse(await ok(['inspect', '--format', '{{json .State}}', 's1'])) as Record<string, unknown>;
      expect(st).toMatchObject({ Status: 'stopping', Running: false, Paused: false, ExitCode: 0, FinishedAt: '0001-01-01T00:00:00Z' });
      expect(st.Pid).toBeGreaterThan(0);
      expect(st.ConmonPid).toBeGreaterThan(0);
      expect(await ok(['ps', '-a', '--format', '{{.Names}} {{.Status}} {{.State}}'])).toBe('s1 Stopping Stopping\n');
      expect(await ok(['ps', '--format', '{{.Names}}'])).toBe('');
      expect(await ok(['ps', '-a', '--filter', 'status=stopping', '--format', '{{.Names}}'])).toBe('s1\n');
      const ps = JSON.parse(await ok(['ps', '-a', '--format', 'json'])) as Array<Record<string, unknown>>;
      expect(ps[0]).toMatchObject({ State: 'stopping', Status: 'Stopping', Exited: false });
      const ex = await run(['exec', 's1', 'true']);
      expect([ex.exitCode, ex.stderr]).toEqual([255, 'Error: can only create exec sessions on running containers: container state improper\n']);
      const top = await run(['top', 's1']);
      expect([top.exitCode, top.stderr]).toEqual([125, 'Error: top can only be used on running containers\n']);
      const pause = await run(['pause', 's1']);
      expect([pause.exitCode, pause.stderr]).toEqual([125, 'Error: "stopping" is not running, can\'t pause: container state improper\n']);
      expect((await ok(['logs', 's1'])).includes('got TERM')).toBe(true);
      await ok(['kill', 's1']);
      expect(await ok(['wait', 's1'])).toBe('137\n');
      expect(await stop.exited).toBe(0);
      expect(stop.stdout()).toBe('s1\n');
      expect(await status('s1')).toBe('exited');
    } finally {
      stop.child.kill('SIGKILL');
    }
  });

  it('a stop killed with -9 mid-way leaves the container running (not stuck stopping); the next stop stops it', async () => {
    await ok(['run', '-d', '--name', 's2', 'bb', ...IGNORES_TERM]);
    await ready('s2');
    const stop = spawnLive(sb, cliArgv(sb, ['stop', '-t', '60', 's2']));
    await untilStatus('s2', 'stopping');
    process.kill(-stop.child.pid!, 'SIGKILL');
    await stop.exited;
    expect(await status('s2')).toBe('running');
    expect(await ok(['ps', '--format', '{{.Names}}'])).toBe('s2\n');
    expect((await run(['exec', 's2', 'true'])).exitCode).toBe(0);
    const again = await run(['stop', '-t', '1', 's2']);
    expect([again.exitCode, again.stdout]).toEqual([0, 's2\n']);
    expect(again.stderr).toMatch(/StopSignal SIGTERM failed to stop container s2 in 1 seconds, resorting to SIGKILL/);
    expect(await ok(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 's2'])).toBe('exited 137\n');
  });

  it('-t/--time is pflag\'s uint (podman\'s words for anything else; the last of two wins); stop also takes --timeout', async () => {
    for (const cmd of ['stop', 'rm', 'restart']) {
      const bad = await run([cmd, '-t', '-1', 'nosuch']);
      expect([bad.exitCode, bad.stderr.split('\n')[0]]).toEqual([125, 'Error: invalid argument "-1" for "-t, --time" flag: strconv.ParseUint: parsing "-1": invalid syntax']);
    }
    await ok(['run', '-d', '--name', 's3', 'bb', ...IGNORES_TERM]);
    await ready('s3');
    const t0 = Date.now();
    const r = await run(['stop', '--timeout', '30', '-t', '0', 's3']);
    expect([r.exitCode, r.stdout]).toEqual([0, 's3\n']);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect((await run(['stop', '--timeout=x', 's3'])).stderr.split('\n')[0]).toBe('Error: invalid argument "x" for "-t, --time" flag: strconv.ParseUint: parsing "x": invalid syntax');
  });
}

describe('the stopping state as the test user', () => suite('user'));
describe.runIf(isRoot())('the stopping state as root', () => suite('root'));
