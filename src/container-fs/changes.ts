// `diff`: what a container (or an image's top layer) changed, as podman
// (containers/storage pkg/archive) computes it. Pure.
//   overlayChanges  walk the upper dir: a whiteout is D; an opaque directory
//                   that the lower layers have is D (deleted, then made anew);
//                   anything else is A unless the lower layers have it (C),
//                   and a directory whose mode and time are unchanged is no
//                   change at all; an A or D makes its unrecorded parents C
//   naiveChanges    compare two full trees (vfs: the container's copy with its
//                   image), podman's ChangesDirs

import type { FsEntry } from './records.js';
import { FileTree, isOpaque, isWhiteout, upperEntry, type TreeNode } from './file-tree.js';

export type ChangeKind = 'A' | 'C' | 'D';

export interface Change {
  kind: ChangeKind;
  /** Absolute, as in the container. */
  path: string;
}

/** Paths podman's diff leaves out: mount points and files the runtime makes (libpod diff.go initInodes). */
const RUNTIME_PATHS = new Set([
  '/dev',
  '/etc/hostname',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/proc',
  '/run',
  '/run/notify',
  '/run/.containerenv',
  '/run/secrets',
  '/run/podman-init',
  '/sys',
  '/etc/mtab',
]);

export function withoutRuntimePaths(changes: readonly Change[]): Change[] {
  return changes.filter((c) => !RUNTIME_PATHS.has(c.path));
}

type Time = FsEntry['mtime'];

/** Times equal, allowing for a tar format that kept whole seconds (rounded either way). */
export function sameFsTime(a: Time, b: Time): boolean {
  if (a.sec === b.sec && a.nsec === b.nsec) return true;
  if (a.nsec !== 0 && b.nsec !== 0) return false;
  if (a.sec === b.sec) return true;
  if (b.nsec === 0 && a.sec === b.sec - 1) return true;
  if (a.nsec === 0 && a.sec - 1 === b.sec) return true;
  return false;
}

function abs(rel: string): string {
  return `/${rel}`;
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/**
 * Changes recorded by an overlay upper directory (its listing in walk
 * order: parents first, names sorted) over the merged lower layers.
 */
export function overlayChanges(upper: Iterable<FsEntry>, lower: FileTree): Change[] {
  const changes: Change[] = [];
  const changedDirs = new Set<string>();
  for (const raw of upper) {
    const e = upperEntry(raw);
    if (!e || e.path === '') continue;
    const p = abs(e.path);
    let kind: ChangeKind;
    const below = lower.get(e.path)?.entry;
    if (isWhiteout(e) || (isOpaque(e) && below !== undefined)) {
      kind = 'D';
    } else if (!below) {
      kind = 'A';
    } else {
      // A directory that is only there because something inside it changed.
      if (e.type === 'dir' && below.type === 'dir' && e.mode === below.mode && sameFsTime(e.mtime, below.mtime)) continue;
      kind = 'C';
    }
    if (e.type === 'dir') changedDirs.add(p);
    if (kind !== 'C') {
      const tail: Change[] = [];
      for (let dir = parentOf(p); dir !== '/'; dir = parentOf(dir)) {
        if (changedDirs.has(dir)) continue;
        tail.unshift({ kind: 'C', path: dir });
        changedDirs.add(dir);
      }
      changes.push(...tail);
    }
    changes.push({ kind, path: p });
  }
  return changes;
}

/** podman's statDifferent (+ the file capability): a directory's time and size are no measure of change. */
function statDifferent(a: FsEntry, b: FsEntry): boolean {
  if (a.type !== b.type || a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return true;
  if (a.devmajor !== b.devmajor || a.devminor !== b.devminor) return true;
  if (a.type !== 'dir' && (!sameFsTime(a.mtime, b.mtime) || a.size !== b.size || a.linkname !== b.linkname)) return true;
  const cap = (e: FsEntry) => e.xattrs.find((x) => x.name === 'security.capability')?.value.toString('hex') ?? '';
  return cap(a) !== cap(b);
}

/** Changes from `before` (the image) to `after` (a full copy of the container's root), as podman's ChangesDirs. */
export function naiveChanges(after: FileTree, before: FileTree): Change[] {
  const changes: Change[] = [];
  const added = new Set<TreeNode>();
  const visit = (node: TreeNode, old: TreeNode | undefined): void => {
    const atEntry = changes.length;
    if (!old && node.parent) {
      changes.push({ kind: 'A', path: node.path() });
      added.add(node);
    }
    const oldChildren = new Map(old && node.isDir() ? old.children : []);
    for (const child of node.sorted()) {
      const oldChild = oldChildren.get(child.name);
      if (oldChild?.entry && child.entry && statDifferent(oldChild.entry, child.entry)) {
        changes.push({ kind: 'C', path: child.path() });
        added.add(child);
      }
      oldChildren.delete(child.name);
      visit(child, oldChild?.entry ? oldChild : undefined);
    }
    for (const gone of [...oldChildren.values()].filter((c) => c.entry).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      changes.push({ kind: 'D', path: gone.path() });
    }
    // Changes inside a directory make it changed too (its permissions travel with them).
    if (changes.length > atEntry && node.isDir() && !added.has(node) && node.parent) {
      changes.splice(atEntry, 0, { kind: 'C', path: node.path() });
      added.add(node);
    }
  };
  visit(after.root, before.root);
  return changes;
}

/** podman's `diff --format json` body (empty lists left out). */
export function changesJson(changes: readonly Change[]): { changed?: string[]; added?: string[]; deleted?: string[] } {
  const pick = (k: ChangeKind) => changes.filter((c) => c.kind === k).map((c) => c.path);
  const out: { changed?: string[]; added?: string[]; deleted?: string[] } = {};
  if (pick('C').length) out.changed = pick('C');
  if (pick('A').length) out.added = pick('A');
  if (pick('D').length) out.deleted = pick('D');
  return out;
}
