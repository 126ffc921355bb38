// `stop` cleans up after the exit itself, as podman's stop does, and the
// monitor then starts no `container cleanup` process (the ctl FIFO's
// `stopper PID START` / `cleaned`, docs/helper-protocol.md). A stopper that
// dies before it said `cleaned` leaves the work to the exit command, as
// before. As the test user.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, readRecord, runtimeFile, sleep, until } from './run-util.js';

/** The fields of /proc/PID/stat after the command name (field 3 first). */
function stat(pid: number): string[] | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** `container cleanup ID` processes for this container. */
function cleanupProcesses(id: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf('cleanup');
      if (at > 0 && argv[at - 1] === 'container' && argv.includes(id)) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('stop cleans up in-process', () => {
  let sb: Sandbox;
  const ok = async (args: string[]): Promise<string> => {
    const r = await tscRun(args, { sandbox: sb, timeoutMs: 60_000 });
    expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const events = async (id: string): Promise<string[]> =>
    (await ok(['events', '--stream=false', '--filter', `container=${id}`, '--format', '{{.Status}}'])).split('\n').filter(Boolean);

  beforeAll(async () => {
    sb = await busyboxSandbox('stop-cleanup', 'user');
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('stop returns with the cleanup done, and no exit command runs', async () => {
    for (const args of [[], ['-p', '127.0.0.1::80']]) {
      const id = (await ok(['run', '-d', ...args, 'bb', 'sleep', '600'])).trim();
      const mon = readRecord(sb, id).state.monitor!;
      await ok(['stop', '-t', '0', id]);
      // Done before stop returned (a `container cleanup` process would start a Node after the exit).
      expect(await events(id)).toEqual(['create', 'init', 'start', 'stop', 'died', 'cleanup']);
      expect(readRecord(sb, id).state.status).toBe('exited');
      const end = Date.now() + 2000;
      while (Date.now() < end) {
        expect(cleanupProcesses(id), 'no container cleanup process').toEqual([]);
        await sleep(20);
      }
      const st = stat(mon.pid);
      expect(st === undefined || st[0] === 'Z' || Number(st[19]) !== mon.startTime, 'the monitor is gone').toBe(true);
      await ok(['rm', id]);
    }
  });

  it('a stopper that dies before it said `cleaned` leaves the work to the exit command', async () => {
    const id = (await ok(['run', '-d', 'bb', 'sleep', '600'])).trim();
    const mon = readRecord(sb, id).state.monitor!;
    // A stand-in for a `stop` that is killed after the container died.
    const fake: ChildProcess = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      await until(() => stat(fake.pid!) !== undefined, 5000, 'the stand-in');
      const start = stat(fake.pid!)![19];
      fs.writeFileSync(runtimeFile(sb, id, 'ctl'), `stop\nstopper ${fake.pid} ${start}\nkill 9\n`);
      await until(() => fs.existsSync(runtimeFile(sb, id, 'exit.json')), 10_000, 'exit.json');
      expect(JSON.parse(fs.readFileSync(runtimeFile(sb, id, 'exit.json'), 'utf8')).cleanupBy).toBe(fake.pid);
      // The monitor waits for the stopper: no cleanup while it lives.
      await sleep(1500);
      expect(await events(id)).not.toContain('cleanup');
      expect(Number(stat(mon.pid)?.[19]) === mon.startTime && stat(mon.pid)![0] !== 'Z', 'the monitor waits').toBe(true);
    } finally {
      fake.kill('SIGKILL');
    }
    await until(() => readRecord(sb, id).state.status === 'exited', 30_000, 'the exit command folded the exit');
    await until(() => cleanupProcesses(id).length === 0, 30_000, 'the exit command ended');
    expect(await events(id)).toContain('cleanup');
    await ok(['rm', id]);
  });
});
