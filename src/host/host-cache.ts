// Probe results kept in the runtime root (like podman keeps its overlay
// checks in the runroot), so `info` spawns nothing on a warm run. It is a
// cache: unreadable or stale content is ignored, a failed write is harmless.

import fs from 'node:fs';
import path from 'node:path';

export interface CachedProgram {
  mtimeMs: number;
  size: number;
  version: string;
}

export interface HostCacheData {
  /** Native overlay probe, valid for one kernel release, uid and data root. */
  overlay?: { kernel: string; uid: number; dataRoot: string; ok: boolean; reason: string };
  /** `--version` output per executable path, valid while the file is unchanged. */
  programs?: Record<string, CachedProgram>;
}

export const HOST_CACHE_FILE = 'host-probes.json';

export class HostCache {
  private data: HostCacheData;
  private dirty = false;
  private readonly file: string;

  constructor(private readonly runRoot: string) {
    this.file = path.join(runRoot, HOST_CACHE_FILE);
    this.data = load(this.file);
  }

  get(): Readonly<HostCacheData> {
    return this.data;
  }

  update(patch: (d: HostCacheData) => void): void {
    patch(this.data);
    this.dirty = true;
  }

  /** Write back if anything changed: temp file + rename, so readers never see half a file. */
  save(): void {
    if (!this.dirty) return;
    try {
      fs.mkdirSync(this.runRoot, { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(this.data) + '\n', { mode: 0o600 });
      fs.renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      /* a read-only or foreign runroot just means probing again next time */
    }
  }
}

function load(file: string): HostCacheData {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}
