// Run the built CLI the way a user would: the single executable, as the
// unprivileged test user (or root on request), with a clean environment and
// the sandbox's --root/--runroot, never the caller's own stores.

import { cliBinary, sharedUserDir } from './binary.js';
import type { ProcResult } from './proc.js';
import type { Sandbox } from './sandbox.js';
import { runAs, userFor, type As } from './user.js';

export interface TscRunOptions {
  /** Identity; defaults to the sandbox's owner, else the test user. */
  as?: As;
  sandbox?: Sandbox;
  input?: string | Buffer;
  /** Added to the clean environment (e.g. REGISTRY_AUTH_FILE). */
  env?: Record<string, string>;
  cwd?: string;
  /** Default 60 s; the process group is killed after it. */
  timeoutMs?: number;
  /** Words before the sandbox's --root/--runroot: `__complete` must be the first. */
  leading?: readonly string[];
}

export type TscRunResult = ProcResult;

/** Environment the CLI sees: HOME and XDG dirs inside the sandbox (or a per-run scratch home). */
function cliEnv(as: As, sb: Sandbox | undefined): Record<string, string> {
  const u = userFor(as);
  // One cache per user and run: the single executable unpacks itself there once.
  const env: Record<string, string> = { XDG_CACHE_HOME: sharedUserDir('cache', u.uid, u.gid) };
  if (sb) {
    env.HOME = sb.home;
    env.XDG_RUNTIME_DIR = sb.xdgRuntime;
  } else {
    // No sandbox: never touch the account's real home or stores.
    env.HOME = sharedUserDir('home', u.uid, u.gid);
    env.XDG_RUNTIME_DIR = sharedUserDir('xdg-runtime', u.uid, u.gid);
  }
  return env;
}

/**
 * Run `tsc-run ARGS`. With a sandbox, `--root`/`--runroot` point into it.
 * Without one, only commands that touch no storage make sense (version, help).
 */
export function tscRun(args: readonly string[], opts: TscRunOptions = {}): Promise<TscRunResult> {
  const as = opts.as ?? opts.sandbox?.as ?? 'user';
  const sb = opts.sandbox;
  if (sb && sb.as !== as) {
    throw new Error(`sandbox ${sb.name} belongs to ${sb.as}; make a separate sandbox for ${as}`);
  }
  const full = [...(opts.leading ?? []), ...(sb ? ['--root', sb.root, '--runroot', sb.runroot] : []), ...args];
  return runAs(as, cliBinary().bin, full, {
    input: opts.input,
    env: { ...cliEnv(as, sb), ...opts.env },
    cwd: opts.cwd ?? sb?.dir ?? '/',
    timeoutMs: opts.timeoutMs,
  });
}

/** tscRun that throws (with stdout and stderr) unless the exit code is 0. */
export async function tscRunOk(args: readonly string[], opts: TscRunOptions = {}): Promise<TscRunResult> {
  const r = await tscRun(args, opts);
  if (r.exitCode !== 0) {
    throw new Error(
      `tsc-run ${args.join(' ')} exited ${r.exitCode}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`,
    );
  }
  return r;
}
