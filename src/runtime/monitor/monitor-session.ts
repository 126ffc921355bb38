// Talking to a starting monitor (docs/helper-protocol.md, "Start handshake"):
// spawn the helper's `run` mode with the error fd (3) and the sync socket
// (4: Node's stdio pipes are socketpairs), read the handshake line, say `ok`
// once the start is recorded; in the foreground, read the exit record (or
// `detached`) and say `done` once cleaned up.
//
//   const s = await startMonitor({ args, userns, stdio: 'foreground' | 'detached', stdin })
//   await record(s.handshake); s.ack();
//   const end = await s.end;            // foreground: { exit } | { detached } | { lost }
//   ...cleanup...; s.done();

import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { HelperError } from '../../errors.js';
import { helperFailure, namespaceArgs } from '../../host/helper/helper.js';
import { helperPath } from '../../host/helper/helper-path.js';
import type { UserNamespacePlan } from '../../host/preflight.js';
import { parseExitRecord, type ExitRecord } from '../container/container-state.js';
import { logDebug } from '../../format/log.js';

export interface Handshake {
  monitorPid: number;
  monitorStartTime: number;
  pid: number;
  pidStartTime: number;
}

/** How the foreground monitor ended: the container's exit, a detach, or the monitor died without a word. */
export type MonitorEnd = { exit: ExitRecord } | { detached: true } | { lost: number };

export interface MonitorSession {
  handshake: Handshake;
  /** The start is recorded: the monitor may carry on (else it kills the container when we go). */
  ack(): void;
  /** Foreground only. */
  end: Promise<MonitorEnd>;
  /** Foreground: we folded the exit into the store; no exit command needed. */
  done(): void;
}

/** One JSON line of the handshake. Pure. */
export function parseHandshake(line: string): Handshake {
  const v = JSON.parse(line) as Partial<Handshake>;
  for (const k of ['monitorPid', 'monitorStartTime', 'pid', 'pidStartTime'] as const) {
    if (!Number.isSafeInteger(v[k])) throw new Error(`handshake without ${k}: ${line}`);
  }
  return v as Handshake;
}

/** A later line from a foreground monitor. Pure. */
export function parseMonitorLine(line: string): MonitorEnd {
  const v = JSON.parse(line) as Record<string, unknown>;
  if (v.detached === true) return { detached: true };
  return { exit: parseExitRecord(v) };
}

export interface StartMonitorOptions {
  /** `run` mode arguments, monitor options included. */
  args: readonly string[];
  userns: UserNamespacePlan;
  detach: boolean;
  /** Foreground: give the helper our stdin (else /dev/null). */
  stdin: boolean;
  env?: NodeJS.ProcessEnv;
  /** run --preserve-fds N: our fds 3.. are given to the helper at PRESERVE_FDS_BASE.. (its `--preserve-fds BASE:N`). */
  preserveFds?: number | undefined;
  /** Foreground: one stream (a socket or pipe with a descriptor) for the helper's stdout and stderr both, instead of ours; the build's terminal view reads a step's output there in the monitor's order. */
  output?: Socket | undefined;
}

/** Where the helper receives --preserve-fds' descriptors (above its error and sync fds). */
export const PRESERVE_FDS_BASE = 10;

const RELAYED = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const;
// The terminal sends these to the whole group, the monitor included: we only must not die of them.
const ENDURED = ['SIGINT', 'SIGQUIT', 'SIGWINCH'] as const;

/** Reads `\n`-terminated lines from a socket as they come. */
function lineReader(sock: Socket): { next(): Promise<string | undefined> } {
  let buf = '';
  let ended = false;
  const waiting: Array<(l: string | undefined) => void> = [];
  const lines: string[] = [];
  const pump = () => {
    while (waiting.length && (lines.length || ended)) waiting.shift()!(lines.shift());
  };
  sock.setEncoding('utf8');
  sock.on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    pump();
  });
  const finish = () => {
    ended = true;
    pump();
  };
  sock.on('end', finish);
  sock.on('close', finish);
  sock.on('error', finish);
  return { next: () => new Promise((resolve) => (waiting.push(resolve), pump())) };
}

/**
 * Spawn the monitor and wait for its handshake. Rejects with the helper's
 * typed error (125 HelperError, 126/127 CommandInvokeError) when the
 * container could not start.
 */
export async function startMonitor(o: StartMonitorOptions): Promise<MonitorSession> {
  const bin = helperPath();
  const argv = [...namespaceArgs(o.userns), 'run', ...o.args];
  const fg = !o.detach;
  const out = fg ? (o.output ?? 'inherit') : 'ignore';
  const stdio: Array<'inherit' | 'ignore' | 'pipe' | number | Socket> = [fg && o.stdin ? 'inherit' : 'ignore', out, out, 'pipe', 'pipe'];
  if (o.preserveFds) {
    while (stdio.length < PRESERVE_FDS_BASE) stdio.push('ignore');
    for (let k = 0; k < o.preserveFds; k++) stdio.push(3 + k);
  }
  logDebug(`running tsc-run-helper: args=${JSON.stringify(argv)}`);
  const child = spawn(bin, argv, {
    stdio,
    env: o.env ?? process.env,
  });
  const relay = (sig: NodeJS.Signals) => {
    child.kill(sig);
  };
  const endure = () => {};
  if (fg) {
    for (const s of RELAYED) process.on(s, relay);
    for (const s of ENDURED) process.on(s, endure);
  }
  const unhook = () => {
    for (const s of RELAYED) process.off(s, relay);
    for (const s of ENDURED) process.off(s, endure);
  };

  const errChunks: Buffer[] = [];
  (child.stdio[3] as Socket).on('data', (b: Buffer) => errChunks.push(b));
  const errClosed = new Promise<void>((resolve) => (child.stdio[3] as Socket).on('close', () => resolve()));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (e) => reject(new HelperError(`cannot start ${bin}: ${e.message}`, undefined, { cause: e })));
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
  exited.catch(() => undefined);
  const sync = child.stdio[4] as Socket;
  sync.on('error', () => {});
  const lines = lineReader(sync);

  const failed = async (): Promise<never> => {
    unhook();
    const code = await exited;
    await errClosed;
    const err = helperFailure(code, Buffer.concat(errChunks).toString('utf8'));
    throw err ?? new HelperError(`tsc-run-helper exited with status ${code} before the container started`);
  };

  let first: string | undefined;
  try {
    first = await lines.next();
  } catch {
    first = undefined;
  }
  if (first === undefined) return failed();
  let handshake: Handshake;
  try {
    handshake = parseHandshake(first);
  } catch (e) {
    child.kill('SIGKILL');
    unhook();
    throw new HelperError(`tsc-run-helper: bad start handshake: ${(e as Error).message}`);
  }
  if (!fg) {
    // The first helper process exits once the monitor runs; its status says the start is complete.
    const code = await exited;
    if (code !== 0) return failed();
  }

  const end: Promise<MonitorEnd> = fg
    ? (async () => {
        const line = await lines.next();
        if (line !== undefined) {
          try {
            return parseMonitorLine(line);
          } catch {
            /* fall through: treat as lost */
          }
        }
        return { lost: await exited };
      })().finally(unhook)
    : Promise.resolve({ detached: true } as const);
  end.catch(() => undefined);

  return {
    handshake,
    ack() {
      sync.write('ok\n');
      if (!fg) sync.end();
    },
    end,
    done() {
      if (!sync.destroyed) sync.end('done\n');
      // Our side is finished; the monitor exits on its own.
      child.unref();
      (child.stdio[3] as Socket).destroy();
    },
  };
}
