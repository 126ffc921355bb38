// Run one process to completion and collect its output. The harness needs
// exact exit codes, stdin input, a hard timeout that kills the whole process
// group (containers leave children behind) and no shell in between.

import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface ProcResult {
  exitCode: number;
  /** Set when the process died from a signal (exitCode is then 128+N). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ProcOptions {
  input?: string | Buffer | undefined;
  /** The complete environment; nothing of the caller's leaks in. */
  env: Record<string, string>;
  cwd?: string | undefined;
  timeoutMs?: number | undefined;
}

export function runProcess(cmd: string, args: readonly string[], opts: ProcOptions): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env,
      cwd: opts.cwd,
      // Own process group, so a timeout can kill everything it started.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // A process that exits without reading its stdin makes the write fail; that is not our error.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      let stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) stderr += `\n[harness] ${cmd} ${args.join(' ')}: killed after ${opts.timeoutMs ?? 60_000} ms\n`;
      resolve({
        exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0),
        signal,
        stdout,
        stderr,
        timedOut,
      });
    });
  });
}
