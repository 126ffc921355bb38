// Lines for a running monitor's ctl FIFO (docs/helper-protocol.md):
// `resize ROWS COLS`, `kill SIGNUM`, `stop` (no restart after the next exit),
// `stopper PID START` and `cleaned` (that process does the exit command's work).

import fs from 'node:fs';
import { containerRuntimePaths } from './runtime-dir.js';

/** Write one line; false when no monitor reads the FIFO (the container is not running). */
export function sendControl(runRoot: string, id: string, line: string): boolean {
  let fd: number;
  try {
    // Non-blocking: with no reader this fails (ENXIO) instead of hanging.
    fd = fs.openSync(containerRuntimePaths(runRoot, id).ctlFifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    fs.writeSync(fd, `${line}\n`);
    return true;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Tell the monitor that this process cleans up after the container's exit
 * itself and will say `cleaned` (then it starts no exit command; should we
 * die first, it does). Our start time lets it tell us from a reused pid.
 */
export function announceStopper(runRoot: string, id: string): boolean {
  let start: string | undefined;
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return false;
  }
  return start !== undefined && /^\d+$/.test(start) && sendControl(runRoot, id, `stopper ${process.pid} ${start}`);
}

/** The monitor's exit record names us as the stopper it waits for (`cleanupBy`): the cleanup is ours. */
export function cleanupLeftToUs(runRoot: string, id: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(containerRuntimePaths(runRoot, id).exitFile, 'utf8')) as { cleanupBy?: unknown }).cleanupBy === process.pid;
  } catch {
    return false;
  }
}
