// A container's volatile files under the runtime root (docs/helper-protocol.md,
// "The monitor"): the monitor writes exit.json and serves `attach` and `ctl`
// there; Node creates the directory before starting the container. Pure paths.

import path from 'node:path';

export interface ContainerRuntimePaths {
  dir: string;
  /** Written (temp + rename) by the monitor when the container's process exits for good. */
  exitFile: string;
  /** Rewritten by the monitor at every (re)start: the container's current process. */
  processFile: string;
  /** Unix stream socket of the attach protocol. */
  attachSocket: string;
  /** FIFO of control lines: `resize ROWS COLS`, `kill SIGNUM`, `stop`. */
  ctlFifo: string;
}

export function containerRuntimePaths(runRoot: string, id: string): ContainerRuntimePaths {
  // One join, then plain concatenation: `ps` asks this for every running container.
  const dir = path.join(runRoot, 'containers', id);
  return {
    dir,
    exitFile: `${dir}/exit.json`,
    processFile: `${dir}/process.json`,
    attachSocket: `${dir}/attach`,
    ctlFifo: `${dir}/ctl`,
  };
}

/** Where the monitor's pid is written when --conmon-pidfile names no other file (podman's userdata/conmon.pid). */
export function defaultConmonPidFile(runRoot: string, id: string): string {
  return path.join(runRoot, 'containers', id, 'conmon.pid');
}

/** The persistent log: `<root>/containers/<id>/ctr.log`. */
export function containerLogPath(dataRoot: string, id: string): string {
  return path.join(dataRoot, 'containers', id, 'ctr.log');
}
