// The files a COPY/ADD source names in the build context: globs expanded
// (Go's filepath.Match per element), ignore patterns applied, directories
// walked, symlinks found inside them sent as symlinks (never followed),
// hard links kept as links. Each entry carries what its cache digest needs.

import fs from 'node:fs/promises';
import path from 'node:path';
import { TscRunError } from '../../errors.js';
import { compilePattern, type IgnoreMatcher } from './ignore.js';
import { scopedResolve } from './scoped-path.js';

export interface ContextEntry {
  /** Context-relative path of the file (`` for the root). */
  rel: string;
  /** Name relative to the source's top (`` = the top itself). */
  sub: string;
  abs: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  mode: number;
  size: number;
  mtimeNs: bigint;
  ino: bigint;
  dev: bigint;
  nlink: bigint;
  linkname?: string;
}

export interface ContextSource {
  /** The source as written. */
  given: string;
  /** Context-relative path after resolution. */
  rel: string;
  isDir: boolean;
  entries: ContextEntry[];
}

const GLOB = /[*?[]/;

/** Paths in the context matching a glob source (whole relative path, element by element). */
async function globMatches(root: string, pattern: string, ignore: IgnoreMatcher): Promise<string[]> {
  const parts = pattern.split('/').filter((p) => p !== '' && p !== '.');
  let found = [''];
  for (const part of parts) {
    const next: string[] = [];
    for (const base of found) {
      if (!GLOB.test(part)) {
        const rel = base ? `${base}/${part}` : part;
        if (await fs.lstat(path.join(root, rel)).catch(() => undefined)) next.push(rel);
        continue;
      }
      const re = compilePattern(part);
      const dir = await scopedResolve(root, base);
      const names = await fs.readdir(path.join(root, dir)).catch(() => [] as string[]);
      for (const n of names.sort()) if (re.test(n)) next.push(base ? `${base}/${n}` : n);
    }
    found = next;
  }
  return found.filter((f) => !ignore.ignored(f));
}

async function walk(root: string, rel: string, sub: string, ignore: IgnoreMatcher, out: ContextEntry[], links: Map<string, string>, top: boolean): Promise<void> {
  const abs = path.join(root, rel);
  const st = await fs.lstat(abs, { bigint: true });
  const type: ContextEntry['type'] = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
  const e: ContextEntry = { rel, sub, abs, type, mode: Number(st.mode & 0o7777n), size: type === 'file' ? Number(st.size) : 0, mtimeNs: st.mtimeNs, ino: st.ino, dev: st.dev, nlink: st.nlink };
  if (type === 'symlink') e.linkname = await fs.readlink(abs);
  if (type === 'file' && st.nlink > 1n) {
    const key = `${st.dev}:${st.ino}`;
    const first = links.get(key);
    if (first !== undefined) Object.assign(e, { type: 'hardlink', size: 0, linkname: first });
    else links.set(key, sub);
  }
  if (type === 'other') return; // sockets, devices, fifos of a context are not copied
  if (!top || sub !== '' || type !== 'dir') out.push(e);
  if (type !== 'dir') return;
  let names: string[];
  try {
    names = (await fs.readdir(abs)).sort();
  } catch (err) {
    throw new TscRunError(`reading the build context: ${rel || '.'}: ${(err as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
  }
  for (const n of names) {
    const childRel = rel ? `${rel}/${n}` : n;
    if (ignore.ignored(childRel) && !(st.isDirectory() && ignore.mayReinclude(childRel))) continue;
    const childSub = sub ? `${sub}/${n}` : n;
    if (ignore.ignored(childRel)) {
      // An ignored directory may hold re-included files: walk it, keeping only those.
      const inner: ContextEntry[] = [];
      await walk(root, childRel, childSub, ignore, inner, links, false);
      out.push(...inner.filter((x) => !ignore.ignored(x.rel) || inner.some((y) => y.rel.startsWith(`${x.rel}/`) && !ignore.ignored(y.rel))));
      continue;
    }
    await walk(root, childRel, childSub, ignore, out, links, false);
  }
}

/** Resolve the sources of one COPY/ADD. Throws when a source matches nothing. */
export async function contextSources(root: string, given: readonly string[], ignore: IgnoreMatcher): Promise<ContextSource[]> {
  const out: ContextSource[] = [];
  for (const g of given) {
    const clean = path.posix.normalize(`/${g}`).slice(1);
    const matches = GLOB.test(clean) ? await globMatches(root, clean, ignore) : [clean];
    if (matches.length === 0) throw new TscRunError(`no source files were specified: ${JSON.stringify(g)} matches nothing in the build context`);
    for (const m of matches) {
      const rel = await scopedResolve(root, m);
      if (rel !== '' && ignore.ignored(rel) && !ignore.mayReinclude(rel)) {
        // buildah 1.28's words (podman's bats: ".dockerignore failure test").
        throw new TscRunError(`no items matching glob ${JSON.stringify(path.join(root, rel))} copied (1 filtered out${ignore.file ? ` using ${ignore.file}` : ''}): no such file or directory`);
      }
      const st = await fs.lstat(path.join(root, rel)).catch(() => undefined);
      if (!st) throw new TscRunError(`checking on sources under the context: copier: stat: ${JSON.stringify('/' + m)}: no such file or directory`);
      const entries: ContextEntry[] = [];
      await walk(root, rel, '', ignore, entries, new Map(), true);
      out.push({ given: g, rel, isDir: st.isDirectory(), entries });
    }
  }
  return out;
}
