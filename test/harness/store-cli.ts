// `cli` and `ok` bound to a store made later (in beforeAll), so a file
// states its CLI helpers once instead of repeating the same four lines.

import { expect } from 'vitest';
import { tscRun, type TscRunResult } from './cli.js';
import type { Sandbox } from './sandbox.js';

export interface StoreCliOptions {
  /** Per command; default 60 s. */
  timeoutMs?: number;
  /** `ok` also fails when the command prints anything on stderr. */
  quiet?: boolean;
}

export interface StoreCli {
  /** `tsc-run ARGS` in the store; `input` is its stdin, `env` is added to its environment. */
  cli: (args: readonly string[], more?: { input?: string; env?: Record<string, string> }) => Promise<TscRunResult>;
  /** The same, failing the test (naming the command and its stderr) unless it exits 0; gives stdout. */
  ok: (args: readonly string[]) => Promise<string>;
}

/** `const { cli, ok } = sandboxCli(() => sb)` beside `let sb` (a number is the timeout). */
export function sandboxCli(sandbox: () => Sandbox, opts: number | StoreCliOptions = {}): StoreCli {
  const { timeoutMs = 60_000, quiet = false } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const cli: StoreCli['cli'] = (args, more = {}) => tscRun(args, { sandbox: sandbox(), timeoutMs, ...more });
  const ok = async (args: readonly string[]): Promise<string> => {
    const r = await cli(args);
    expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    if (quiet) expect(r.stderr, args.join(' ')).toBe('');
    return r.stdout;
  };
  return { cli, ok };
}
