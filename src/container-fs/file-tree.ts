// A tree of entry records by path, and the image's root as overlay shows it
// (layers merged bottom to top: a whiteout removes a path and all below it,
// an opaque directory hides everything the layers below had in it, a
// non-directory replaces a directory's contents). Pure.

import type { FsEntry } from './records.js';
import { OPAQUE_MARKER, OPAQUE_XATTRS, WHITEOUT_PREFIX } from '../storage/layers/whiteout.js';

export class TreeNode {
  readonly children = new Map<string, TreeNode>();
  constructor(
    public entry: FsEntry | undefined,
    readonly name: string,
    readonly parent: TreeNode | undefined,
  ) {}

  /** Absolute path in the tree (`/` for the root). */
  path(): string {
    if (!this.parent) return '/';
    const parts = [this.name];
    for (let n: TreeNode | undefined = this.parent; n?.parent; n = n.parent) parts.unshift(n.name);
    return `/${parts.join('/')}`;
  }

  isDir(): boolean {
    return this.entry?.type === 'dir';
  }

  /** Children in name order (output order does not depend on insertion). */
  sorted(): TreeNode[] {
    return [...this.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

export class FileTree {
  readonly root = new TreeNode(undefined, '', undefined);

  private walk(rel: string, create: boolean): TreeNode | undefined {
    let n = this.root;
    if (rel === '') return n;
    for (const part of rel.split('/')) {
      let c = n.children.get(part);
      if (!c) {
        if (!create) return undefined;
        c = new TreeNode(undefined, part, n);
        n.children.set(part, c);
      }
      n = c;
    }
    return n;
  }

  /** The node at a relative path (`` = the root), if the tree has an entry there. */
  get(rel: string): TreeNode | undefined {
    const n = this.walk(rel, false);
    return n?.entry || rel === '' ? n : undefined;
  }

  set(rel: string, entry: FsEntry): TreeNode {
    const n = this.walk(rel, true)!;
    n.entry = entry;
    return n;
  }

  remove(rel: string): void {
    const n = this.walk(rel, false);
    if (n?.parent) n.parent.children.delete(n.name);
  }

  /** A tree of one listing (entries relative to its top, `` the top itself). */
  static of(entries: Iterable<FsEntry>): FileTree {
    const t = new FileTree();
    for (const e of entries) t.set(e.path, e);
    return t;
  }
}

/** A 0:0 character device: overlay's whiteout. */
export function isWhiteout(e: FsEntry): boolean {
  return e.type === 'char' && e.devmajor === 0 && e.devminor === 0;
}

/** A directory marked opaque (overlay's `user.overlay.opaque=y`, or the other spellings vfs-apply honours). */
export function isOpaque(e: FsEntry): boolean {
  if (e.type !== 'dir') return false;
  const names = [...OPAQUE_XATTRS, 'trusted.overlay.opaque', 'user.fuseoverlayfs.opaque'];
  return e.xattrs.some((x) => names.includes(x.name) && x.value.toString('latin1') === 'y');
}

/** Apply one layer's listing (overlay form, parents before children) onto the tree below it. */
export function applyLayer(tree: FileTree, layer: Iterable<FsEntry>): void {
  for (const e of layer) {
    if (e.path === '') {
      tree.root.entry = e; // the top-most layer's root is what overlay shows
      continue;
    }
    if (isWhiteout(e)) {
      tree.remove(e.path);
      continue;
    }
    const below = tree.get(e.path);
    if (below && (e.type !== 'dir' || below.entry?.type !== 'dir' || isOpaque(e))) below.children.clear();
    tree.set(e.path, e);
  }
}

/** The merged root of layers given bottom first. */
export function mergeLayers(layers: Iterable<Iterable<FsEntry>>): FileTree {
  const t = new FileTree();
  for (const l of layers) applyLayer(t, l);
  return t;
}

/**
 * An upper dir entry as overlay means it. fuse-overlayfs keeps markers of
 * its own next to the opaque xattr (an `.wh..wh..opq` file, an `.wh..opq`
 * whiteout) and may write a whiteout as an `.wh.NAME` file: the markers are
 * dropped (the directory's xattr says it), such a file becomes the 0:0
 * device it stands for. undefined: no entry.
 */
export function upperEntry(e: FsEntry): FsEntry | undefined {
  const base = e.path.slice(e.path.lastIndexOf('/') + 1);
  if (!base.startsWith(WHITEOUT_PREFIX)) return e;
  if (base === OPAQUE_MARKER || base === '.wh..opq' || base.startsWith('.wh..wh.')) return undefined;
  if (e.type !== 'file') return undefined;
  const name = base.slice(WHITEOUT_PREFIX.length);
  const dir = e.path.slice(0, e.path.length - base.length);
  return { ...e, type: 'char', path: `${dir}${name}`, size: 0, devmajor: 0, devminor: 0, xattrs: [] };
}
