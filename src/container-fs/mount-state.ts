// Where `mount` keeps its mount counter: <runroot>/containers/<id>/mount.json,
// {count, path, mntns}. A mount lives in the mount namespace it was made
// in (a `tsc-run unshare` session), so the record names that namespace;
// one made elsewhere, or in a namespace that is gone, is not ours to
// unmount. Plus reading /proc/self/mountinfo. Parsing is pure.

import fs from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../storage/atomic-file.js';
import { readJson, writeJsonAtomic } from '../storage/json-store.js';
import { containerRuntimePaths } from '../runtime/monitor/runtime-dir.js';

export interface MountRecord {
  count: number;
  path: string;
  /** readlink /proc/self/ns/mnt of the mounting process (`mnt:[4026531841]`). */
  mntns: string;
}

function validate(v: unknown): MountRecord {
  const r = v as Partial<MountRecord> | null;
  if (!r || typeof r.count !== 'number' || typeof r.path !== 'string' || typeof r.mntns !== 'string') throw new Error('malformed mount record');
  return r as MountRecord;
}

export function mountRecordFile(runRoot: string, id: string): string {
  return path.join(containerRuntimePaths(runRoot, id).dir, 'mount.json');
}

export async function readMountRecord(runRoot: string, id: string): Promise<MountRecord | undefined> {
  return readJson<MountRecord | undefined>(mountRecordFile(runRoot, id), { missing: undefined, validate });
}

export async function writeMountRecord(runRoot: string, id: string, r: MountRecord | undefined): Promise<void> {
  const file = mountRecordFile(runRoot, id);
  if (!r) {
    await fs.promises.rm(file, { force: true });
    return;
  }
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeJsonAtomic(file, r, { durable: false });
}

export function currentMountNamespace(): string {
  try {
    return fs.readlinkSync('/proc/self/ns/mnt');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return '';
    throw err;
  }
}

/** Mount points in a mountinfo text (field 5, octal escapes such as \040 decoded). */
export function mountPoints(mountinfo: string): Set<string> {
  const out = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4) out.add(f[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

export function isMountPoint(p: string): boolean {
  return mountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8')).has(p);
}
