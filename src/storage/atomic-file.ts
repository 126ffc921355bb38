// Crash-safe file replacement: a reader (or the next run after a SIGKILL or
// power loss) sees either the old content or the new one, never a mix.
// Recipe: write a temp file in the same directory (rename is only atomic
// within one filesystem), fsync it (so the rename cannot reach the disk before
// the data), rename it over the target, fsync the directory (so the rename
// itself is durable). Temp files a killed writer leaves behind have a name no
// reader looks at, and sweepTempFiles removes them.

import fs from 'node:fs/promises';
import path from 'node:path';
import { pidIsRunning } from './proc-stamp.js';

export interface WriteAtomicOptions {
  /** Exact permission bits of the file (umask does not apply); default 0o644 minus umask. */
  mode?: number;
  /**
   * false: still atomic (temp + rename: old or new after any process crash),
   * but not fsynced, for state a power loss makes stale anyway (which
   * process runs a container). Default true.
   */
  durable?: boolean;
}

/** `.<name>.tmp-<pid>-<hex>`: hidden, and tells the sweeper which process wrote it. */
const TEMP_RE = /^\.(.+)\.tmp-(\d+)-[0-9a-f]+$/;

let tempSeq = 0;

/**
 * Unique without node:crypto (loading it cost stop and rm ~5 ms): the pid
 * tells live writers apart; the monotonic clock and a counter tell ours from
 * what a dead writer with a reused pid left behind.
 */
export function tempFileName(targetName: string): string {
  return `.${targetName}.tmp-${process.pid}-${process.hrtime.bigint().toString(16)}${(tempSeq++).toString(16)}`;
}

/** Whether a directory entry is an in-flight (or abandoned) temp file; listings should skip these. */
export function isTempFileName(name: string): boolean {
  return TEMP_RE.test(name);
}

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: WriteAtomicOptions = {},
): Promise<void> {
  const tmp = await writeTempBeside(file, data, options);
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  if (options.durable !== false) await fsyncDir(path.dirname(file));
}

/**
 * The first half of writeFileAtomic: data in a temp file beside `file`
 * (fsynced unless durable: false), whose path is returned. The caller
 * renames it over `file` (then fsyncs the directory), or removes it.
 */
export async function writeTempBeside(file: string, data: string | Uint8Array, options: WriteAtomicOptions = {}): Promise<string> {
  const tmp = path.join(path.dirname(file), tempFileName(path.basename(file)));
  // 'wx': never follow or reuse an existing name, even though ours is unique.
  const fh = await fs.open(tmp, 'wx', options.mode ?? 0o644);
  try {
    try {
      if (options.mode !== undefined) await fh.chmod(options.mode);
      await fh.writeFile(data);
      if (options.durable !== false) await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  return tmp;
}

/** Make entries created, renamed or removed in dir durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface SweepOptions {
  /** Temp files older than this are removed even if their pid runs (it may be reused). */
  maxAgeMs?: number;
  now?: number;
}

/**
 * Remove temp files left in dir by writers that died: those whose pid no
 * longer runs, or that are older than maxAgeMs (default one minute; a state
 * file write takes milliseconds, so an old one is abandoned and its pid reused).
 * Returns the names removed.
 */
export async function sweepTempFiles(dir: string, options: SweepOptions = {}): Promise<string[]> {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now();
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m) continue;
    const full = path.join(dir, name);
    let stale = !pidIsRunning(Number(m[2]));
    if (!stale) {
      const st = await fs.lstat(full).catch(() => undefined);
      stale = st !== undefined && now - st.mtimeMs > maxAgeMs;
    }
    if (!stale) continue;
    try {
      await fs.unlink(full);
      removed.push(name);
    } catch (err) {
      // Another sweeper, or the writer renaming it into place: either way it is gone.
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }
  return removed;
}

export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/** Whether p exists (lstat: a dangling symlink counts); errors other than ENOENT are thrown. */
export async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}
