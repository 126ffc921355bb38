// Path-safety decisions for layer tar entries, made before anything touches
// the disk. A layer is untrusted input: an entry must not name a path outside
// the layer (`../x`, `/abs`), a link must not point outside it, and nothing
// may be written through a symlink the same archive planted earlier. Pure.

import path from 'node:path';
import { TscRunError } from '../../errors.js';

/** A tar entry the engine refuses to unpack; names the entry. */
export class UnsafeLayerEntryError extends TscRunError {
  constructor(
    readonly entry: string,
    readonly reason: string,
  ) {
    super(`refusing layer entry ${JSON.stringify(entry)}: ${reason}`);
  }
}

/**
 * The path of an entry relative to the layer root, cleaned: `./a//b/` → `a/b`,
 * `./` → `` (the root). Absolute paths and `..` components are refused.
 */
export function entryPath(rawName: string): string {
  if (rawName.includes('\0')) throw new UnsafeLayerEntryError(rawName, 'name contains a NUL byte');
  if (rawName.startsWith('/')) throw new UnsafeLayerEntryError(rawName, 'absolute path');
  const parts: string[] = [];
  for (const part of rawName.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new UnsafeLayerEntryError(rawName, 'path contains a ".." component');
    parts.push(part);
  }
  return parts.join('/');
}

/** Parent of a cleaned entry path (`a/b` → `a`, `a` → ``). */
export function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** Every proper ancestor of a cleaned path, outermost first (`a/b/c` → [``, `a`, `a/b`]). */
export function ancestorsOf(p: string): string[] {
  if (p === '') return [];
  const out = [''];
  const parts = p.split('/');
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/**
 * Where a symlink at `linkPath` with `target` points, resolved lexically
 * inside the layer, or undefined when it climbs above the layer root.
 * Absolute targets resolve from the root: that is where they point in the
 * container. (Symlinks are never followed while unpacking; this keeps a
 * layer from carrying links that lead out of any tree it is extracted to.)
 */
export function resolveSymlinkTarget(linkPath: string, target: string): string | undefined {
  const start = target.startsWith('/') ? [] : parentOf(linkPath).split('/').filter(Boolean);
  const stack = [...start];
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return undefined;
      stack.pop();
    } else {
      stack.push(part);
    }
  }
  return stack.join('/');
}

export function checkSymlink(rawName: string, linkPath: string, target: string): void {
  if (target === '') throw new UnsafeLayerEntryError(rawName, 'symlink with an empty target');
  if (target.includes('\0')) throw new UnsafeLayerEntryError(rawName, 'symlink target contains a NUL byte');
  if (resolveSymlinkTarget(linkPath, target) === undefined) {
    throw new UnsafeLayerEntryError(rawName, `symlink target ${JSON.stringify(target)} points outside the layer`);
  }
}

/** A hardlink's target is another entry of the same archive: same rules as entry names. */
export function hardlinkTarget(rawName: string, linkname: string): string {
  if (linkname.startsWith('/')) {
    throw new UnsafeLayerEntryError(rawName, `hardlink target ${JSON.stringify(linkname)} is an absolute path`);
  }
  if (linkname.split('/').includes('..')) {
    throw new UnsafeLayerEntryError(rawName, `hardlink target ${JSON.stringify(linkname)} points outside the layer`);
  }
  const t = entryPath(linkname);
  if (t === '') throw new UnsafeLayerEntryError(rawName, 'hardlink to the layer root');
  return t;
}

/** Join a cleaned entry path onto the directory it is unpacked into. */
export function onDisk(root: string, p: string): string {
  return p === '' ? root : path.join(root, p);
}
