// The parsed config and manifest of every image, kept in one file so that
// `images` over 1,000 images reads one file instead of 2,000 blobs. Blobs are
// content-addressed: the entry for (config digest, manifest digest) can never
// be wrong, so the cache needs no invalidation and no lock. What can change is
// whether the blobs still exist (a damaged store, or a concurrent rmi), which
// is checked on every use (access(2), no read). Written atomically and not
// fsynced (a cache); concurrent writers each write a complete, correct file.
// Dropped entries are those of images no longer listed.

import fsSync from 'node:fs';
import path from 'node:path';
import { tempFileName } from '../storage/atomic-file.js';
import type { ImageConfig, ImageManifest } from './oci.js';

export interface CachedFacts {
  config: ImageConfig;
  configSize: number;
  /** undefined: the manifest blob was missing when the entry was made. */
  manifest?: ImageManifest;
  manifestSize?: number;
}

interface CacheFile {
  v: 1;
  /** `<config hex> <manifest digest>` → facts. */
  entries: Record<string, CachedFacts>;
}

export class ImageFactsCache {
  private readonly file: string;
  private entries: Record<string, CachedFacts> = {};
  private readonly used = new Set<string>();
  private changed = false;

  constructor(dataRoot: string) {
    this.file = path.join(dataRoot, 'images-index', 'facts.json');
    try {
      const c = JSON.parse(fsSync.readFileSync(this.file, 'utf8')) as CacheFile;
      if (c?.v === 1 && typeof c.entries === 'object' && c.entries !== null) this.entries = c.entries;
    } catch {
      /* missing or damaged: rebuilt from the blobs */
    }
  }

  static key(configHex: string, manifestDigest: string): string {
    return `${configHex} ${manifestDigest}`;
  }

  get(key: string): CachedFacts | undefined {
    return this.entries[key];
  }

  /** An entry that was used: kept at the next save (the others go). */
  keep(key: string): void {
    this.used.add(key);
  }

  set(key: string, facts: CachedFacts): void {
    this.entries[key] = facts;
    this.used.add(key);
    this.changed = true;
  }

  /** Write the cache if it gained entries or holds ones no image uses; best effort (a read-only store just reads blobs). */
  save(): void {
    const keys = Object.keys(this.entries);
    if (!this.changed && keys.every((k) => this.used.has(k))) return;
    const kept: Record<string, CachedFacts> = {};
    for (const k of keys) if (this.used.has(k)) kept[k] = this.entries[k]!;
    try {
      const dir = path.dirname(this.file);
      fsSync.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = path.join(dir, tempFileName('facts.json'));
      fsSync.writeFileSync(tmp, JSON.stringify({ v: 1, entries: kept } satisfies CacheFile), { mode: 0o600, flag: 'wx' });
      try {
        fsSync.renameSync(tmp, this.file);
      } catch (err) {
        fsSync.rmSync(tmp, { force: true });
        throw err;
      }
    } catch {
      /* a cache: the next reader reads the blobs again */
    }
  }
}
