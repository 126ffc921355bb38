// Extract the ESM bundle embedded in the single executable to
// <cache>/app-<hash>/ once. Readers only ever see a complete tree: files go
// to a temp dir which is renamed into place; when two first runs race, the
// loser drops its copy and uses the winner's.

import { closeSync, fsyncSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from './manifest.js';
import { isPrivate } from './private-dir.js';
import { randomSuffix, sha256 } from './verified-file.js';

export type ReadAsset = (file: string) => Uint8Array;

export function appDirName(m: Manifest): string {
  return `app-${m.hash.slice(0, 16)}`;
}

/** Each directory of the tree (relative, '' for the top) with the names it must hold: files, and subdirs. */
function treeOf(m: Manifest): Map<string, { files: Set<string>; dirs: Set<string> }> {
  const tree = new Map<string, { files: Set<string>; dirs: Set<string> }>();
  const node = (d: string) => {
    let n = tree.get(d);
    if (!n) tree.set(d, (n = { files: new Set(), dirs: new Set() }));
    return n;
  };
  node('');
  for (const { path: f } of m.files) {
    let cut = f.lastIndexOf('/');
    node(cut < 0 ? '' : f.slice(0, cut)).files.add(f.slice(cut + 1));
    // Every ancestor lists its child dir.
    while (cut > 0) {
      const d = f.slice(0, cut);
      const up = d.lastIndexOf('/');
      node(up < 0 ? '' : d.slice(0, up)).dirs.add(d.slice(up + 1));
      cut = up;
    }
  }
  return tree;
}

/**
 * Cheap check for every start (one lstat and one readdir per directory, not
 * one lstat per file: 512 files cost ~10-20 ms of every command): every
 * directory is ours and private, and holds each of its files as a regular
 * file. Content, sizes and file modes are trusted from there: only this user
 * (or root) can write into a private dir of theirs, and the tree was made
 * durable before it was renamed into place (extractApp), so a crash cannot
 * leave empty files behind a complete-looking tree.
 */
export function appIsIntact(dir: string, m: Manifest, uid: number): boolean {
  try {
    for (const [rel, want] of treeOf(m)) {
      const d = rel ? `${dir}/${rel}` : dir;
      const st = lstatSync(d);
      if (!st.isDirectory() || !isPrivate(st, uid)) return false;
      let files = 0;
      let dirs = 0;
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (want.files.has(e.name)) {
          if (!e.isFile()) return false;
          files++;
        } else if (want.dirs.has(e.name)) {
          if (!e.isDirectory()) return false;
          dirs++;
        }
      }
      if (files !== want.files.size || dirs !== want.dirs.size) return false;
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
    const dest = join(tmp, f.path);
    mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
    writeFileSync(dest, bytes, { mode: 0o400, flag: 'wx' });
  }
}

/**
 * Flush the new tree to disk before it becomes visible under its final
 * name: after a crash the app dir is then either absent or complete, which
 * is what lets appIsIntact skip the sizes. One syncfs (`sync -f`, coreutils)
 * instead of an fsync per file (512 fsyncs: seconds); once per version and user.
 */
function makeDurable(tmp: string): void {
  const r = process.getBuiltinModule('node:child_process').spawnSync('sync', ['-f', tmp], { stdio: 'ignore' });
  if (r.status === 0) return;
  // No `sync`: every file and directory on its own.
  const entries = readdirSync(tmp, { recursive: true, withFileTypes: true }).map((e) => join(e.parentPath, e.name));
  for (const p of [...entries, tmp]) {
    const fd = openSync(p, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

function renameInto(tmp: string, dir: string): boolean {
  try {
    renameSync(tmp, dir);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw err;
  }
}

/** Temp files and dirs a killed run left behind (an hour old: not a run in progress). */
export function pruneLeftovers(root: string, now = Date.now()): void {
  for (const e of readdirSync(root)) {
    if (!/^\.(app-tmp-|app-stale-|.*\.tmp$)/.test(e)) continue;
    const p = join(root, e);
    try {
      if (now - lstatSync(p).mtimeMs > 3600_000) rmSync(p, { recursive: true, force: true });
    } catch {
      /* raced with another run's cleanup */
    }
  }
}

export function extractApp(root: string, m: Manifest, read: ReadAsset, uid: number): { dir: string; extracted: boolean } {
  const dir = join(root, appDirName(m));
  if (appIsIntact(dir, m, uid)) return { dir, extracted: false };
  const tmp = mkdtempSync(join(root, '.app-tmp-')); // created 0700
  try {
    writeTree(tmp, m, read);
    makeDurable(tmp);
    pruneLeftovers(root);
    if (renameInto(tmp, dir)) return { dir, extracted: true };
    // Another run got there first, or a damaged copy is in the way.
    if (appIsIntact(dir, m, uid)) return { dir, extracted: false };
    const stale = join(root, `.app-stale-${randomSuffix()}`);
    try {
      renameSync(dir, stale);
    } catch {
      /* a racing run moved it already */
    }
    rmSync(stale, { recursive: true, force: true });
    if (renameInto(tmp, dir) || appIsIntact(dir, m, uid)) return { dir, extracted: true };
    throw new Error(`cannot extract the application to ${dir}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
