// Gather the witnesses of a container's real state (container-state.ts
// decides): the monitor's exit.json and whether the recorded monitor is still
// alive. Readers (ps, inspect) show the reconciled state without writing;
// writers (stop, kill, rm, wait, cleanup) persist it under the container's
// lock with syncContainer. Synchronous file reads: `ps` does this for every
// running container and must stay fast.

import fs from 'node:fs';
import { StateCorruptError } from '../errors.js';
import { errnoCode } from '../storage/atomic-file.js';
import type { ContainerRecord, ContainerStore } from '../storage/containers.js';
import { parseJsonText } from '../storage/json-store.js';
import { bootId, isAlive } from '../storage/proc-stamp.js';
import { needsObservation, parseExitRecord, reconcile, stateChanged, type ExitRecord, type Observation } from './container-state.js';
import { containerRuntimePaths } from './runtime-dir.js';

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
export function monitorAlive(rec: ContainerRecord): boolean {
  const s = rec.state;
  if (s.monitor) return isAlive(s.monitor);
  // No monitor stamp: the container's own pid + start time (this boot's, as the runtime root is volatile).
  if (s.pid !== undefined && s.pidStartTime !== undefined) {
    return isAlive({ pid: s.pid, startTime: s.pidStartTime, bootId: bootId() });
  }
  return false;
}

export function observe(runRoot: string, rec: ContainerRecord): Observation {
  let exit: ExitRecord | undefined;
  try {
    exit = readExitRecord(runRoot, rec.id);
  } catch (err) {
    // A damaged exit.json is no evidence either way; the monitor stamp still is.
    if (!(err instanceof StateCorruptError)) throw err;
  }
  return { exit, monitorAlive: monitorAlive(rec) };
}

/** The record with its state reconciled against the witnesses; nothing is written. */
export function liveRecord(runRoot: string, rec: ContainerRecord, now: Date = new Date()): ContainerRecord {
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
  // Cheap path without the lock when nothing can change.
  if (current && !needsObservation(current.state)) return current;
  return store.update(id, (rec) => {
    const next = reconcile(rec.state, observe(runRoot, rec), new Date());
    if (stateChanged(rec.state, next)) rec.state = next;
  });
}
