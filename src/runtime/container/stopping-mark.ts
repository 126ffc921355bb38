// podman's "stopping" state: while `stop` waits out its timeout, inspect
// shows Status "stopping" (Running false), ps "Stopping", and exec, top and
// pause refuse the container. It is never stored in container.json: the
// stopper leaves a mark in the runtime dir naming itself (pid + start time),
// and a running container is shown as stopping only while that process
// lives. A stop killed mid-way (kill -9) thus leaves a container that shows
// running again at once, never one stuck in "stopping"; the next stop (or
// kill, rm -f) acts on it as on any running container.

import fs from 'node:fs';
import { isAlive, isProcStamp, stampSelf } from '../../storage/proc-stamp.js';
import type { ContainerSummary } from '../../storage/containers.js';
import { liveRecord } from './container-observe.js';
import { containerRuntimePaths } from '../monitor/runtime-dir.js';

const MARK = 'stopping';

function markPath(runRoot: string, id: string): string {
  return `${containerRuntimePaths(runRoot, id).dir}/${MARK}`;
}

/** Mark the container as being stopped by this process; the returned function removes our mark. */
export function markStopping(runRoot: string, id: string): () => void {
  const file = markPath(runRoot, id);
  const text = JSON.stringify(stampSelf());
  try {
    // temp + rename: a reader never sees half a stamp.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch {
    return () => {}; // no runtime dir (the container is gone already): nothing to show
  }
  return () => {
    try {
      // Only ours: a second, later stop may have marked it since.
      if (fs.readFileSync(file, 'utf8') === text) fs.unlinkSync(file);
    } catch {
      /* removed with the runtime dir */
    }
  };
}

/** Whether a live process is stopping this (running) container. */
export function beingStopped(runRoot: string, id: string): boolean {
  const file = markPath(runRoot, id);
  if (!fs.existsSync(file)) return false; // the common case, without an exception (ps asks for every container)
  let stamp: unknown;
  try {
    stamp = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  return isProcStamp(stamp) && isAlive(stamp);
}

/** liveRecord, with a running container that a live `stop` is stopping shown as "stopping" (views only). */
export function shownRecord<R extends ContainerSummary>(runRoot: string, rec: R, now?: Date): R {
  const live = liveRecord(runRoot, rec, now);
  if (live.state.status !== 'running' || !beingStopped(runRoot, live.id)) return live;
  return { ...live, state: { ...live.state, status: 'stopping' } };
}
