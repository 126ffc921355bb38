// The truth about a container's state. container.json says what the engine
// last wrote; for a container it says is running, what is really going on
// comes from two other witnesses: the monitor's exit.json (the container
// exited, with this code) and the monitor process itself (a stamp of pid +
// start time + boot id, so a dead monitor whose pid was reused, or a record
// from before a reboot, is never taken for a live one). Pure decisions here;
// container-observe.ts gathers the witnesses.
//
// A running record whose monitor is gone without an exit.json is reported
// exited with exit code -1 ("unknown"): that is what libpod itself records
// when the runtime says the container stopped and conmon left no exit file
// (oci_conmon UpdateContainerStatus: ExitCode = -1, FinishedTime = now).
// Podman 4.3 itself keeps showing such a container as "Up" until it is
// touched; we never report a container running without a live monitor.

import type { ContainerState } from '../../storage/containers.js';

/** What the monitor writes to `<runroot>/containers/<id>/exit.json` when the container is gone for good. */
export interface ExitRecord {
  exitCode: number;
  /** Name of the signal that killed the process (`SIGKILL`), or null for a normal exit. */
  signal: string | null;
  /** RFC 3339 (nanoseconds), UTC. */
  finishedAt: string;
  restartCount: number;
}

/** What the monitor writes to `process.json` at every (re)start: the container's current process. */
export interface ProcessRecord {
  pid: number;
  pidStartTime: number;
  /** RFC 3339 (nanoseconds), UTC. */
  startedAt: string;
  restartCount: number;
}

export interface Observation {
  /** exit.json, when there is one. */
  exit?: ExitRecord | undefined;
  /** process.json, when there is one: newer than the record after a restart by the monitor. */
  process?: ProcessRecord | undefined;
  /** Whether the recorded monitor is still that live process. */
  monitorAlive: boolean;
}

/** Exit code of a container whose exit nobody saw (libpod's value for "no exit file"). */
export const UNKNOWN_EXIT_CODE = -1;

/** States that a live process backs, which witnesses can overturn. */
export function needsObservation(state: ContainerState): boolean {
  return state.status === 'running' || state.status === 'paused';
}

/** Shape check of exit.json; throws with what is wrong. */
export function parseExitRecord(value: unknown): ExitRecord {
  const v = value as Partial<ExitRecord> | null;
  if (!v || typeof v !== 'object') throw new Error('not an object');
  if (!Number.isSafeInteger(v.exitCode)) throw new Error('no integer "exitCode"');
  if (typeof v.finishedAt !== 'string') throw new Error('no "finishedAt"');
  return {
    exitCode: v.exitCode!,
    signal: typeof v.signal === 'string' ? v.signal : null,
    finishedAt: v.finishedAt,
    restartCount: Number.isSafeInteger(v.restartCount) ? v.restartCount! : 0,
  };
}

/** Shape check of process.json; throws with what is wrong. */
export function parseProcessRecord(value: unknown): ProcessRecord {
  const v = value as Partial<ProcessRecord> | null;
  if (!v || typeof v !== 'object') throw new Error('not an object');
  if (!Number.isSafeInteger(v.pid) || !Number.isSafeInteger(v.pidStartTime)) throw new Error('no integer "pid" and "pidStartTime"');
  if (typeof v.startedAt !== 'string') throw new Error('no "startedAt"');
  return { pid: v.pid!, pidStartTime: v.pidStartTime!, startedAt: v.startedAt, restartCount: Number.isSafeInteger(v.restartCount) ? v.restartCount! : 0 };
}

/** Milliseconds of an RFC 3339 timestamp (NaN when absent or invalid). */
function ms(t: string | undefined): number {
  return t ? Date.parse(t) : NaN;
}

/**
 * An exit.json older than the current run's start is a leftover of an earlier
 * run (restart reuses the runtime dir) and says nothing about this one.
 * Compared at millisecond precision, with a second of slack for clocks.
 */
export function exitBelongsToRun(exit: ExitRecord, state: ContainerState): boolean {
  const started = ms(state.startedAt);
  const finished = ms(exit.finishedAt);
  if (Number.isNaN(started) || Number.isNaN(finished)) return true;
  return finished >= started - 1000;
}

/**
 * The state to show (and, on a writer path, to store): unchanged unless the
 * record says running and a witness says otherwise. `now` stamps an exit
 * nobody saw.
 */
export function reconcile(state: ContainerState, obs: Observation, now: Date): ContainerState {
  if (!needsObservation(state)) return state;
  const exit = obs.exit && exitBelongsToRun(obs.exit, state) ? obs.exit : undefined;
  if (exit) {
    return exitedState(state, {
      exitCode: exit.exitCode,
      finishedAt: exit.finishedAt,
      restartCount: Math.max(exit.restartCount, state.restartCount ?? 0),
    });
  }
  if (obs.monitorAlive) return withCurrentProcess(state, obs.process);
  return exitedState(state, {
    exitCode: UNKNOWN_EXIT_CODE,
    finishedAt: now.toISOString(),
    restartCount: state.restartCount ?? 0,
    error: monitorGoneMessage(state),
  });
}

/**
 * A live monitor that restarted the container (restart policy) has a new
 * process: its pid, start and restart count come from process.json, not
 * from the record written at the first start.
 */
function withCurrentProcess(state: ContainerState, p: ProcessRecord | undefined): ContainerState {
  if (!p || (p.pid === state.pid && p.pidStartTime === state.pidStartTime && p.restartCount === (state.restartCount ?? 0))) return state;
  if (!Number.isNaN(ms(state.startedAt)) && ms(p.startedAt) < ms(state.startedAt) - 1000) return state; // a leftover of an earlier run
  return { ...state, pid: p.pid, pidStartTime: p.pidStartTime, startedAt: p.startedAt, restartCount: p.restartCount };
}

function monitorGoneMessage(state: ContainerState): string {
  const pid = state.monitor?.pid ?? state.pid;
  return pid === undefined
    ? 'no monitor was recorded for this container: its exit code is unknown'
    : `the container's monitor (pid ${pid}) is gone without recording an exit code`;
}

function exitedState(
  state: ContainerState,
  e: { exitCode: number; finishedAt: string; restartCount: number; error?: string },
): ContainerState {
  const next: ContainerState = {
    status: 'exited',
    exitCode: e.exitCode,
    finishedAt: e.finishedAt,
    restartCount: e.restartCount,
  };
  if (state.startedAt !== undefined) next.startedAt = state.startedAt;
  if (e.error !== undefined) next.error = e.error;
  return next;
}

/** Whether two states differ in anything a reader sees (to skip needless writes). */
export function stateChanged(a: ContainerState, b: ContainerState): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}
