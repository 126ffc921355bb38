// The local machine's side of `cp`, as the user: reading a host path into
// entry records (for a container), and writing a container's entries under
// a host directory. Writing never goes through a symlink: entries arrive
// parent first, an existing leaf is removed rather than written through,
// files are created O_EXCL|O_NOFOLLOW, and a directory on the way that we
// did not make ourselves is checked with lstat first.

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError } from '../errors.js';
import type { EntryData, PutItem } from './fs-session.js';
import type { EntryType, FsEntry } from './records.js';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

function typeOf(st: fs.BigIntStats): EntryType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return undefined; // sockets travel in no archive
}

/** Host ids → the ids the entries carry (the container's view of them). */
export type IdMapper = (uid: number, gid: number) => { uid: number; gid: number };

function entryOf(st: fs.BigIntStats, type: EntryType, p: string, ids: IdMapper): FsEntry {
  const { uid, gid } = ids(Number(st.uid), Number(st.gid));
  const e: FsEntry = {
    type,
    path: p,
    mode: Number(st.mode) & 0o7777,
    uid,
    gid,
    size: type === 'file' ? Number(st.size) : 0,
    mtime: { sec: Number(st.mtimeNs / 1_000_000_000n), nsec: Number(st.mtimeNs % 1_000_000_000n) },
    xattrs: [],
  };
  if (type === 'char' || type === 'block') {
    const rdev = st.rdev;
    e.devmajor = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    e.devminor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  }
  return e;
}

/** Exactly `size` bytes of a file: a file that shrank is padded with zeros, one that grew is cut. */
async function* fileData(file: string, size: number): AsyncGenerator<Buffer> {
  const fh = await fs.promises.open(file, fs.constants.O_RDONLY | O_NOFOLLOW);
  try {
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(left, 256 * 1024));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      left -= bytesRead;
      yield buf.subarray(0, bytesRead);
    }
    if (left > 0) yield Buffer.alloc(left);
  } finally {
    await fh.close();
  }
}

/**
 * Entries of a host path (already resolved: not a symlink itself) and
 * everything under it, named by `name(walkPath)` (undefined: not sent).
 * Symlinks below the top are sent as symlinks, never followed.
 */
export async function* hostItems(top: string, name: (walkPath: string) => string | undefined, ids: IdMapper): AsyncGenerator<PutItem> {
  const links = new Map<string, string>();
  async function* visit(abs: string, rel: string): AsyncGenerator<PutItem> {
    const st = await fs.promises.lstat(abs, { bigint: true });
    const type = typeOf(st);
    const dest = name(rel);
    if (type && dest !== undefined) {
      const e = entryOf(st, type, dest, ids);
      const key = `${st.dev}:${st.ino}`;
      const first = type !== 'dir' && st.nlink > 1n ? links.get(key) : undefined;
      if (first !== undefined) {
        yield { entry: { ...e, type: 'hardlink', size: 0, linkname: first } };
      } else {
        if (type !== 'dir' && st.nlink > 1n) links.set(key, dest);
        if (type === 'symlink') e.linkname = await fs.promises.readlink(abs);
        yield type === 'file' ? { entry: e, data: fileData(abs, e.size) } : { entry: e };
      }
    }
    if (type === 'dir') {
      const names = (await fs.promises.readdir(abs)).sort();
      for (const n of names) yield* visit(path.join(abs, n), rel === '' ? n : `${rel}/${n}`);
    }
  }
  yield* visit(top, '');
}

/** Writes a container's entries under a host directory (as the user: files become the user's). */
export class HostWriter {
  /** Directories made or checked (relative), and their final modes and times. */
  private readonly dirs = new Set<string>(['']);
  private readonly pendingDirs: Array<{ rel: string; mode: number; mtime: FsEntry['mtime'] }> = [];

  /**
   * overwrite false (cp without --overwrite): a directory is never replaced
   * by a non-directory nor the reverse; podman's `file exists` error instead.
   */
  constructor(
    private readonly root: string,
    private readonly overwrite = true,
  ) {}

  private abs(rel: string): string {
    return path.join(this.root, rel);
  }

  /** Every directory on the way must be a real directory (never a symlink to elsewhere). */
  private async checkParents(rel: string): Promise<void> {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (this.dirs.has(dir)) continue;
      const st = await fs.promises.lstat(this.abs(dir)).catch(() => undefined);
      if (!st?.isDirectory()) throw new TscRunError(`copying to the host: ${this.abs(dir)} is not a directory (a symlink is never written through)`);
      this.dirs.add(dir);
    }
  }

  /** Remove what is at rel unless it is a directory and `keepDir`; true if a directory was kept. */
  private async clear(rel: string, keepDir: boolean): Promise<boolean> {
    const st = await fs.promises.lstat(this.abs(rel)).catch(() => undefined);
    if (!st) return false;
    if (st.isDirectory() && keepDir) return true;
    if (!this.overwrite && st.isDirectory() !== keepDir) {
      // As podman names it: relative to the destination directory, with the call that failed.
      throw new TscRunError(`copying to host: error creating "/${rel}": ${keepDir ? 'mkdir' : 'open'} /${rel}: file exists`);
    }
    await fs.promises.rm(this.abs(rel), { recursive: st.isDirectory(), force: true });
    return false;
  }

  /** One entry named `rel` (hard links: linkname is already the destination name of the first one). */
  async add(e: FsEntry, rel: string, data: EntryData): Promise<void> {
    if (rel.split('/').some((p) => p === '' || p === '.' || p === '..')) throw new TscRunError(`copying to the host: bad entry name ${JSON.stringify(rel)}`);
    await this.checkParents(rel);
    const target = this.abs(rel);
    const times = (t: FsEntry['mtime']) => new Date(t.sec * 1000 + Math.floor(t.nsec / 1e6));
    switch (e.type) {
      case 'dir':
        if (!(await this.clear(rel, true))) await fs.promises.mkdir(target, { mode: 0o700 });
        this.dirs.add(rel);
        this.pendingDirs.push({ rel, mode: e.mode, mtime: e.mtime });
        return;
      case 'file': {
        await this.clear(rel, false);
        const fh = await fs.promises.open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
        try {
          await data(async (chunk) => {
            await fh.write(chunk);
          });
          await fh.chmod(e.mode & 0o7777);
          await fh.utimes(times(e.mtime), times(e.mtime));
        } finally {
          await fh.close();
        }
        return;
      }
      case 'symlink':
        await this.clear(rel, false);
        await fs.promises.symlink(e.linkname ?? '', target);
        await fs.promises.lutimes(target, times(e.mtime), times(e.mtime));
        return;
      case 'hardlink': {
        const first = e.linkname ?? '';
        await this.checkParents(first);
        await this.clear(rel, false);
        await fs.promises.link(this.abs(first), target);
        return;
      }
      default:
        // Devices cannot be made as a user and podman skips them; Node has no mkfifo.
        return;
    }
  }

  /** Directory modes and times, deepest first, once nothing more is written into them. */
  async finish(): Promise<void> {
    for (const d of [...this.pendingDirs].reverse()) {
      const t = new Date(d.mtime.sec * 1000 + Math.floor(d.mtime.nsec / 1e6));
      await fs.promises.chmod(this.abs(d.rel), d.mode & 0o7777);
      await fs.promises.utimes(this.abs(d.rel), t, t);
    }
  }
}
