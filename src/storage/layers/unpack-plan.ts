// Decides, entry by entry, what unpacking a layer tar does: which directories
// to create, what an entry replaces, what Node writes as the user, and, at
// the end, the fixup list for what only the helper can do inside the user
// namespace (ownership, setuid/setgid/sticky bits, device nodes and fifos,
// whiteouts, xattrs, directory times). Pure: it keeps its own picture of the
// tree it has built, so path-safety decisions never depend on the disk.

import type { FixupRecord } from './fixup-list.js';
import {
  UnsafeLayerEntryError,
  ancestorsOf,
  checkSymlink,
  entryPath,
  hardlinkTarget,
} from './path-safety.js';
import { OPAQUE_VALUE, OPAQUE_XATTRS, classifyWhiteout } from './whiteout.js';

/** The fields of a tar-stream header the planner reads. */
export interface LayerEntryHeader {
  name: string;
  type?: string | null;
  mode?: number | null;
  uid?: number | null;
  gid?: number | null;
  linkname?: string | null;
  mtime?: Date | null;
  devmajor?: number | null;
  devminor?: number | null;
  /** PAX extended header records (tar-stream passes them through untyped). */
  pax?: unknown;
}

/** The PAX records of a header as strings; anything else is ignored. */
function paxOf(h: LayerEntryHeader): Record<string, string> {
  if (typeof h.pax !== 'object' || h.pax === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h.pax)) if (typeof v === 'string') out[k] = v;
  return out;
}

export interface Timestamp {
  sec: number;
  nsec: number;
}

export interface PlanOptions {
  /**
   * Whether character and block devices can be created. In a user namespace
   * they cannot; podman skips them there, and so do we.
   */
  devices: boolean;
}

/** What Node does on disk for one entry, as the user. */
export type DiskOp =
  | { op: 'mkdir'; path: string }
  /** Write the entry's data, then set these permission bits. */
  | { op: 'file'; path: string; mode: number }
  | { op: 'symlink'; path: string; target: string }
  | { op: 'hardlink'; path: string; target: string }
  /** Nothing (existing directory, whiteout, device, fifo: metadata or helper work only). */
  | { op: 'none' };

export interface EntryStep {
  /** Missing ancestor directories to create first, outermost first. */
  mkdirs: string[];
  /** An earlier entry this one replaces: remove it first. */
  remove?: { path: string; recursive: boolean };
  disk: DiskOp;
  /** Modification time to give a file or symlink Node creates. */
  time: Timestamp | undefined;
}

export interface PlanResult {
  /** Permission bits Node restores on directories at the end, deepest first. */
  dirModes: { path: string; mode: number }[];
  fixups: FixupRecord[];
}

type NodeKind = 'dir' | 'file' | 'symlink' | 'special' | 'whiteout';

interface TreeNode {
  kind: NodeKind;
  uid: number;
  gid: number;
  mode: number;
  time: Timestamp | undefined;
  xattrs: [string, Buffer][];
  opaque: boolean;
  dev?: { kind: 'c' | 'b' | 'p'; major: number; minor: number };
  /** false for hardlinks: the inode's metadata belongs to the target's entry. */
  ownsMetadata: boolean;
}

const IMPLICIT_DIR_MODE = 0o755;

/**
 * Which xattrs from a layer are applied. Overlay's own xattrs are never
 * taken from a tarball (a layer could otherwise plant opaque dirs or
 * redirects); trusted.* cannot be set in a user namespace, and other
 * security.* labels belong to the host's LSM. user.* cannot be set on symlinks.
 */
export function keepXattr(name: string, kind: NodeKind): boolean {
  if (name.startsWith('user.')) {
    if (name.startsWith('user.overlay.') || name.startsWith('user.fuseoverlayfs.')) return false;
    return kind !== 'symlink';
  }
  return name === 'security.capability' && kind === 'file';
}

/** PAX `mtime` ("1700000000.5") or the header's whole seconds. */
export function entryTime(h: LayerEntryHeader): Timestamp | undefined {
  const pax = paxOf(h).mtime;
  if (pax !== undefined) {
    const m = /^(-?\d+)(?:\.(\d{1,9})\d*)?$/.exec(pax);
    if (m) return { sec: Number(m[1]), nsec: Number((m[2] ?? '').padEnd(9, '0')) };
  }
  if (h.mtime instanceof Date && !Number.isNaN(h.mtime.getTime())) {
    return { sec: Math.floor(h.mtime.getTime() / 1000), nsec: 0 };
  }
  return undefined;
}

