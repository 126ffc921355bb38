// The build cache: step key → the image a step made. A key is the sha256 of
// the parent step's key, the instruction after substitution, what else the
// step's result depends on (RUN: its build args; COPY/ADD: the content
// digest of its sources) and the image format. One JSON file, changed under
// its lock; an entry whose image is gone is simply a miss.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { readJson, updateJson } from '../../storage/json-store.js';

interface CacheFile {
  entries: Record<string, { id: string; at: number }>;
}

export function stepKey(parent: string, ...parts: string[]): string {
  const h = createHash('sha256').update(parent);
  for (const p of parts) h.update('\0').update(p);
  return h.digest('hex');
}

export class LayerCache {
  private readonly file: string;
  private readonly lock: string;

  constructor(dataRoot: string) {
    this.file = path.join(dataRoot, 'build', 'cache.json');
    this.lock = path.join(dataRoot, 'locks', 'build-cache.lock');
  }

  /** The image id for a key, if recorded (and younger than ttlMs, when given). */
  async get(key: string, ttlMs?: number): Promise<string | undefined> {
    const empty: CacheFile = { entries: {} };
    // A cache file that cannot be read is an empty cache: it only costs a rebuild.
    const valid = (v: unknown): CacheFile => (typeof v === 'object' && v !== null && typeof (v as CacheFile).entries === 'object' && (v as CacheFile).entries !== null ? (v as CacheFile) : empty);
    const f: CacheFile = await readJson<CacheFile>(this.file, { missing: empty, validate: valid }).catch(() => empty);
    const e = f.entries[key];
    if (!e) return undefined;
    if (ttlMs !== undefined && Date.now() - e.at > ttlMs) return undefined;
    return e.id;
  }

  async set(key: string, id: string): Promise<void> {
    await updateJson<CacheFile>(this.file, this.lock, { entries: {} }, (f) => {
      f.entries ??= {};
      f.entries[key] = { id, at: Date.now() };
    }, { durable: false });
  }
}
