// volumes/<name>/{_data, volume.json}: each volume's data directory and its
// record. Created and changed under the volumes lock (locks/volumes.lock);
// volume.json is written atomically and last, so a directory without it is
// an interrupted create (invisible, replaced by the next create of that
// name). _data belongs to the user, which is root in the container; what
// containers write there may belong to sub-ids, so removal goes through the
// helper's rmtree.

import { engineConfig } from '../host/engine-config.js';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, isTempFileName } from '../storage/atomic-file.js';
import { parseJsonText, readJson, writeJsonAtomic } from '../storage/json-store.js';
import { withLock } from '../storage/lock.js';
import { NoSuchVolumeError, VolumeExistsError } from './errors.js';
import type { VolumeRecord } from '../storage/volume-types.js';

function validate(v: unknown): VolumeRecord {
  const r = v as Partial<VolumeRecord> | null;
  if (!r || typeof r.name !== 'string' || typeof r.createdAt !== 'string' || typeof r.labels !== 'object' || typeof r.options !== 'object') {
    throw new Error('malformed volume record');
  }
  return r as VolumeRecord;
}

export class VolumeStore {
  readonly dir: string;
  readonly lockPath: string;

  constructor(readonly dataRoot: string) {
    // --volumepath, or volume_path in containers.conf, moves the volumes (not their lock).
    this.dir = engineConfig().volumePath ?? path.join(dataRoot, 'volumes');
    this.lockPath = path.join(dataRoot, 'locks', 'volumes.lock');
  }

  volumeDir(name: string): string {
    return path.join(this.dir, name);
  }

  /** The mount point: what containers see. */
  dataDir(name: string): string {
    return path.join(this.dir, name, '_data');
  }

  private file(name: string): string {
    return path.join(this.dir, name, 'volume.json');
  }

  /** Run fn under the volumes lock (re-entrant). */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(this.lockPath, fn);
  }

  async get(name: string): Promise<VolumeRecord | undefined> {
    if (name === '' || name.includes('/') || name === '.' || name === '..') return undefined;
    return readJson<VolumeRecord | undefined>(this.file(name), { missing: undefined, validate });
  }

  async lookup(name: string): Promise<VolumeRecord> {
    const v = await this.get(name);
    if (!v) throw new NoSuchVolumeError(name);
    return v;
  }

  /** Every complete volume, by name. No lock: records are replaced atomically. */
  async list(): Promise<VolumeRecord[]> {
    let names: string[];
    try {
      names = fsSync.readdirSync(this.dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    const out: VolumeRecord[] = [];
    for (const n of names.sort()) {
      if (isTempFileName(n)) continue;
      const file = this.file(n);
      let text: string;
      try {
        text = fsSync.readFileSync(file, 'utf8');
      } catch (err) {
        if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') continue;
        throw err;
      }
      out.push(parseJsonText(file, text, validate));
    }
    return out;
  }

  /**
   * Store a new volume: its directory (0700) with an empty _data (0755),
   * then volume.json. `leftover` removes a directory an interrupted create
   * left behind (it may hold sub-id-owned files).
   */
  async create(record: VolumeRecord, leftover: (dir: string) => Promise<void>): Promise<VolumeRecord> {
    return this.locked(async () => {
      if (await this.get(record.name)) throw new VolumeExistsError(record.name);
      const dir = this.volumeDir(record.name);
      if (fsSync.existsSync(dir)) await leftover(dir);
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      await fs.mkdir(dir, { mode: 0o700 });
      await fs.mkdir(this.dataDir(record.name), { mode: 0o755 });
      await fs.chmod(this.dataDir(record.name), 0o755); // whatever our umask
      await writeJsonAtomic(this.file(record.name), record);
      return record;
    });
  }

  /** Read-modify-write of one record under the volumes lock. */
  async update(name: string, mutate: (r: VolumeRecord) => void): Promise<VolumeRecord> {
    return this.locked(async () => {
      const r = await this.lookup(name);
      mutate(r);
      await writeJsonAtomic(this.file(name), r);
      return r;
    });
  }

  /** The record goes first (the volume stops existing), then its tree through rmtree. */
  async remove(name: string, rmtree: (...paths: string[]) => Promise<void>): Promise<void> {
    await this.locked(async () => {
      await fs.rm(this.file(name), { force: true });
      await rmtree(this.volumeDir(name));
    });
  }
}
