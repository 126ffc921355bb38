// Spawning the helper's `exec` mode and reading what it says: the error fd
// (3, a failure line: 125/126/127), and the sync fd (4) where it writes
// `started` once the command runs and `detached` after the detach keys.
// Foreground: our stdio is the helper's (it relays the command's itself, so
// nothing passes through Node); its exit code is the command's. Detached
// (-d): we return at `started`; the helper carries on alone.

import { PRESERVE_FDS_BASE } from '../monitor/monitor-session.js';
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { HelperError } from '../../errors.js';
import { helperPath } from '../../host/helper/helper-path.js';
import { logDebug } from '../../format/log.js';

export type ExecEnd = { exit: number } | { detached: true };

export interface ExecHelperOptions {
  /** `exec` mode arguments (exec-args.ts). */
  args: readonly string[];
  detach: boolean;
  /** Foreground -i: the helper reads our stdin. */
  stdin: boolean;
  /** The command runs (the exec event); `helperPid` watches over it to its end. */
  onStarted?: (helperPid: number) => void;
  /** --preserve-fds N: our fds 3.. go to the helper at PRESERVE_FDS_BASE.. (its `--preserve-fds BASE:N`). */
  preserveFds?: number | undefined;
  /** Foreground only: the command's stdout and stderr are collected here instead of going to ours. */
  capture?: { stdout: Buffer[]; stderr: Buffer[] } | undefined;
}

const RELAYED = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const;
// The terminal sends these to our whole process group, the helper included: we must only survive them.
const ENDURED = ['SIGINT', 'SIGQUIT', 'SIGWINCH'] as const;

export async function runExecHelper(o: ExecHelperOptions): Promise<ExecEnd> {
  const bin = helperPath();
  const fg = !o.detach;
  const out = !fg ? 'ignore' : o.capture ? 'pipe' : 'inherit';
  const stdio: Array<'inherit' | 'ignore' | 'pipe' | number> = [fg && o.stdin ? 'inherit' : 'ignore', out, out, 'pipe', 'pipe'];
  let args = o.args;
  if (o.preserveFds) {
    while (stdio.length < PRESERVE_FDS_BASE) stdio.push('ignore');
    for (let k = 0; k < o.preserveFds; k++) stdio.push(3 + k);
    const at = args.indexOf('--');
    args = [...args.slice(0, at), '--preserve-fds', `${PRESERVE_FDS_BASE}:${o.preserveFds}`, ...args.slice(at)];
  }
  logDebug(`running tsc-run-helper: args=${JSON.stringify(['--error-fd', '3', 'exec', ...args])}`);
  const child = spawn(bin, ['--error-fd', '3', 'exec', ...args], { stdio });
  const relay = (sig: NodeJS.Signals) => {
    child.kill(sig);
  };
  const endure = () => {};
  if (fg) {
    for (const s of RELAYED) process.on(s, relay);
    for (const s of ENDURED) process.on(s, endure);
  }
  if (fg && o.capture) {
    const { stdout, stderr } = o.capture;
    child.stdout!.on('data', (b: Buffer) => stdout.push(b));
    child.stderr!.on('data', (b: Buffer) => stderr.push(b));
  }
  const errFd = child.stdio[3] as Socket;
  const sync = child.stdio[4] as Socket;
  const errChunks: Buffer[] = [];
  errFd.on('data', (b: Buffer) => errChunks.push(b));
  sync.on('error', () => {});
  sync.setEncoding('utf8');

  try {
    return await new Promise<ExecEnd>((resolve, reject) => {
      let buf = '';
      let settled = false;
      const leave = (end: ExecEnd) => {
        settled = true;
        // The helper goes on without us: do not wait for it.
        child.unref();
        errFd.destroy();
        sync.destroy();
        resolve(end);
      };
      sync.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while (!settled && (nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line === 'started') {
            if (child.pid !== undefined) o.onStarted?.(child.pid);
            if (o.detach) leave({ detached: true });
          } else if (line === 'detached') {
            leave({ detached: true });
          }
        }
      });
      child.on('error', (e) => reject(new HelperError(`cannot start ${bin}: ${e.message}`, undefined, { cause: e })));
      // 'close', not 'exit': the sync and error fds are read to their end first.
      child.on('close', (code, signal) => {
        if (settled) return;
        const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
        const errText = Buffer.concat(errChunks).toString('utf8');
        if (!errText && !o.detach) return resolve({ exit: exitCode });
        // Only a failure loads helper.ts (and its preflight): the common path stays light.
        void import('../../host/helper/helper.js').then(({ helperFailure }) => {
          const failure = helperFailure(exitCode, errText);
          if (failure) reject(failure);
          else if (o.detach) reject(new HelperError(`tsc-run-helper exited with status ${exitCode} before the command started`));
          else resolve({ exit: exitCode });
        }, reject);
      });
    });
  } finally {
    for (const s of RELAYED) process.off(s, relay);
    for (const s of ENDURED) process.off(s, endure);
  }
}
