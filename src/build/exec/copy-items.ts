// What COPY and ADD put into a step container: entries named relative to
// the destination directory, with Docker's ownership (0:0 unless --chown),
// --chmod, and naming rules (a directory's contents, not the directory; a
// single file to a new name unless the destination is a directory). Pure
// apart from reading the files themselves.

import fs from 'node:fs';
import path from 'node:path';
import type { PutItem } from '../../container-fs/fs-session.js';
import type { FsEntry } from '../../container-fs/records.js';
import type { ContextSource } from '../context/context-walk.js';
import { looksLikeArchiveHead } from '../context/archive-magic.js';

export interface Ownership {
  uid: number;
  gid: number;
  /** --chmod: replaces every entry's permission bits. */
  mode?: number;
  /** COPY --from without --chown: each source path's own ids (buildah keeps them), by context-relative path. */
  owners?: ReadonlyMap<string, { uid: number; gid: number; mode: number }>;
}

function ownerOf(own: Ownership, rel: string): Ownership {
  const o = own.owners?.get(rel);
  return o ? { uid: o.uid, gid: o.gid, mode: own.mode ?? o.mode } : own;
}

function entry(type: FsEntry['type'], name: string, mode: number, size: number, mtimeNs: bigint, own: Ownership): FsEntry {
  return {
    type,
    path: name,
    mode: own.mode !== undefined && type !== 'symlink' ? own.mode : mode,
    uid: own.uid,
    gid: own.gid,
    size,
    mtime: { sec: Number(mtimeNs / 1_000_000_000n), nsec: Number(mtimeNs % 1_000_000_000n) },
    xattrs: [],
  };
}

async function* fileData(file: string, size: number): AsyncGenerator<Buffer> {
  const fh = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(left, 1024 * 1024));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      left -= bytesRead;
      yield buf.subarray(0, bytesRead);
    }
    if (left > 0) yield Buffer.alloc(left); // shrank meanwhile: exactly size bytes still
  } finally {
    await fh.close();
  }
}

/**
 * The items of one context source under `prefix` (a path relative to the
 * destination directory: `` for the directory itself). A file source is
 * named `fileName`.
 */
export async function* contextItems(src: ContextSource, prefix: string, fileName: string, own: Ownership): AsyncGenerator<PutItem> {
  const join = (sub: string) => [prefix, sub].filter(Boolean).join('/');
  // The destination directory the copy creates belongs to --chown's ids (else 0:0), not to the source's owner.
  if (prefix && src.isDir) yield { entry: entry('dir', prefix, 0o755, 0, BigInt(Date.now()) * 1_000_000n, { uid: own.uid, gid: own.gid, ...(own.mode !== undefined ? { mode: own.mode } : {}) }) };
  for (const e of src.entries) {
    const name = src.isDir ? join(e.sub) : join(fileName);
    const eo = ownerOf(own, e.rel);
    switch (e.type) {
      case 'dir':
        yield { entry: entry('dir', name, e.mode, 0, e.mtimeNs, eo) };
        break;
      case 'file':
        yield { entry: entry('file', name, e.mode, e.size, e.mtimeNs, eo), data: fileData(e.abs, e.size) };
        break;
      case 'symlink':
        yield { entry: { ...entry('symlink', name, 0o777, 0, e.mtimeNs, eo), linkname: e.linkname ?? '' } };
        break;
      case 'hardlink':
        yield { entry: { ...entry('hardlink', name, e.mode, 0, e.mtimeNs, eo), linkname: join(e.linkname ?? '') } };
        break;
      default:
        break;
    }
  }
}

/** One file with the given bytes (heredocs, downloads). */
export function bufferItem(name: string, data: Buffer, mode: number, mtime: Date, own: Ownership): PutItem {
  return { entry: entry('file', name, mode, data.length, BigInt(mtime.getTime()) * 1_000_000n, own), data };
}

/** A downloaded file (ADD URL) as one item. */
export function fileItem(name: string, file: string, size: number, mode: number, mtime: Date, own: Ownership): PutItem {
  return { entry: entry('file', name, mode, size, BigInt(mtime.getTime()) * 1_000_000n, own), data: fileData(file, size) };
}

/** Entries of a tar archive (ADD of a local archive): extracted under `prefix`, ownership as in the archive unless --chown. */
export async function* archiveItems(file: string, prefix: string, own: Ownership | undefined): AsyncGenerator<PutItem> {
  const { tarItems } = await import('../../container-fs/tar-io.js');
  for await (const item of tarItems(fs.createReadStream(file))) {
    const name = [prefix, item.entry.path].filter(Boolean).join('/');
    const e: FsEntry = { ...item.entry, path: name };
    if (e.type === 'hardlink') e.linkname = [prefix, item.entry.linkname ?? ''].filter(Boolean).join('/');
    if (own) Object.assign(e, { uid: own.uid, gid: own.gid });
    yield { entry: e, ...(item.data !== undefined ? { data: item.data } : {}) };
  }
}

/** Whether a file starts like a tar archive, plain or compressed (what ADD extracts). */
export async function looksLikeArchive(file: string): Promise<boolean> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    return looksLikeArchiveHead(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

export function baseOf(p: string): string {
  return path.posix.basename(p.replace(/\/+$/, '')) || '/';
}
