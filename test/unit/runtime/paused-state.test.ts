import { describe, expect, it } from 'vitest';
import { needsObservation, reconcile, UNKNOWN_EXIT_CODE } from '../../../src/runtime/container/container-state.js';
import { conditionResult, parseConditions } from '../../../src/runtime/container/container-wait.js';
import { psJson, psStatus } from '../../../src/runtime/views/ps-view.js';
import type { ContainerRecord, ContainerState } from '../../../src/storage/containers.js';

const now = new Date('2026-11-22T12:00:10.500Z');
const monitor = { pid: 4242, startTime: 777, bootId: 'b' };
const paused: ContainerState = { status: 'paused', startedAt: '2026-11-22T11:59:00.000Z', monitor, pid: 4250, pidStartTime: 778 };

function rec(state: ContainerState): ContainerRecord {
  return {
    id: 'a'.repeat(64),
    name: 'p',
    image: 'b'.repeat(64),
    imageName: 'localhost/bb:latest',
    layers: [],
    created: '2026-11-22T11:58:00.000Z',
    autoRemove: false,
    config: { command: ['sleep', '600'], entrypoint: [], cmd: ['sleep', '600'], env: [], workingDir: '/', user: '', uid: 0, gid: 0, hostname: 'p', network: 'host' },
    state,
  };
}

describe('a paused container', () => {
  it('is backed by its monitor as a running one: it stays paused while the monitor lives', () => {
    expect(needsObservation(paused)).toBe(true);
    expect(reconcile(paused, { monitorAlive: true }, now)).toBe(paused);
  });
  it('an exit or a dead monitor makes it exited', () => {
    const exit = { exitCode: 137, signal: 'SIGKILL', finishedAt: '2026-11-22T12:00:00.000Z', restartCount: 0 };
    expect(reconcile(paused, { exit, monitorAlive: true }, now)).toMatchObject({ status: 'exited', exitCode: 137 });
    expect(reconcile(paused, { monitorAlive: false }, now)).toMatchObject({ status: 'exited', exitCode: UNKNOWN_EXIT_CODE });
  });
  it('ps says Paused, keeps its pid; wait for its exit goes on waiting', () => {
    expect(psStatus(rec(paused), now)).toBe('Paused');
    expect(psJson(rec(paused), { now, noTrunc: false }).Pid).toBe(4250);
    expect(psJson(rec(paused), { now, noTrunc: false }).State).toBe('paused');
    expect(conditionResult(rec(paused), parseConditions([]))).toBeUndefined();
    expect(conditionResult(rec(paused), parseConditions(['paused']))).toBe(-1);
  });
});
