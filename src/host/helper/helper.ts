// Spawning tsc-run-helper, the C program that does all work needing
// namespaces (protocol: docs/helper-protocol.md).
//
//   await runHelper({ mode: 'fixup', args: [layerDir], input: fixupList })
//   await runHelper({ mode: 'rmtree', args: [dir1, dir2] })
//   const p = await runHelper({ mode: 'probe-overlay', args: [scratch] })  // p.exitCode 0 + 'ok\n', or 1 + reason
//   const r = await runHelper({ mode: 'run', args: runModeArgs(spec), stdio: 'inherit' })  // r.exitCode = CMD's
//
// The user namespace defaults to preflight's hostUserNamespace(): the
// current user's subuid/subgid maps when rootless, none as root (or inside
// `tsc-run unshare`). Pass `userns: { kind: 'none' }` to force none.
//
// runHelper rejects with HostPrerequisiteError (preflight), HelperError
// (the helper failed before the payload ran: exit 125 and one line on its
// error fd) or CommandInvokeError (CMD not found: 127, not executable: 126).
// Otherwise it resolves with the payload's exit code — non-zero is not an
// error here — and, for piped stdio, its stdout/stderr.

import { spawn, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import { logDebug } from '../../format/log.js';
import { CommandInvokeError, HelperError, type TscRunError } from '../../errors.js';
import { helperPath } from './helper-path.js';
import { formatMapping } from '../idmap.js';
import { hostUserNamespace, type UserNamespacePlan } from '../preflight.js';

export type HelperMode = 'unshare' | 'fixup' | 'rmtree' | 'probe-overlay' | 'run' | 'vfs-apply' | 'fs' | 'mount-rootfs' | 'umount-rootfs';

export type StdioSlot = 'pipe' | 'inherit' | 'ignore' | number;

export interface HelperOptions {
  mode: HelperMode;
  /** Mode options and operands, including `--` and CMD for unshare/run. */
  args?: readonly string[];
  /** Default: hostUserNamespace(). */
  userns?: UserNamespacePlan;
  /** 'pipe' (default): collect stdout/stderr, feed `input`; 'inherit': the terminal passes through. */
  stdio?: 'pipe' | 'inherit' | readonly [StdioSlot, StdioSlot, StdioSlot];
  /** Written to the helper's stdin (needs stdin 'pipe'). */
  input?: string | Uint8Array;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Relay SIGTERM/SIGHUP/SIGUSR1/SIGUSR2 sent to us to the helper (which
   * relays them to the payload), and survive SIGINT/SIGQUIT/SIGWINCH, which
   * the terminal already sends to the helper's whole process group.
   * Default: true when stdin is inherited.
   */
  forwardSignals?: boolean;
  /** Called with the helper's pid once it is spawned (container state records it as the monitor). */
  onSpawn?: (pid: number) => void;
}

export interface HelperResult {
  /** The payload's status (128+N when it died from signal N). */
  exitCode: number;
  /** Collected only when stdout/stderr are piped. */
  stdout: string;
  stderr: string;
}

/** The fd on which the helper reports its own failure, one line. */
const ERROR_FD = 3;
const PREFIX = 'tsc-run-helper: ';

/** NS OPTIONS for a user-namespace plan, and the error fd. Pure. */
export function namespaceArgs(userns: UserNamespacePlan): string[] {
  const out = ['--error-fd', String(ERROR_FD)];
  if (userns.kind === 'rootless') {
    for (const m of userns.maps.uid) out.push('--uid-map', formatMapping(m));
    for (const m of userns.maps.gid) out.push('--gid-map', formatMapping(m));
    out.push('--newuidmap', userns.newuidmap, '--newgidmap', userns.newgidmap);
  }
  return out;
}

/** The typed error for what the helper said on its error fd, if it said anything. Pure. */
export function helperFailure(exitCode: number, errorText: string): TscRunError | undefined {
  const line = errorText.split('\n').find((l) => l.trim() !== '');
  if (line === undefined) return undefined;
  if (exitCode === 126 || exitCode === 127) {
    // podman prints `Error: exec: "x": executable file not found in $PATH`, without a program prefix.
    return new CommandInvokeError(line.startsWith(PREFIX) ? line.slice(PREFIX.length) : line, exitCode === 127);
  }
  return new HelperError(line.startsWith(PREFIX) ? line : PREFIX + line);
}

/** A container for the helper's `run` mode. */
export interface RunSpec {
  /** A plain directory as / (vfs) ... */
  rootfs?: string;
  /** ... or an overlay; lower[0] is the top-most layer. Native, or served by mountProgram (fuse-overlayfs). */
  overlay?: { lower: readonly string[]; upper: string; work: string; mountProgram?: string | undefined };
  hostname?: string;
  /** The UTS namespace's NIS domain name (docker's --domainname, compose's domainname). */
  domainname?: string;
  cwd?: string;
  /** Ids inside the container's user namespace. */
  user?: { uid: number; gid: number };
  /** The container's complete environment. */
  env?: Readonly<Record<string, string>>;
  net?: 'host' | 'none';
  /** More `run` options, as given (security, /etc files: container-start-args.ts). */
  extra?: readonly string[];
  command: readonly string[];
  /** A pod's infra: no command (the monitor option `--pause` makes the helper PID 1). */
  pause?: boolean;
}

/** --lower joins layers with ':'; the helper reads `\:` and `\\` as literal characters. */
function escapeLower(p: string): string {
  return p.replace(/[\\:]/g, (c) => `\\${c}`);
}

/** `run` mode arguments for a spec. Pure. */
export function runModeArgs(spec: RunSpec): string[] {
  const a: string[] = [];
  if ((spec.rootfs === undefined) === (spec.overlay === undefined)) {
    throw new HelperError('a container needs exactly one of rootfs or overlay');
  }
  if (spec.command.length === 0 && !spec.pause) throw new HelperError('no command given for the container');
  if (spec.rootfs !== undefined) a.push('--rootfs', spec.rootfs);
  if (spec.overlay) {
    if (spec.overlay.lower.length === 0) throw new HelperError('an overlay needs at least one lower layer');
    a.push('--lower', spec.overlay.lower.map(escapeLower).join(':'));
    a.push('--upper', spec.overlay.upper, '--work', spec.overlay.work);
    if (spec.overlay.mountProgram !== undefined) a.push('--mount-program', spec.overlay.mountProgram);
  }
  if (spec.hostname !== undefined) a.push('--hostname', spec.hostname);
  if (spec.domainname !== undefined) a.push('--domainname', spec.domainname);
  if (spec.cwd !== undefined) a.push('--cwd', spec.cwd);
  if (spec.user) a.push('--user', `${spec.user.uid}:${spec.user.gid}`);
  for (const [k, v] of Object.entries(spec.env ?? {})) a.push('--env', `${k}=${v}`);
  if (spec.net) a.push('--net', spec.net);
  a.push(...(spec.extra ?? []));
  a.push('--', ...spec.command);
  return a;
}

const RELAYED = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const;
const ENDURED = ['SIGINT', 'SIGQUIT', 'SIGWINCH'] as const;

export async function runHelper(opts: HelperOptions): Promise<HelperResult> {
  const userns = opts.userns ?? hostUserNamespace();
  const argv = [...namespaceArgs(userns), opts.mode, ...(opts.args ?? [])];
  const std: readonly StdioSlot[] =
    opts.stdio === undefined || opts.stdio === 'pipe' ? ['pipe', 'pipe', 'pipe'] : opts.stdio === 'inherit' ? ['inherit', 'inherit', 'inherit'] : opts.stdio;
  const stdio: StdioOptions = [...std, 'pipe'];
  const bin = helperPath();

  return new Promise<HelperResult>((resolve, reject) => {
    logDebug(`running tsc-run-helper: args=${JSON.stringify(argv)}`);
    const child = spawn(bin, argv, { stdio, cwd: opts.cwd, env: opts.env ?? process.env });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const errFd: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    const errStream = child.stdio[ERROR_FD] as NodeJS.ReadableStream | null;
    errStream?.on('data', (b: Buffer) => errFd.push(b));
    if (child.stdin) {
      // The payload may exit without reading its input; that is not our failure.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input ?? '');
    }

    const forward = opts.forwardSignals ?? std[0] === 'inherit';
    const relay = (sig: NodeJS.Signals) => {
      child.kill(sig);
    };
    const endure = () => {};
    if (forward) {
      for (const s of RELAYED) process.on(s, relay);
      for (const s of ENDURED) process.on(s, endure);
    }
    const unhook = () => {
      if (!forward) return;
      for (const s of RELAYED) process.off(s, relay);
      for (const s of ENDURED) process.off(s, endure);
    };

    child.on('error', (e) => {
      unhook();
      reject(new HelperError(`cannot start ${bin}: ${e.message}`, undefined, { cause: e }));
    });
    child.on('close', (code, signal) => {
      unhook();
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
      const failure = helperFailure(exitCode, Buffer.concat(errFd).toString('utf8'));
      if (failure) return reject(failure);
      resolve({ exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
