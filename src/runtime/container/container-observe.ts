// Gather the witnesses of a container's real state (container-state.ts
// decides): the monitor's exit.json and whether the recorded monitor is still
// alive. Readers (ps, inspect) show the reconciled state without writing;
// writers (stop, kill, rm, wait, cleanup) persist it under the container's
// lock with syncContainer. Synchronous file reads: `ps` does this for every
// running container and must stay fast.

import fs from 'node:fs';
import { StateCorruptError } from '../../errors.js';
import { emitContainer, storeRoot } from '../../events/emit.js';
import { errnoCode } from '../../storage/atomic-file.js';
import type { ContainerRecord, ContainerStore } from '../../storage/containers.js';
import { parseJsonText } from '../../storage/json-store.js';
import { bootId, isAlive } from '../../storage/proc-stamp.js';
import {
  needsObservation,
  parseExitRecord,
  parseProcessRecord,
  reconcile,
  stateChanged,
  type ExitRecord,
  type Observation,
  type ProcessRecord,
} from './container-state.js';
import { containerRuntimePaths } from '../monitor/runtime-dir.js';

/** exit.json of the container, or undefined when the monitor has written none. */
export function readExitRecord(runRoot: string, id: string): ExitRecord | undefined {
  const file = containerRuntimePaths(runRoot, id).exitFile;
  // The common case (still running) without the cost of an ENOENT exception.
  if (!fs.existsSync(file)) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
  return parseJsonText(file, text, parseExitRecord);
}

/** Whether the process recorded as the container's monitor (else its own pid) is still that process. */
export function monitorAlive(rec: Pick<ContainerRecord, 'state'>): boolean {
  const s = rec.state;
  if (s.monitor) return isAlive(s.monitor);
  // No monitor stamp: the container's own pid + start time (this boot's, as the runtime root is volatile).
  if (s.pid !== undefined && s.pidStartTime !== undefined) {
    return isAlive({ pid: s.pid, startTime: s.pidStartTime, bootId: bootId() });
  }
  return false;
}

/** process.json of the container's current process, or undefined. */
export function readProcessRecord(runRoot: string, id: string): ProcessRecord | undefined {
  const file = containerRuntimePaths(runRoot, id).processFile;
  if (!fs.existsSync(file)) return undefined;
  try {
    return parseJsonText(file, fs.readFileSync(file, 'utf8'), parseProcessRecord);
  } catch {
    return undefined; // gone meanwhile, or damaged: the record's own pid stands
  }
}

export function observe(runRoot: string, rec: Pick<ContainerRecord, 'id' | 'state'>): Observation {
  let exit: ExitRecord | undefined;
  try {
    exit = readExitRecord(runRoot, rec.id);
  } catch (err) {
    // A damaged exit.json is no evidence either way; the monitor stamp still is.
    if (!(err instanceof StateCorruptError)) throw err;
  }
  const alive = monitorAlive(rec);
  return { exit, monitorAlive: alive, process: alive && !exit ? readProcessRecord(runRoot, rec.id) : undefined };
}

/** The record with its state reconciled against the witnesses; nothing is written. */
export function liveRecord<R extends Pick<ContainerRecord, 'id' | 'state'>>(runRoot: string, rec: R, now: Date = new Date()): R {
  if (!needsObservation(rec.state)) return rec;
  const state = reconcile(rec.state, observe(runRoot, rec), now);
  return state === rec.state ? rec : { ...rec, state };
}

/**
 * Reconcile and persist under the container's lock: the writer paths call
 * this before deciding anything, so a dead monitor's container is stored as
 * exited once, by whoever notices first.
 */
export async function syncContainer(store: ContainerStore, runRoot: string, id: string): Promise<ContainerRecord> {
  const current = await store.get(id);
  // Cheap path without the lock when nothing can change, or the witnesses say nothing did (a running container's stop, rm -f).
  if (current && (!needsObservation(current.state) || !stateChanged(current.state, reconcile(current.state, observe(runRoot, current), new Date())))) {
    return current;
  }
  let died = false;
  const rec = await store.update(id, (r) => {
    const obs = observe(runRoot, r);
    const next = reconcile(r.state, obs, new Date());
    if (!stateChanged(r.state, next)) return;
    if (!obs.exit && !obs.monitorAlive) killOrphan(r);
    died = next.status === 'exited';
    r.state = next;
  });
  // Whoever stores the exit tells of it, once.
  if (died) emitContainer(storeRoot(store), rec, 'died', { exitCode: rec.state.exitCode });
  return rec;
}

/**
 * The monitor died without an exit record: its container normally dies with
 * it (PDEATHSIG), but if the process is still there nobody watches it (no
 * logs, no exit code, no attach), so it must not outlive the record that
 * now says exited. Its start time is checked first: never a reused pid.
 */
function killOrphan(rec: ContainerRecord): void {
  const s = rec.state;
  if (s.pid === undefined || s.pidStartTime === undefined) return;
  const stamp = { pid: s.pid, startTime: s.pidStartTime, bootId: s.monitor?.bootId ?? bootId() };
  if (!isAlive(stamp)) return;
  try {
    process.kill(s.pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
}
