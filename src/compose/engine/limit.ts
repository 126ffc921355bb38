// compose's global --parallel N (COMPOSE_PARALLEL_LIMIT) and --verbose, as
// wrappers of the engine: at most N of the engine commands that do work on
// images, containers, networks and volumes run at once (docker compose's
// MaxConcurrency over its pulls, builds, creates, starts, stops and
// removals); commands that wait or stream (`wait`, `logs -f`, `attach`,
// `events`, `exec`) are never held back, so an attached `up` cannot block
// itself. --verbose prints every engine command before it runs.

import { ComposeError } from '../errors.js';
import type { Engine, RunResult } from './runner.js';

const LIMITED = new Set(['pull', 'push', 'build', 'create', 'run', 'start', 'stop', 'restart', 'kill', 'rm', 'pause', 'unpause', 'network', 'volume', 'commit', 'cp', 'rmi']);

/** A counting semaphore: run() waits for one of `max` slots. */
export function semaphore(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let busy = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (busy >= max) await new Promise<void>((resolve) => queue.push(resolve));
    else busy++;
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else busy--;
    }
  };
}

/** At most `max` limited commands at once (max <= 0: no limit). */
export function limitedEngine(e: Engine, max: number): Engine {
  if (max <= 0) return e;
  const slot = semaphore(max);
  const limited = (args: readonly string[]) => LIMITED.has(args[0] ?? '');
  return {
    ...e,
    capture: (args, input, timeoutMs, env): Promise<RunResult> => (limited(args) ? slot(() => e.capture(args, input, timeoutMs, env)) : e.capture(args, input, timeoutMs, env)),
    must: (args, input) => (limited(args) ? slot(() => e.must(args, input)) : e.must(args, input)),
  };
}

/** Each engine command on `trace` (`DEBU[0000] tsc-run create ...`) before it runs. */
export function tracedEngine(e: Engine, trace: (line: string) => void): Engine {
  const show = (args: readonly string[]) => trace(`DEBU[0000] tsc-run ${args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`);
  return {
    capture: (args, input, timeoutMs, env) => (show(args), e.capture(args, input, timeoutMs, env)),
    inherit: (args) => (show(args), e.inherit(args)),
    stream: (args, onLine) => (show(args), e.stream(args, onLine)),
    must: (args, input) => (show(args), e.must(args, input)),
  };
}

/** --parallel's value, else COMPOSE_PARALLEL_LIMIT's, in docker compose's words when not a whole number. */
export function parallelLimit(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): number {
  const whole = (v: string) => (/^[+-]?\d+$/.test(v.trim()) ? Number(v.trim()) : undefined);
  if (flag !== undefined) {
    const n = whole(flag);
    if (n === undefined) throw new ComposeError(`invalid argument ${JSON.stringify(flag)} for "--parallel" flag: strconv.ParseInt: parsing ${JSON.stringify(flag)}: invalid syntax`);
    return n;
  }
  const v = env.COMPOSE_PARALLEL_LIMIT;
  if (v === undefined) return -1;
  const n = whole(v);
  if (n === undefined) throw new ComposeError(`COMPOSE_PARALLEL_LIMIT must be an integer (found: ${JSON.stringify(v)})`);
  return n;
}
