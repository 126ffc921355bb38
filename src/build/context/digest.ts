// Content digests of COPY/ADD sources for the layer cache, with a per-context
// cache of file hashes keyed by path, size, mtime and inode (as BuildKit
// does), so a large unchanged context is not read again. The cache is one
// JSON file per context directory, written atomically; losing it only costs
// a re-hash.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { readJson, writeJsonAtomic } from '../../storage/json-store.js';
import type { ContextEntry, ContextSource } from './context-walk.js';

type Stamp = [size: number, mtimeNs: string, ino: string, sha: string];

export class DigestCache {
  private entries: Record<string, Stamp> = {};
  private dirty = false;
  private readonly file: string | undefined;

  /** `dir` undefined: no cache on disk (a context unpacked from a tar). */
  constructor(dir: string | undefined, contextRoot: string) {
    this.file = dir ? path.join(dir, `${createHash('sha256').update(contextRoot).digest('hex').slice(0, 32)}.json`) : undefined;
  }

  async load(): Promise<void> {
    if (!this.file) return;
    this.entries = await readJson<Record<string, Stamp>>(this.file, { missing: {}, validate: (v) => (v && typeof v === 'object' ? (v as Record<string, Stamp>) : {}) }).catch(() => ({}));
  }

  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    // The directory is made here: without it every save failed silently and every build hashed the whole context again.
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 }).catch(() => undefined);
    await writeJsonAtomic(this.file, this.entries, { durable: false }).catch(() => undefined);
  }

  async fileSha(e: ContextEntry): Promise<string> {
    const hit = this.entries[e.rel];
    if (hit && hit[0] === e.size && hit[1] === String(e.mtimeNs) && hit[2] === String(e.ino)) return hit[3];
    const h = createHash('sha256');
    for await (const chunk of createReadStream(e.abs, { flags: 'r' })) h.update(chunk as Buffer);
    const sha = h.digest('hex');
    this.entries[e.rel] = [e.size, String(e.mtimeNs), String(e.ino), sha];
    this.dirty = true;
    return sha;
  }
}

/** One digest for the sources of a step: names, types, modes, link targets and file contents. */
export async function sourcesDigest(sources: readonly ContextSource[], cache: DigestCache): Promise<string> {
  const h = createHash('sha256');
  for (const s of sources) {
    h.update(`source\0${s.rel}\0${s.isDir ? 'd' : '-'}\n`);
    for (const e of s.entries) {
      const sha = e.type === 'file' ? await cache.fileSha(e) : '';
      h.update(`${e.sub}\0${e.type}\0${e.mode.toString(8)}\0${e.size}\0${e.linkname ?? ''}\0${sha}\n`);
    }
  }
  return `sha256:${h.digest('hex')}`;
}
