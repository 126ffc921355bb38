// Where per-user state lives: data root (images, layers, containers) and the
// runtime root (locks, volatile state), following XDG like rootless podman.

import os from 'node:os';
import path from 'node:path';
import { logDebugOnce } from '../format/log.js';

export interface Roots {
  /** Persistent store: `--root`, else $XDG_DATA_HOME/tsc-run. */
  dataRoot: string;
  /** Volatile state, gone at reboot: `--runroot`, else $XDG_RUNTIME_DIR/tsc-run. */
  runRoot: string;
}

export interface RootOverrides {
  root?: string | undefined;
  runroot?: string | undefined;
}

type Env = Record<string, string | undefined>;

export function homeDir(env: Env = process.env): string {
  return env.HOME || os.homedir();
}

/**
 * Whose stores these are: inside `tsc-run unshare` we are uid 0 of the
 * user's namespace, but the stores are still the user's (podman reads the
 * same _CONTAINERS_ROOTLESS_UID that unshare exports).
 */
export function storeOwnerUid(env: Env = process.env): number {
  const inner = env._CONTAINERS_USERNS_CONFIGURED ? Number(env._CONTAINERS_ROOTLESS_UID) : NaN;
  return Number.isSafeInteger(inner) && inner > 0 ? inner : process.getuid!();
}

export function defaultDataRoot(env: Env = process.env, uid = storeOwnerUid(env)): string {
  if (uid === 0) return '/var/lib/tsc-run';
  const base = env.XDG_DATA_HOME || path.join(homeDir(env), '.local', 'share');
  return path.join(base, 'tsc-run');
}

export function defaultRunRoot(env: Env = process.env, uid = storeOwnerUid(env)): string {
  if (uid === 0) return '/run/tsc-run';
  // Rootless podman falls back to /tmp when there is no usable XDG_RUNTIME_DIR.
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'tsc-run');
  return `/tmp/tsc-run-${uid}`;
}

export function resolveRoots(o: RootOverrides, env: Env = process.env): Roots {
  const roots = {
    dataRoot: path.resolve(o.root || defaultDataRoot(env)),
    runRoot: path.resolve(o.runroot || defaultRunRoot(env)),
  };
  logDebugOnce(`Using graph root ${roots.dataRoot}`);
  logDebugOnce(`Using run root ${roots.runRoot}`);
  return roots;
}

/** $XDG_CONFIG_HOME/containers: where podman's per-user config files live. */
export function containersConfigDir(env: Env = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(homeDir(env), '.config'), 'containers');
}

/** Per-user cache (helper binary, compiled code). */
export function cacheDir(env: Env = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(homeDir(env), '.cache'), 'tsc-run');
}
