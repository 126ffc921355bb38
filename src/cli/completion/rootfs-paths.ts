// Paths inside an image or a container for completion (`run IMG /us<TAB>`,
// `cp ctr:/et<TAB>`), read straight from its layer directories, top first,
// as overlayfs would merge them: a 0:0 character device is a whiteout that
// hides the name below. Symlinks are resolved inside that root, never on
// the host, and `..` stops at its top. Directories marked opaque (an xattr)
// are not read: at worst a deleted name of a lower layer is offered.

import fs from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';

export interface PathLayers {
  /** Directories, the top-most first, that together make the root. */
  dirs: readonly string[];
}

function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

/** What `p` (clean, absolute) is in the merged root, without following a final symlink. */
async function mergedLstat(layers: PathLayers, p: string): Promise<Stats | undefined> {
  for (const dir of layers.dirs) {
    const st = await fs.lstat(path.join(dir, p)).catch(() => undefined);
    if (!st) continue;
    return isWhiteout(st) ? undefined : st;
  }
  return undefined;
}

/** `p` with every symlink resolved inside the root (absolute targets start at its top). */
async function resolveInRoot(layers: PathLayers, p: string): Promise<string | undefined> {
  let todo = p.split('/').filter(Boolean);
  let at = '/';
  for (let hops = 0; todo.length > 0; ) {
    const part = todo.shift()!;
    const next = path.posix.resolve(at, part);
    const st = await mergedLstat(layers, next);
    if (!st) return undefined;
    if (!st.isSymbolicLink()) {
      at = next;
      continue;
    }
    if (++hops > 40) return undefined;
    let target: string | undefined;
    for (const dir of layers.dirs) {
      target = await fs.readlink(path.join(dir, next)).catch(() => undefined);
      if (target !== undefined) break;
    }
    if (target === undefined) return undefined;
    todo = [...target.split('/').filter(Boolean), ...todo];
    if (target.startsWith('/')) at = '/';
  }
  return at;
}

async function isDirectory(layers: PathLayers, p: string): Promise<boolean> {
  const real = await resolveInRoot(layers, p);
  if (real === undefined) return false;
  return (await mergedLstat(layers, real))?.isDirectory() ?? false;
}

/** The names in directory `dir` (resolved) of the merged root, each marked when it is a directory. */
async function mergedReaddir(layers: PathLayers, dir: string): Promise<Array<{ name: string; dir: boolean }>> {
  const seen = new Map<string, boolean>();
  const hidden = new Set<string>();
  for (const layer of layers.dirs) {
    const here = path.join(layer, dir);
    const st = await fs.lstat(here).catch(() => undefined);
    if (!st) continue;
    if (!st.isDirectory()) break; // a file or whiteout here hides the directory below
    const entries = await fs.readdir(here, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (seen.has(e.name) || hidden.has(e.name)) continue;
      if (e.isCharacterDevice()) {
        const cst = await fs.lstat(path.join(here, e.name)).catch(() => undefined);
        if (cst && isWhiteout(cst)) {
          hidden.add(e.name);
          continue;
        }
      }
      seen.set(e.name, e.isDirectory());
    }
  }
  const out: Array<{ name: string; dir: boolean }> = [];
  for (const [name, isDir] of seen) {
    const full = path.posix.join(dir, name);
    out.push({ name, dir: isDir || ((await mergedLstat(layers, full))?.isSymbolicLink() === true && (await isDirectory(layers, full))) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Entries of the directory `typedDir` (as typed: kept in front of each name) that start with `partial`. */
async function entriesUnder(layers: PathLayers, typedDir: string, partial: string): Promise<string[]> {
  const real = await resolveInRoot(layers, path.posix.resolve('/', typedDir || '.'));
  if (real === undefined) return [];
  const names = await mergedReaddir(layers, real);
  return names
    .filter((e) => e.name.startsWith(partial) && (partial.startsWith('.') || !e.name.startsWith('.')))
    .map((e) => `${typedDir}${e.name}${e.dir ? '/' : ''}`);
}

/**
 * Candidates for a typed path inside the root: the matching entries of its
 * directory, directories with a trailing `/`; when that leaves one
 * directory, its entries too, so `/et` offers `/etc/` and what is in it.
 * Nothing typed starts at `/`.
 */
export async function listRootPaths(layers: PathLayers, typed: string): Promise<string[]> {
  const t = typed === '' ? '/' : typed;
  const slash = t.lastIndexOf('/');
  const typedDir = slash < 0 ? '' : t.slice(0, slash + 1);
  const partial = t.slice(slash + 1);
  const found = await entriesUnder(layers, typedDir, partial);
  if (found.length === 1 && found[0]!.endsWith('/')) return [...found, ...(await entriesUnder(layers, found[0]!, ''))];
  return found;
}
