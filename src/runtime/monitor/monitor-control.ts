// Lines for a running monitor's ctl FIFO (docs/helper-protocol.md):
// `resize ROWS COLS`, `kill SIGNUM`, `stop` (no restart after the next exit).

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
