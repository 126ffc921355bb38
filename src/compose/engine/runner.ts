// Compose drives the engine through tsc-run's own command line, as a child
// process of the same executable: every container, volume and image compose
// touches goes through exactly the code (checks, locks, events) a user's own
// `tsc-run create/start/rm` goes through, and a podman-compose-like client
// sees nothing compose could do that the CLI cannot.

import { spawn } from 'node:child_process';
import { seaRuntime } from '../../host/helper/embedded-helper.js';
import { TscRunError } from '../../errors.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

export interface Engine {
  /** Runs `tsc-run ARGS`, collecting its output; past timeoutMs it is killed (code -1, timedOut). */
  capture(args: readonly string[], input?: string, timeoutMs?: number, env?: Record<string, string>): Promise<RunResult>;
  /** Runs it with our stdio (an interactive `run`/`exec`); resolves to its exit code. */
  inherit(args: readonly string[]): Promise<number>;
  /** Runs it with stdout/stderr as streams (attached logs). */
  stream(args: readonly string[], onLine: (line: string, err: boolean) => void): { done: Promise<number>; kill: () => void };
  /** Like capture, but a failure throws its own `Error:` line. */
  must(args: readonly string[], input?: string): Promise<string>;
}

/** The engine behind this very process; `globals` are --root, --runroot etc. to pass on. */
export function selfEngine(globals: readonly string[]): Engine {
  const self = seaRuntime() ? [process.execPath] : [process.execPath, '--', process.argv[1]!]; // --: run's --env-file is not Node's
  const argv = (args: readonly string[]) => [...self.slice(1), ...globals, ...args];
  const capture = (args: readonly string[], input?: string, timeoutMs?: number, env?: Record<string, string>) =>
    new Promise<RunResult>((resolve, reject) => {
      const p = spawn(self[0]!, argv(args), { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
      let timedOut = false;
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        timedOut = true;
        p.kill('SIGKILL');
        // Processes it started may hold its pipes open: stop reading and answer now.
        p.stdout!.destroy();
        p.stderr!.destroy();
        resolve({ code: -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
      }, timeoutMs);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      p.stdout!.on('data', (b: Buffer) => out.push(b));
      p.stderr!.on('data', (b: Buffer) => err.push(b));
      p.on('error', reject);
      if (input !== undefined) p.stdin!.end(input);
      p.on('close', (code, sig) => {
        clearTimeout(timer);
        const text = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
        resolve(timedOut ? { code: -1, ...text, timedOut } : { code: code ?? (sig ? 128 : 1), ...text });
      });
    });
  return {
    capture,
    inherit: (args) =>
      new Promise<number>((resolve, reject) => {
        const p = spawn(self[0]!, argv(args), { stdio: 'inherit' });
        p.on('error', reject);
        p.on('close', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
      }),
    stream: (args, onLine) => {
      const p = spawn(self[0]!, argv(args), { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines = (err: boolean) => {
        let rest = '';
        return (b: Buffer) => {
          rest += b.toString('utf8');
          const parts = rest.split('\n');
          rest = parts.pop()!;
          for (const l of parts) onLine(l, err);
        };
      };
      p.stdout.on('data', lines(false));
      p.stderr.on('data', lines(true));
      const done = new Promise<number>((resolve) => {
        p.on('error', () => resolve(1));
        p.on('close', (code) => resolve(code ?? 0));
      });
      return { done, kill: () => p.kill('SIGTERM') };
    },
    must: async (args, input) => {
      const r = await capture(args, input);
      if (r.code !== 0) {
        const line = r.stderr.split('\n').filter(Boolean).pop() ?? `tsc-run ${args[0]} failed`;
        throw new TscRunError(line.replace(/^Error: /, ''), r.code);
      }
      return r.stdout;
    },
  };
}
