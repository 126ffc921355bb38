// run -d: the monitor outlives the CLI, its process group and its session;
// exit.json and the exit command at the end; restart policies; kill -9 of
// the CLI mid-start; a tiny idle monitor. As the test user, and a subset as
// root.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, tscRunOk, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliArgv, disposeSandbox, procAlive, readRecord, rssKb, runtimeFile, sleep, spawnLive, until } from './run-util.js';

const ID = /^[0-9a-f]{64}$/;

function sessionOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6 - 3]);
}

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  const run = (args: string[], input?: string) => tscRun(args, { sandbox: sb, input });

  beforeAll(async () => {
    sb = await busyboxSandbox(`run-detach-${as}`, as);
  });
  afterAll(() => disposeSandbox(sb));

  it('-d prints the full id; the container runs after the CLI exited, then its exit is recorded', async () => {
    const r = await run(['run', '-d', '--name', 'bg', 'bb', 'sh', '-c', 'echo started; sleep 2; exit 5']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const id = r.stdout.trim();
    expect(id).toMatch(ID);
    const s = readRecord(sb, id).state;
    expect(s.status).toBe('running');
    expect(procAlive(s.monitor!.pid, s.monitor!.startTime)).toBe(true);
    expect(procAlive(s.pid, s.pidStartTime)).toBe(true);
    // In a session of its own, not ours (the CLI ran in ours).
    expect(sessionOf(s.monitor!.pid)).not.toBe(sessionOf(process.pid));
    expect(fs.existsSync(runtimeFile(sb, id, 'exit.json'))).toBe(false);
    expect((await run(['ps', '--format', '{{.Names}} {{.Status}}'])).stdout).toMatch(/^bg Up/m);

    await until(() => fs.existsSync(runtimeFile(sb, id, 'exit.json')), 20_000, 'exit.json');
    const exit = JSON.parse(fs.readFileSync(runtimeFile(sb, id, 'exit.json'), 'utf8'));
    expect(exit).toMatchObject({ exitCode: 5, signal: null, restartCount: 0 });
    expect(exit.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    await until(() => !procAlive(s.monitor!.pid, s.monitor!.startTime), 10_000, 'the monitor to exit');
    // The exit command (container cleanup) folded it into the record.
    await until(() => readRecord(sb, id).state.status === 'exited', 10_000, 'cleanup');
    expect(readRecord(sb, id).state.exitCode).toBe(5);
    expect(fs.readFileSync(path.join(sb.root, 'containers', id, 'ctr.log'), 'utf8')).toMatch(/^\S+Z stdout F started\n$/);
    expect(fs.existsSync(runtimeFile(sb, id, 'attach'))).toBe(false);
  });

  it('survives a hangup of the group and session it was started from', async () => {
    // As a login shell would: the CLI in its own group, then SIGHUP to that group once it returned.
    const live = spawnLive(sb, cliArgv(sb, ['run', '-d', 'bb', 'sleep', '30']));
    expect(await live.exited, live.stderr()).toBe(0);
    const id = live.stdout().trim();
    try {
      process.kill(-live.child.pid!, 'SIGHUP');
    } catch {
      /* the group is gone already: nothing left in it */
    }
    await sleep(300);
    const s = readRecord(sb, id).state;
    expect(procAlive(s.monitor!.pid, s.monitor!.startTime)).toBe(true);
    expect(procAlive(s.pid, s.pidStartTime)).toBe(true);
    // Another command meanwhile does not disturb it.
    expect((await run(['run', '--rm', 'bb', 'true'])).exitCode).toBe(0);
    expect(procAlive(s.pid, s.pidStartTime)).toBe(true);
    expect((await run(['rm', '-f', '-t', '0', id])).exitCode).toBe(0);
    // The monitor reports the exit first, then reaps pasta and ends (d17aaab): gone soon after rm.
    await until(() => !procAlive(s.monitor!.pid, s.monitor!.startTime), 10_000, 'the monitor to end after rm');
  });

  it('mounts nothing on the host, while it runs or after', async () => {
    // Only ours are looked at: other processes of the host may mount meanwhile.
    const ours = () =>
      fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => [sb.root, sb.runroot, sb.dir].some((p) => l.includes(p)));
    expect(ours()).toEqual([]);
    const id = (await tscRunOk(['run', '-d', '--init', '-t', 'bb', 'sleep', '30'], { sandbox: sb })).stdout.trim();
    expect(ours()).toEqual([]);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(id);
    await run(['rm', '-f', '-t', '0', id]);
    expect(ours()).toEqual([]);
  });

  it('an idle detached monitor stays under 1 MB of RSS', async () => {
    const id = (await tscRunOk(['run', '-d', 'bb', 'sleep', '30'], { sandbox: sb })).stdout.trim();
    const s = readRecord(sb, id).state;
    await sleep(200);
    const rss = rssKb(s.monitor!.pid);
    console.log(`monitor RSS (${as}): ${rss} kB`);
    expect(rss).toBeLessThanOrEqual(1024);
    await run(['rm', '-f', '-t', '0', id]);
  });

  it('--rm -d: the exit command removes the container when it exits', async () => {
    const id = (await tscRunOk(['run', '-d', '--rm', 'bb', 'sh', '-c', 'sleep 0.3'], { sandbox: sb })).stdout.trim();
    await until(() => !fs.existsSync(path.join(sb.root, 'containers', id)), 20_000, 'removal');
    expect(fs.existsSync(path.join(sb.runroot, 'containers', id))).toBe(false);
  });

  it.runIf(full)('--restart on-failure:2 restarts twice, then records the last exit', async () => {
    const id = (await tscRunOk(['run', '-d', '--restart', 'on-failure:2', 'bb', 'sh', '-c', 'echo run; exit 3'], { sandbox: sb })).stdout.trim();
    await until(() => fs.existsSync(runtimeFile(sb, id, 'exit.json')), 30_000, 'exit.json');
    expect(JSON.parse(fs.readFileSync(runtimeFile(sb, id, 'exit.json'), 'utf8'))).toMatchObject({ exitCode: 3, restartCount: 2 });
    const log = fs.readFileSync(path.join(sb.root, 'containers', id, 'ctr.log'), 'utf8');
    expect(log.match(/stdout F run$/gm)).toHaveLength(3);
    await until(() => readRecord(sb, id).state.status === 'exited', 10_000, 'cleanup');
    expect(readRecord(sb, id).state).toMatchObject({ exitCode: 3, restartCount: 2 });
    // A success ends on-failure at once.
    const ok = (await tscRunOk(['run', '-d', '--restart', 'on-failure', 'bb', 'true'], { sandbox: sb })).stdout.trim();
    await until(() => fs.existsSync(runtimeFile(sb, ok, 'exit.json')), 20_000, 'exit.json');
    expect(JSON.parse(fs.readFileSync(runtimeFile(sb, ok, 'exit.json'), 'utf8'))).toMatchObject({ exitCode: 0, restartCount: 0 });
  });

  it.runIf(full)('--restart always keeps it running until stop says no more', async () => {
    const id = (await tscRunOk(['run', '-d', '--restart', 'always', 'bb', 'sh', '-c', 'sleep 0.2; exit 1'], { sandbox: sb })).stdout.trim();
    await until(() => {
      const p = runtimeFile(sb, id, 'process.json');
      return fs.existsSync(p) && JSON.parse(fs.readFileSync(p, 'utf8')).restartCount >= 2;
    }, 30_000, 'two restarts');
    expect((await run(['stop', '-t', '1', id])).exitCode).toBe(0);
    await until(() => fs.existsSync(runtimeFile(sb, id, 'exit.json')), 20_000, 'exit.json');
    const state = readRecord(sb, id).state;
    expect(state.status).toBe('exited');
    expect(procAlive(state.monitor?.pid, state.monitor?.startTime)).toBe(false);
  });

  it.runIf(full)('kill -9 of the CLI at any point of run -d leaves a store every command reads, and nothing running unrecorded', async () => {
    for (const delay of [0, 40, 80, 120, 160, 200, 260, 330]) {
      const live = spawnLive(sb, cliArgv(sb, ['run', '-d', '--name', `k${delay}`, 'bb', 'sleep', '30']));
      await sleep(delay);
      try {
        process.kill(-live.child.pid!, 'SIGKILL');
      } catch {
        /* already done */
      }
      await live.exited;
    }
    await sleep(500);
    const ps = await run(['ps', '-a', '--format', 'json']);
    expect(ps.exitCode, ps.stderr).toBe(0);
    const rows = JSON.parse(ps.stdout) as Array<{ Id: string; Names: string[]; State: string }>;
    for (const row of rows.filter((r) => r.Names[0]!.startsWith('k'))) {
      const rec = readRecord(sb, row.Id);
      expect((await run(['inspect', row.Id])).exitCode).toBe(0);
      if (row.State === 'running') {
        // Recorded running: its monitor and process are real.
        expect(procAlive(rec.state.monitor!.pid, rec.state.monitor!.startTime)).toBe(true);
      }
    }
    // No container process runs that the store does not show as running.
    const running = new Set(rows.filter((r) => r.State === 'running').map((r) => r.Id));
    await until(() => {
      for (const d of fs.readdirSync(path.join(sb.runroot, 'containers'))) {
        const p = runtimeFile(sb, d, 'process.json');
        if (!fs.existsSync(p) || running.has(d) || fs.existsSync(runtimeFile(sb, d, 'exit.json'))) continue;
        const proc = JSON.parse(fs.readFileSync(p, 'utf8'));
        if (procAlive(proc.pid, proc.pidStartTime)) return false;
      }
      return true;
    }, 10_000, 'unrecorded containers to be killed by their monitors');
    expect((await run(['rm', '-fa', '-t', '0'])).exitCode).toBe(0);
    expect((await run(['ps', '-aq'])).stdout).toBe('');
  });
}

describe('run -d (rootless)', () => suite('user', true));
describe.runIf(isRoot())('run -d (root)', () => suite('root', false));
