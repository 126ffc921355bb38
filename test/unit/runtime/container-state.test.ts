import { describe, expect, it } from 'vitest';
import {
  UNKNOWN_EXIT_CODE,
  exitBelongsToRun,
  parseExitRecord,
  parseProcessRecord,
  reconcile,
  stateChanged,
  type ExitRecord,
} from '../../../src/runtime/container/container-state.js';
import type { ContainerState } from '../../../src/storage/containers.js';

const now = new Date('2026-11-22T12:00:00.000Z');
const monitor = { pid: 4242, startTime: 777, bootId: 'b' };
const running: ContainerState = { status: 'running', startedAt: '2026-11-22T11:59:00.000Z', monitor, pid: 4250, pidStartTime: 778 };
const exit: ExitRecord = { exitCode: 3, signal: null, finishedAt: '2026-11-22T11:59:30.123456789Z', restartCount: 2 };

describe('reconcile', () => {
  it('leaves created, exited and removing records alone, whatever the witnesses say', () => {
    for (const s of [{ status: 'created' }, { status: 'exited', exitCode: 0 }, { status: 'removing' }] as ContainerState[]) {
      expect(reconcile(s, { exit, monitorAlive: false }, now)).toBe(s);
    }
  });
  it('a running record with a live monitor and no exit file stays running', () => {
    expect(reconcile(running, { monitorAlive: true }, now)).toBe(running);
  });
  it('exit.json wins: exited with its code, time and restart count; pid and monitor are dropped', () => {
    const s = reconcile(running, { exit, monitorAlive: true }, now);
    expect(s).toEqual({ status: 'exited', exitCode: 3, finishedAt: exit.finishedAt, restartCount: 2, startedAt: running.startedAt });
    expect(s.pid).toBeUndefined();
    expect(s.monitor).toBeUndefined();
  });
  it('a dead monitor without exit.json: exited, code -1 (unknown), finished now, with the reason', () => {
    const s = reconcile(running, { monitorAlive: false }, now);
    expect(s.status).toBe('exited');
    expect(s.exitCode).toBe(UNKNOWN_EXIT_CODE);
    expect(s.exitCode).toBe(-1);
    expect(s.finishedAt).toBe(now.toISOString());
    expect(s.error).toMatch(/monitor \(pid 4242\) is gone/);
  });
  it('a running record without any monitor stamp is not believed', () => {
    const s = reconcile({ status: 'running', startedAt: running.startedAt }, { monitorAlive: false }, now);
    expect(s.status).toBe('exited');
    expect(s.error).toMatch(/no monitor was recorded/);
  });
  it('an exit.json left from an earlier run (before this start) is ignored', () => {
    const old = { ...exit, finishedAt: '2026-11-22T11:00:00Z' };
    expect(exitBelongsToRun(old, running)).toBe(false);
    expect(reconcile(running, { exit: old, monitorAlive: true }, now)).toBe(running);
    // ... and with the monitor dead it does not supply the code either.
    expect(reconcile(running, { exit: old, monitorAlive: false }, now).exitCode).toBe(-1);
  });
  it('keeps the larger restart count', () => {
    const s = reconcile({ ...running, restartCount: 5 }, { exit, monitorAlive: false }, now);
    expect(s.restartCount).toBe(5);
  });
  it('a live monitor that restarted the container: pid, start and restart count from process.json', () => {
    const p = { pid: 5000, pidStartTime: 900, startedAt: '2026-11-22T11:59:40.5Z', restartCount: 2 };
    expect(reconcile(running, { monitorAlive: true, process: p }, now)).toEqual({ ...running, ...p });
    // The same process as recorded: nothing changes.
    const same = { pid: 4250, pidStartTime: 778, startedAt: running.startedAt!, restartCount: 0 };
    expect(reconcile(running, { monitorAlive: true, process: same }, now)).toBe(running);
    // A process.json older than this start is a leftover.
    expect(reconcile(running, { monitorAlive: true, process: { ...p, startedAt: '2026-11-22T10:00:00Z' } }, now)).toBe(running);
    // It never overrides an exit.
    expect(reconcile(running, { exit, monitorAlive: true, process: p }, now).status).toBe('exited');
  });
  it('stateChanged sees a difference only when there is one', () => {
    expect(stateChanged(running, { ...running })).toBe(false);
    expect(stateChanged(running, reconcile(running, { monitorAlive: false }, now))).toBe(true);
  });
});

describe('parseProcessRecord', () => {
  it('accepts the monitor contract, rejects anything else', () => {
    expect(parseProcessRecord({ pid: 1, pidStartTime: 2, startedAt: 'x', restartCount: 3 })).toEqual({ pid: 1, pidStartTime: 2, startedAt: 'x', restartCount: 3 });
    expect(parseProcessRecord({ pid: 1, pidStartTime: 2, startedAt: 'x' }).restartCount).toBe(0);
    expect(() => parseProcessRecord({ pid: '1', pidStartTime: 2, startedAt: 'x' })).toThrow(/pid/);
    expect(() => parseProcessRecord({ pid: 1, pidStartTime: 2 })).toThrow(/startedAt/);
  });
});

describe('parseExitRecord', () => {
  it('accepts the monitor contract and defaults what may be missing', () => {
    expect(parseExitRecord({ exitCode: 137, signal: 'SIGKILL', finishedAt: 'x', restartCount: 1 })).toEqual({
      exitCode: 137,
      signal: 'SIGKILL',
      finishedAt: 'x',
      restartCount: 1,
    });
    expect(parseExitRecord({ exitCode: 0, finishedAt: 'x' })).toEqual({ exitCode: 0, signal: null, finishedAt: 'x', restartCount: 0 });
  });
  it('rejects records without an integer code or a time', () => {
    expect(() => parseExitRecord(null)).toThrow();
    expect(() => parseExitRecord({ exitCode: '1', finishedAt: 'x' })).toThrow(/exitCode/);
    expect(() => parseExitRecord({ exitCode: 1 })).toThrow(/finishedAt/);
  });
});
