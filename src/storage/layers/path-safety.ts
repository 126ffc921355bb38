// Path-safety decisions for layer tar entries, made before anything touches
// the disk. A layer is untrusted input: an entry must not name a path outside
// the layer (`../x`, `/abs`), a hardlink must name an entry of the layer, and
// nothing may be written through a symlink the same archive planted earlier.
// A symlink's target is data: stored as it is, it is resolved at run time
// inside the container's root, where `..` stops at `/` (real images ship
// `usr/bin/x -> ../../../../bin/busybox`). Pure.

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
 * Where a symlink at `linkPath` with `target` points in the container,
 * resolved lexically from the root: absolute targets start there, and `..`
 * at the root stays at the root, as the kernel resolves it inside the
 * container. (Nothing here follows links on the host: the unpacker never
 * writes through a symlink, see unpack-plan.ts.)
 */
export function resolveSymlinkTarget(linkPath: string, target: string): string {
  const stack = target.startsWith('/') ? [] : parentOf(linkPath).split('/').filter(Boolean);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') stack.pop();
    else stack.push(part);
  }
  return stack.join('/');
}

/** A symlink is stored as the layer has it; only a target no file system can hold is refused. */
export function checkSymlink(rawName: string, _linkPath: string, target: string): void {
  if (target === '') throw new UnsafeLayerEntryError(rawName, 'symlink with an empty target');
  if (target.includes('\0')) throw new UnsafeLayerEntryError(rawName, 'symlink target contains a NUL byte');
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