function paxNumber(h: LayerEntryHeader, key: string): number | undefined {
  const v = paxOf(h)[key];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

const TYPE_ALIASES: Record<string, string> = { 'contiguous-file': 'file' };

export class UnpackPlanner {
  private readonly nodes = new Map<string, TreeNode>();
  /** Hardlinks to nodes only the helper creates: made by the helper after them. */
  private readonly deferredLinks: { path: string; target: string }[] = [];

  constructor(private readonly opts: PlanOptions) {
    this.nodes.set('', this.implicitDir());
  }

  private implicitDir(): TreeNode {
    return { kind: 'dir', uid: 0, gid: 0, mode: IMPLICIT_DIR_MODE, time: undefined, xattrs: [], opaque: false, ownsMetadata: true };
  }

  /**
   * Make sure every ancestor of `p` is a directory of this layer, creating
   * the missing ones; never through a symlink or a non-directory.
   */
  private ensureAncestors(raw: string, p: string, including = false): string[] {
    const mkdirs: string[] = [];
    const chain = including ? [...ancestorsOf(p), p] : ancestorsOf(p);
    for (const a of chain) {
      const n = this.nodes.get(a);
      if (n === undefined || n.kind === 'whiteout') {
        this.nodes.set(a, this.implicitDir());
        mkdirs.push(a);
      } else if (n.kind === 'symlink') {
        throw new UnsafeLayerEntryError(raw, `would be written through the symlink ${JSON.stringify(a)} of an earlier entry`);
      } else if (n.kind !== 'dir') {
        throw new UnsafeLayerEntryError(raw, `parent ${JSON.stringify(a)} is not a directory`);
      }
    }
    return mkdirs;
  }

  /** Forget `p` and, for a directory, everything below it. */
  private forget(p: string): void {
    this.nodes.delete(p);
    const prefix = p + '/';
    for (const k of [...this.nodes.keys()]) if (k.startsWith(prefix)) this.nodes.delete(k);
  }

  add(h: LayerEntryHeader): EntryStep {
    const raw = h.name;
    const p = entryPath(raw);
    const rawType = h.type ?? 'file';
    const type = TYPE_ALIASES[rawType] ?? rawType;
    const none: EntryStep = { mkdirs: [], disk: { op: 'none' }, time: undefined };

    const wh = p === '' ? undefined : classifyWhiteout(p);
    if (wh?.kind === 'ignore') return none;
    if (wh?.kind === 'opaque') {
      const mkdirs = this.ensureAncestors(raw, wh.path, true);
      this.nodes.get(wh.path)!.opaque = true;
      return { ...none, mkdirs };
    }
    if (wh?.kind === 'whiteout') {
      const mkdirs = this.ensureAncestors(raw, wh.path);
      // A whiteout hides lower layers only; an entry of this layer at that path stays.
      if (!this.nodes.has(wh.path)) {
        this.nodes.set(wh.path, { kind: 'whiteout', uid: 0, gid: 0, mode: 0, time: undefined, xattrs: [], opaque: false, ownsMetadata: true });
      }
      return { ...none, mkdirs };
    }

    const mkdirs = this.ensureAncestors(raw, p);
    const mode = (h.mode ?? (type === 'directory' ? 0o755 : 0o644)) & 0o7777;
    const time = entryTime(h);
    const meta = {
      uid: paxNumber(h, 'uid') ?? h.uid ?? 0,
      gid: paxNumber(h, 'gid') ?? h.gid ?? 0,
      mode,
      time,
      opaque: false,
      ownsMetadata: true,
    };
    const xattrsFor = (kind: NodeKind): [string, Buffer][] =>
      Object.entries(paxOf(h))
        // tar-stream decodes PAX values as UTF-8: a value that was not valid
        // UTF-8 arrives altered (U+FFFD), and a wrong xattr (a capability set!)
        // is worse than none.
        .filter(([k, v]) => k.startsWith('SCHILY.xattr.') && !v.includes('\uFFFD'))
        .map(([k, v]): [string, Buffer] => [k.slice('SCHILY.xattr.'.length), Buffer.from(v, 'utf8')])
        .filter(([name]) => keepXattr(name, kind));

    const existing = this.nodes.get(p);
    if (p === '' && type !== 'directory') throw new UnsafeLayerEntryError(raw, 'the layer root must be a directory');
    if (type === 'directory' && existing?.kind === 'dir') {
      // Same directory again: new metadata, children stay.
      Object.assign(existing, meta, { xattrs: xattrsFor('dir'), opaque: existing.opaque });
      return { mkdirs, disk: { op: 'none' }, time: undefined };
    }
    let remove: EntryStep['remove'];
    if (existing !== undefined) {
      if (existing.kind !== 'whiteout') remove = { path: p, recursive: existing.kind === 'dir' };
      this.forget(p);
    }
    const step = (disk: DiskOp, t: Timestamp | undefined = undefined): EntryStep =>
      remove ? { mkdirs, remove, disk, time: t } : { mkdirs, disk, time: t };

    switch (type) {
      case 'directory':
        this.nodes.set(p, { kind: 'dir', ...meta, xattrs: xattrsFor('dir') });
        return step({ op: 'mkdir', path: p });
      case 'file':
        this.nodes.set(p, { kind: 'file', ...meta, xattrs: xattrsFor('file') });
        return step({ op: 'file', path: p, mode: mode & 0o777 }, time);
      case 'symlink': {
        const target = h.linkname ?? '';
        checkSymlink(raw, p, target);
        this.nodes.set(p, { kind: 'symlink', ...meta, xattrs: xattrsFor('symlink') });
        return step({ op: 'symlink', path: p, target }, time);
      }
      case 'link': {
        const target = hardlinkTarget(raw, h.linkname ?? '');
        const t = this.nodes.get(target);
        if (target === p || t === undefined || t.kind === 'whiteout') {
          throw new UnsafeLayerEntryError(raw, `hardlink target ${JSON.stringify(h.linkname)} is not an earlier entry of this layer`);
        }
        if (t.kind === 'dir') throw new UnsafeLayerEntryError(raw, `hardlink target ${JSON.stringify(h.linkname)} is a directory`);
        this.nodes.set(p, { ...t, xattrs: [], opaque: false, ownsMetadata: false });
        if (t.kind === 'special') {
          this.deferredLinks.push({ path: p, target });
          return step({ op: 'none' });
        }
        return step({ op: 'hardlink', path: p, target });
      }
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        const kind = type === 'fifo' ? 'p' : type === 'character-device' ? 'c' : 'b';
        if (kind !== 'p' && !this.opts.devices) return step({ op: 'none' });
        const dev = { kind, major: h.devmajor ?? 0, minor: h.devminor ?? 0 } as const;
        this.nodes.set(p, { kind: 'special', ...meta, xattrs: xattrsFor('special'), dev });
        return step({ op: 'none' });
      }
      default:
        throw new UnsafeLayerEntryError(raw, `unsupported tar entry type ${JSON.stringify(rawType)}`);
    }
  }

  /** The directory modes Node restores and the helper's fixup list, once every entry is in. */
  finish(): PlanResult {
    const fixups: FixupRecord[] = [];
    const times: FixupRecord[] = [];
    const dirModes: { path: string; mode: number }[] = [];
    for (const [p, n] of this.nodes) {
      if (n.kind === 'whiteout') {
        fixups.push({ op: 'mknod', path: p, kind: 'c', major: 0, minor: 0, mode: 0 });
        continue;
      }
      if (!n.ownsMetadata) continue;
      if (n.kind === 'special' && n.dev) {
        fixups.push({ op: 'mknod', path: p, kind: n.dev.kind, major: n.dev.major, minor: n.dev.minor, mode: n.mode & 0o777 });
      }
      if (n.uid !== 0 || n.gid !== 0) fixups.push({ op: 'chown', path: p, uid: n.uid, gid: n.gid });
      if (n.kind === 'dir') dirModes.push({ path: p, mode: n.mode & 0o777 });
      // chown clears setuid/setgid, and the user may not set them: the helper sets them after.
      if (n.mode & 0o7000 && n.kind !== 'symlink') fixups.push({ op: 'chmod', path: p, mode: n.mode });
      for (const [name, value] of n.xattrs) fixups.push({ op: 'xattr', path: p, name, value });
      if (n.opaque) for (const name of OPAQUE_XATTRS) fixups.push({ op: 'xattr', path: p, name, value: OPAQUE_VALUE });
      // Creating entries inside a directory changes its mtime: set directories' times last.
      if ((n.kind === 'dir' || n.kind === 'special') && n.time) times.push({ op: 'mtime', path: p, ...n.time });
    }
    for (const l of this.deferredLinks) {
      if (this.nodes.get(l.path)?.ownsMetadata === false) fixups.push({ op: 'link', path: l.path, target: l.target });
    }
    dirModes.sort((a, b) => depth(b.path) - depth(a.path));
    return { dirModes, fixups: [...fixups, ...times] };
  }
}

function depth(p: string): number {
  return p === '' ? 0 : p.split('/').length;
}
