// A container's changes as OCI layer tar entries ("and back again" of
// DESIGN §3): overlay's whiteout (a 0:0 character device) becomes an empty
// `.wh.NAME` file, an opaque directory keeps its entry and gains
// `DIR/.wh..wh..opq`, and overlay's own xattrs stay behind. The same
// whiteouts stand for the deletions of a vfs container. Pure.

import { OPAQUE_MARKER, WHITEOUT_PREFIX } from '../storage/layers/whiteout.js';
import { isOpaque, isWhiteout, upperEntry } from './file-tree.js';
import type { FsEntry } from './records.js';

export interface LayerEntry {
  entry: FsEntry;
  /** Name in the layer tar (relative, no `./`). */
  name: string;
  /** Whether the walked entry's data goes with this one. */
  withData: boolean;
}

/** Bookkeeping of overlay and fuse-overlayfs, meaningless in a layer. */
export function isOverlayXattr(name: string): boolean {
  return name.startsWith('user.overlay.') || name.startsWith('trusted.overlay.') || name.startsWith('user.fuseoverlayfs.');
}

function siblingName(p: string, base: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? base : `${p.slice(0, i + 1)}${base}`;
}

/** An empty regular file at `name`, as Docker/containers/storage write whiteouts. */
function markerFile(from: FsEntry, name: string, mode: number): FsEntry {
  return { type: 'file', path: name, mode, uid: from.uid, gid: from.gid, size: 0, mtime: from.mtime, xattrs: [] };
}

/** A whiteout for a deleted path (vfs commit). */
export function whiteoutFor(p: string, mtime: FsEntry['mtime']): LayerEntry {
  const name = siblingName(p, `${WHITEOUT_PREFIX}${p.slice(p.lastIndexOf('/') + 1)}`);
  return { entry: markerFile({ type: 'file', path: p, mode: 0, uid: 0, gid: 0, size: 0, mtime, xattrs: [] }, name, 0o600), name, withData: false };
}

/** The tar entries for one entry of an upper dir walk (none for its root). */
export function layerEntriesOf(raw: FsEntry): LayerEntry[] {
  const e = upperEntry(raw);
  if (!e || e.path === '') return [];
  if (isWhiteout(e)) {
    const name = siblingName(e.path, `${WHITEOUT_PREFIX}${e.path.slice(e.path.lastIndexOf('/') + 1)}`);
    return [{ entry: markerFile(e, name, 0o600), name, withData: false }];
  }
  const clean: FsEntry = { ...e, xattrs: e.xattrs.filter((x) => !isOverlayXattr(x.name)) };
  const out: LayerEntry[] = [{ entry: clean, name: e.path, withData: e.type === 'file' }];
  if (isOpaque(e)) {
    const name = `${e.path}/${OPAQUE_MARKER}`;
    out.push({ entry: markerFile(e, name, e.mode & 0o777), name, withData: false });
  }
  return out;
}

/**
 * layerEntriesOf over one walk. overlayfs (Linux ≥ 5.8) may make every
 * whiteout of an upper dir a hard link of one shared 0:0 device, which the
 * walk reports as hard links to the first whiteout: each is a whiteout of
 * its own path, not a link to another entry (a layer with such a link was
 * refused when stored: a container that deleted two files could not be
 * committed or built).
 */
export function layerEntryMapper(): (raw: FsEntry) => LayerEntry[] {
  const whiteouts = new Set<string>();
  const norm = (p: string) => p.replace(/^(\.\/|\/)+/, '');
  return (raw) => {
    if (raw.type === 'hardlink' && raw.linkname !== undefined && whiteouts.has(norm(raw.linkname))) {
      const { linkname: _l, ...rest } = raw;
      return layerEntriesOf({ ...rest, type: 'char', devmajor: 0, devminor: 0 });
    }
    const e = upperEntry(raw);
    if (e && isWhiteout(e)) whiteouts.add(norm(e.path));
    return layerEntriesOf(raw);
  };
}
