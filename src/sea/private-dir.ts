// Ownership and mode checks for the per-user cache: code is loaded and run
// from there, so it is trusted only when nobody but this user could have
// written it.

import { chmodSync, lstatSync, mkdirSync, type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Owned by `uid` and not writable by group or others. */
export function isPrivate(st: Stats, uid: number): boolean {
  return st.uid === uid && (st.mode & 0o022) === 0;
}

/**
 * A parent others cannot rename our entries in: owned by us or root, and
 * not writable by group/others unless sticky (like /tmp).
 */
export function isSafeParent(st: Stats, uid: number): boolean {
  return (st.uid === uid || st.uid === 0) && ((st.mode & 0o022) === 0 || (st.mode & 0o1000) !== 0);
}

/**
 * Create `dir` 0700 (or accept an existing one) and make sure it is ours,
 * a real directory, private, inside a safe parent. Throws with the reason
 * otherwise.
 */
export function ensurePrivateDir(dir: string, uid: number): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (st.uid !== uid) throw new Error(`${dir} is owned by uid ${st.uid}, not ${uid}`);
  // Ours but loose (e.g. made by hand under a lax umask): tighten it.
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  const parent = statSync(dirname(dir));
  if (!isSafeParent(parent, uid)) throw new Error(`${dirname(dir)} is writable by other users`);
}
