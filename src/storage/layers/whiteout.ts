// OCI whiteouts ↔ overlayfs. In a layer tar, `DIR/.wh.NAME` deletes NAME of
// the layers below and `DIR/.wh..wh..opq` hides all of DIR below. overlayfs
// expresses the first as a 0:0 character device named NAME and the second as
// an "opaque" xattr on DIR. Pure.

/** Parent of a cleaned entry path (`a/b` → `a`, `a` → ``). */
function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** Other `.wh..wh.` names are AUFS bookkeeping (hardlink dirs), meaningless here. */
const AUFS_META_PREFIX = '.wh..wh.';

/**
 * xattrs that mark a directory opaque. One form serves every driver: native
 * overlay is always mounted with `userxattr` (required in a user namespace,
 * where `trusted.*` cannot be set; used as root too) and reads
 * `user.overlay.opaque`; fuse-overlayfs (1.10 checked) reads it as well, next
 * to its own `user.fuseoverlayfs.opaque`; vfs-apply honours all three. Its
 * own form is not written: native overlay would show it inside containers.
 */
export const OPAQUE_XATTRS: readonly string[] = ['user.overlay.opaque'];
export const OPAQUE_VALUE = Buffer.from('y');

export type WhiteoutKind =
  /** `.wh.NAME`: `path` is the hidden entry. */
  | { kind: 'whiteout'; path: string }
  /** `.wh..wh..opq`: `path` is the directory to make opaque. */
  | { kind: 'opaque'; path: string }
  /** Other `.wh..wh.*` metadata: drop it. */
  | { kind: 'ignore' };

/** What a cleaned entry path means as a whiteout, or undefined for an ordinary entry. */
export function classifyWhiteout(p: string): WhiteoutKind | undefined {
  const dir = parentOf(p);
  const base = dir === '' ? p : p.slice(dir.length + 1);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  if (base === OPAQUE_MARKER) return { kind: 'opaque', path: dir };
  if (base.startsWith(AUFS_META_PREFIX)) return { kind: 'ignore' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') return { kind: 'ignore' };
  return { kind: 'whiteout', path: dir === '' ? name : `${dir}/${name}` };
}
