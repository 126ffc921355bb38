// The per-user cache the single executable extracts into:
// $XDG_CACHE_HOME/tsc-run (default ~/.cache/tsc-run), else
// /tmp/tsc-run-cache-<uid> when the home is missing, read-only or unsafe.

import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { ensurePrivateDir } from './private-dir.js';

type Env = Record<string, string | undefined>;

function homeCacheBase(env: Env): string | undefined {
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return env.XDG_CACHE_HOME;
  let home = env.HOME;
  if (!home) {
    try {
      home = userInfo().homedir;
    } catch {
      return undefined;
    }
  }
  return home && isAbsolute(home) ? join(home, '.cache') : undefined;
}

export function cacheRootCandidates(env: Env, uid: number): string[] {
  const base = homeCacheBase(env);
  return [...(base ? [join(base, 'tsc-run')] : []), `/tmp/tsc-run-cache-${uid}`];
}

/** The first candidate that is (or can be made) a private dir of ours. */
export function resolveCacheRoot(env: Env = process.env, uid: number = process.getuid!()): string {
  const reasons: string[] = [];
  for (const dir of cacheRootCandidates(env, uid)) {
    try {
      mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
      ensurePrivateDir(dir, uid);
      return dir;
    } catch (err) {
      reasons.push((err as Error).message);
    }
  }
  throw new Error(`no usable cache directory: ${reasons.join('; ')}`);
}

// The SEA main resolves the root once and hands it to the ESM app, so both
// agree on it and the checks are not repeated.
const HANDOFF = Symbol.for('tsc-run.sea.cache-root');

export function publishCacheRoot(dir: string): void {
  (globalThis as Record<symbol, unknown>)[HANDOFF] = dir;
}

export function cacheRoot(): string {
  const published = (globalThis as Record<symbol, unknown>)[HANDOFF];
  if (typeof published === 'string') return published;
  const dir = resolveCacheRoot();
  publishCacheRoot(dir);
  return dir;
}
