// The helper's monitor options for a container (docs/helper-protocol.md,
// "The monitor"), from its record: runtime dir, log, restart policy, tty,
// stdin, detach keys, --init, the exit command. Pure.

import type { ContainerRecord } from '../../storage/containers.js';
import { DEFAULT_DETACH_KEYS, hexBytes, parseDetachKeys, restartArg } from '../container/run-options.js';

/** The fd on which the helper writes the start handshake (after 0-2 and the error fd 3). */
export const SYNC_FD = 4;

export interface MonitorArgsInput {
  container: ContainerRecord;
  runtimeDir: string;
  /** The log file (the record's logPath, else ctr.log in the container's dir). */
  logPath: string;
  /** Foreground: our stdio is the container's; detached: the monitor double-forks. */
  detach: boolean;
  /** Foreground: feed our stdin to the container (run -i, start -ai). */
  attachStdin: boolean;
  sigProxy: boolean;
  /** argv of `tsc-run ... container cleanup ID`. */
  exitCommand: readonly string[];
  /** The terminal's size, for a tty. */
  ttySize?: { rows: number; cols: number } | undefined;
  /** A cgroup v2 directory prepared for the container's limits. */
  cgroup?: string | undefined;
}

export function monitorArgs(i: MonitorArgsInput): string[] {
  const c = i.container.config;
  const a = ['--sync-fd', String(SYNC_FD), '--runtime-dir', i.runtimeDir];
  if (i.detach) a.push('--detach');
  if (c.tty) a.push('--tty');
  if (c.tty && i.ttySize && i.ttySize.rows > 0 && i.ttySize.cols > 0) a.push('--tty-size', `${i.ttySize.rows}:${i.ttySize.cols}`);
  // The container's stdin stays open for attach (-i); our own goes in only when attached.
  if (c.stdin) a.push('--stdin');
  if (!i.detach && i.attachStdin && c.stdin) {
    a.push('--attach-stdin');
    // Detach keys are typed on a terminal (podman): on a pipe they would cut a binary stream.
    if (c.tty) a.push('--detach-keys', hexBytes(parseDetachKeys(c.detachKeys ?? DEFAULT_DETACH_KEYS)));
  }
  const driver = c.logDriver ?? 'k8s-file';
  a.push('--log-driver', driver);
  if (driver !== 'none') a.push('--log-path', i.logPath);
  if (c.logMaxSize) a.push('--log-max-size', String(c.logMaxSize));
  if (c.restartPolicy && c.restartPolicy.name !== 'no') a.push('--restart', restartArg(c.restartPolicy));
  if (!i.sigProxy && !i.detach) a.push('--no-sig-proxy');
  // --init-path: that binary is PID 1 (container-start.ts), not the helper.
  if (c.init && !c.initPath) a.push('--init');
  // A pod's infra made from an image (--infra-image) runs its own command instead.
  if (c.pause && c.command.length === 0) a.push('--pause');
  if (i.cgroup) a.push('--cgroup', i.cgroup);
  if (i.exitCommand.length) {
    a.push('--exit-command', i.exitCommand[0]!);
    for (const arg of i.exitCommand.slice(1)) a.push('--exit-command-arg', arg);
  }
  return a;
}

/** Insert monitor options among a `run` mode argument list, before its `-- CMD`. */
export function withMonitorArgs(runArgs: readonly string[], monitor: readonly string[]): string[] {
  const at = runArgs.indexOf('--');
  if (at < 0) throw new Error('run mode arguments without `-- CMD`');
  return [...runArgs.slice(0, at), ...monitor, ...runArgs.slice(at)];
}

/** `tsc-run --root R --runroot RR container cleanup ID`, with our own executable. */
export function exitCommand(self: readonly string[], roots: { dataRoot: string; runRoot: string }, id: string): string[] {
  return [...self, '--root', roots.dataRoot, '--runroot', roots.runRoot, 'container', 'cleanup', id];
}
