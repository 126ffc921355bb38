// The helper's `exec` mode arguments for a session (docs/helper-protocol.md,
// "exec"). Pure.

import { capabilityList, type CapabilitySets } from '../security/capabilities.js';

/** The fd on which the helper says `started` and `detached` (after 0-2 and the error fd 3). */
export const EXEC_SYNC_FD = 4;

export interface ExecSpec {
  /** The container's process on the host and its start time (/proc/<pid>/stat field 22). */
  pid: number;
  pidStartTime: number;
  cwd: string;
  uid: number;
  gid: number;
  /** Supplementary groups; undefined = none. */
  groups?: readonly number[] | undefined;
  /** The complete environment, KEY=VALUE. */
  env: readonly string[];
  tty: boolean;
  /** -i: the command's stdin is fed (else /dev/null). */
  stdin: boolean;
  detach: boolean;
  ttySize?: { rows: number; cols: number } | undefined;
  /** Bytes that detach while our stdin feeds the command; empty = none. */
  detachKeys: Uint8Array;
  caps: CapabilitySets;
  noNewPrivs: boolean;
  /** The container's seccomp rules file; undefined = unconfined. */
  seccompRules?: string | undefined;
  seccompCache?: string | undefined;
  /** Written by a detached session when it ends, then the exit command runs. */
  exitFile?: string | undefined;
  exitCommand?: readonly string[] | undefined;
  command: readonly string[];
}

export function execHelperArgs(s: ExecSpec): string[] {
  const a = ['--pid', String(s.pid), '--pid-start-time', String(s.pidStartTime), '--cwd', s.cwd, '--user', `${s.uid}:${s.gid}`];
  if (s.groups?.length) a.push(`--groups=${s.groups.join(',')}`);
  for (const kv of s.env) a.push('--env', kv);
  if (s.tty) a.push('--tty');
  if (s.tty && s.ttySize && s.ttySize.rows > 0 && s.ttySize.cols > 0) a.push('--tty-size', `${s.ttySize.rows}:${s.ttySize.cols}`);
  if (s.stdin) a.push('--stdin');
  if (s.detach) a.push('--detach');
  // Only on a terminal (podman): on a pipe they would cut a binary stream.
  if (s.detachKeys.length && s.stdin && s.tty && !s.detach) a.push('--detach-keys', Buffer.from(s.detachKeys).toString('hex'));
  a.push(
    `--cap-bounding=${capabilityList(s.caps.bounding)}`,
    `--cap-permitted=${capabilityList(s.caps.permitted)}`,
    `--cap-effective=${capabilityList(s.caps.effective)}`,
    `--cap-inheritable=${capabilityList(s.caps.inheritable)}`,
    `--cap-ambient=${capabilityList(s.caps.ambient)}`,
  );
  if (s.noNewPrivs) a.push('--no-new-privs');
  if (s.seccompRules !== undefined) {
    a.push('--seccomp', s.seccompRules);
    if (s.seccompCache !== undefined) a.push('--seccomp-cache', s.seccompCache);
  }
  a.push('--sync-fd', String(EXEC_SYNC_FD));
  if (s.exitFile !== undefined) a.push('--exit-file', s.exitFile);
  if (s.exitCommand?.length) {
    a.push('--exit-command', s.exitCommand[0]!);
    for (const arg of s.exitCommand.slice(1)) a.push('--exit-command-arg', arg);
  }
  a.push('--', ...s.command);
  return a;
}
