// Extract the ESM bundle embedded in the single executable to
// <cache>/app-<hash>/ once. Readers only ever see a complete tree: files go
// to a temp dir which is renamed into place; when two first runs race, the
// loser drops its copy and uses the winner's.

import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from './manifest.js';
import { isPrivate } from './private-dir.js';
import { randomSuffix, sha256 } from './verified-file.js';

export type ReadAsset = (file: string) => Uint8Array;

export function appDirName(m: Manifest): string {
  return `app-${m.hash.slice(0, 16)}`;
}

/**
 * Cheap check for every start: the dir and each file are ours, private and
 * of the recorded size. Content is trusted from there: only this user (or
 * root) can have written into a private dir of theirs.
 */
export function appIsIntact(dir: string, m: Manifest, uid: number): boolean {
  try {
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || !isPrivate(st, uid)) return false;
    for (const f of m.files) {
      const fst = fs.lstatSync(path.join(dir, f.path));
      if (!fst.isFile() || !isPrivate(fst, uid) || fst.size !== f.size) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function writeTree(tmp: string, m: Manifest, read: ReadAsset): void {
  for (const f of m.files) {
    const bytes = read(f.path);
    if (sha256(bytes) !== f.sha256) throw new Error(`embedded ${f.path} does not match its recorded hash: the executable is corrupt`);
    const dest = path.join(tmp, f.path);
    fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
    fs.writeFileSync(dest, bytes, { mode: 0o400, flag: 'wx' });
  }
}

function renameInto(tmp: string, dir: string): boolean {
  try {
    fs.renameSync(tmp, dir);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw err;
  }
}

/** Temp files and dirs a killed run left behind (an hour old: not a run in progress). */
export function pruneLeftovers(root: string, now = Date.now()): void {
  for (const e of fs.readdirSync(root)) {
    if (!/^\.(app-tmp-|app-stale-|.*\.tmp$)/.test(e)) continue;
    const p = path.join(root, e);
    try {
      if (now - fs.lstatSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      /* raced with another run's cleanup */
    }
  }
}

export function extractApp(root: string, m: Manifest, read: ReadAsset, uid: number): { dir: string; extracted: boolean } {
  const dir = path.join(root, appDirName(m));
  if (appIsIntact(dir, m, uid)) return { dir, extracted: false };
  const tmp = fs.mkdtempSync(path.join(root, '.app-tmp-')); // created 0700
  try {
    writeTree(tmp, m, read);
    pruneLeftovers(root);
    if (renameInto(tmp, dir)) return { dir, extracted: true };
    // Another run got there first, or a damaged copy is in the way.
    if (appIsIntact(dir, m, uid)) return { dir, extracted: false };
    const stale = path.join(root, `.app-stale-${randomSuffix()}`);
    try {
      fs.renameSync(dir, stale);
    } catch {
      /* a racing run moved it already */
    }
    fs.rmSync(stale, { recursive: true, force: true });
    if (renameInto(tmp, dir) || appIsIntact(dir, m, uid)) return { dir, extracted: true };
    throw new Error(`cannot extract the application to ${dir}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
