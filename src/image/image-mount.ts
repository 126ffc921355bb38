// `image mount` / `image unmount`: an image's layers as one read-only
// overlay on <root>/image-mounts/<id>/merged, in the caller's mount
// namespace (rootless: inside `tsc-run unshare`, as podman). A counter per
// image (<runroot>/image-mounts/<id>.json: count, path, mount namespace)
// is taken under a per-image lock: each mount adds one, each unmount takes
// one, the overlay goes when none is left (or with --force). Native
// overlay through the helper (`mount-rootfs --read-only`); a mount program
// (fuse-overlayfs) with lower layers only, which it serves read-only.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Roots } from '../config/paths.js';
import { TscRunError } from '../errors.js';
import { runHelper } from '../host/helper/helper.js';
import { helperTreeOps } from '../host/helper/tree-ops.js';
import type { DriverChoice } from '../host/storage-driver.js';
import { readJson, writeJsonAtomic } from '../storage/json-store.js';
import { LayerStore } from '../storage/layers/layer-store.js';
import { ensureShortLink, shortLinkPath } from '../storage/layers/short-links.js';
import { withLock } from '../storage/lock.js';
import type { ImageRecord } from '../storage/images.js';
import { currentMountNamespace, isMountPoint } from '../container-fs/mount-state.js';

interface ImageMountRecord {
  count: number;
  path: string;
  mntns: string;
}

function validate(v: unknown): ImageMountRecord {
  const r = v as Partial<ImageMountRecord> | null;
  if (!r || typeof r.count !== 'number' || typeof r.path !== 'string' || typeof r.mntns !== 'string') throw new Error('malformed image mount record');
  return r as ImageMountRecord;
}

const stateDir = (roots: Roots) => path.join(roots.runRoot, 'image-mounts');
const recordFile = (roots: Roots, id: string) => path.join(stateDir(roots), `${id}.json`);
const mountDir = (roots: Roots, id: string) => path.join(roots.dataRoot, 'image-mounts', id);

async function readRecord(roots: Roots, id: string): Promise<ImageMountRecord | undefined> {
  return readJson<ImageMountRecord | undefined>(recordFile(roots, id), { missing: undefined, validate });
}

async function writeRecord(roots: Roots, id: string, r: ImageMountRecord | undefined): Promise<void> {
  if (!r) {
    await fs.promises.rm(recordFile(roots, id), { force: true });
    return;
  }
  await fs.promises.mkdir(stateDir(roots), { recursive: true, mode: 0o700 });
  await writeJsonAtomic(recordFile(roots, id), r, { durable: false });
}

function locked<T>(roots: Roots, id: string, fn: () => Promise<T>): Promise<T> {
  return withLock(path.join(stateDir(roots), `${id}.lock`), fn);
}

/** Whether this namespace holds a live mount of the record. */
function live(r: ImageMountRecord | undefined): r is ImageMountRecord {
  return r !== undefined && r.mntns === currentMountNamespace() && isMountPoint(r.path);
}

async function lowerDirs(dataRoot: string, rec: ImageRecord): Promise<string[]> {
  const layers = await new LayerStore(dataRoot, helperTreeOps()).stack(rec.layers);
  const out: string[] = [];
  for (const l of [...layers].reverse()) {
    await ensureShortLink(dataRoot, l.id);
    out.push(shortLinkPath(dataRoot, l.id));
  }
  return out;
}

async function mountWithProgram(program: string, lower: string[], target: string): Promise<void> {
  for (const p of lower) if (/[,:]/.test(p)) throw new TscRunError(`cannot mount with ${program}: the path ${p} holds ',' or ':'`);
  const child = spawn(program, ['-o', `lowerdir=${lower.join(':')}`, target], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const code = await new Promise<number>((resolve) => {
    child.on('error', (e) => {
      out ||= e.message;
      resolve(127);
    });
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new TscRunError(`mounting with ${program}: ${out.trim().split('\n').pop() ?? `exit status ${code}`}`);
}

async function mountLayers(roots: Roots, rec: ImageRecord, driver: DriverChoice): Promise<string> {
  if (driver.driver === 'vfs') {
    throw new TscRunError('image mount needs the overlay storage driver: with vfs an image has no merged tree to mount (run a container from it and use `tsc-run mount`)');
  }
  if (!rec.layers.length) throw new TscRunError(`image ${rec.id.slice(0, 12)} has no layers to mount`);
  const dir = mountDir(roots, rec.id);
  const target = path.join(dir, 'merged');
  const upper = path.join(dir, 'upper');
  const work = path.join(dir, 'work');
  for (const d of [target, upper, work]) await fs.promises.mkdir(d, { recursive: true, mode: 0o700 });
  const lower = await lowerDirs(roots.dataRoot, rec);
  if (driver.mountProgram !== undefined) {
    await mountWithProgram(driver.mountProgram, lower, target);
  } else {
    const esc = (p: string) => p.replace(/[\\:]/g, (c) => `\\${c}`);
    await runHelper({ mode: 'mount-rootfs', args: [target, '--lower', lower.map(esc).join(':'), '--upper', upper, '--work', work, '--read-only'], userns: { kind: 'none' } });
  }
  return target;
}

/** Mount an image (or count one more user of its mount); returns the mount point. */
export async function mountImage(roots: Roots, rec: ImageRecord, driver: () => Promise<DriverChoice>): Promise<string> {
  return locked(roots, rec.id, async () => {
    const prev = await readRecord(roots, rec.id);
    if (live(prev)) {
      await writeRecord(roots, rec.id, { ...prev, count: prev.count + 1 });
      return prev.path;
    }
    const target = await mountLayers(roots, rec, await driver());
    await writeRecord(roots, rec.id, { count: 1, path: target, mntns: currentMountNamespace() });
    return target;
  });
}

/** One user less of the image's mount; unmounted when none is left (or `force`). False when it was not mounted here. */
export async function unmountImage(roots: Roots, id: string, force: boolean): Promise<boolean> {
  return locked(roots, id, async () => {
    const prev = await readRecord(roots, id);
    if (!prev) return false;
    if (!live(prev)) {
      // Made in another (or a vanished) namespace: nothing here to take down; forget it.
      await writeRecord(roots, id, undefined);
      return false;
    }
    const count = force ? 0 : prev.count - 1;
    if (count > 0) {
      await writeRecord(roots, id, { ...prev, count });
      return true;
    }
    await runHelper({ mode: 'umount-rootfs', args: [prev.path], userns: { kind: 'none' } });
    await writeRecord(roots, id, undefined);
    await fs.promises.rm(path.dirname(prev.path), { recursive: true, force: true }).catch(() => undefined);
    return true;
  });
}

/** Images mounted in this mount namespace, with their mount points. */
export async function mountedImages(roots: Roots): Promise<Array<{ id: string; path: string }>> {
  let names: string[];
  try {
    names = await fs.promises.readdir(stateDir(roots));
  } catch {
    return [];
  }
  const out: Array<{ id: string; path: string }> = [];
  for (const n of names) {
    const m = /^([0-9a-f]{64})\.json$/.exec(n);
    if (!m) continue;
    const r = await readRecord(roots, m[1]!).catch(() => undefined);
    if (live(r)) out.push({ id: m[1]!, path: r.path });
  }
  return out;
}
