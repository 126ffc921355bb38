// Removing images (rmi, image rm, image prune), crash-safe and safe against
// concurrent commands:
//
//   1. under the containers lock, then the images lock (always this order):
//      refuse if a container uses the image (unless forced, which removes
//      those containers first), then mark the record `removing`: it
//      disappears from every lookup at once;
//   2. each layer no live image and no container uses loses its layer.json
//      under the same two locks (it stops being a complete layer, and
//      ImageStore.add refuses to record an image on it), then its directory
//      goes through the helper's rmtree under the layer's own lock;
//   3. under the two locks again: the blobs no live image references are
//      deleted (unless written since the removal began: a concurrent import
//      of the same content is storing them), then the record.
//
// Every step is idempotent; a removal cut short leaves a `removing` record
// that the next removal (any rmi or prune) finishes first.

import fs from 'node:fs/promises';
import path from 'node:path';
import { TscRunError } from '../errors.js';
import { errnoCode, pathExists } from '../storage/atomic-file.js';
import { BlobStore } from '../storage/blob-store.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import { ImageStore, type ImageRecord } from '../storage/images.js';
import type { TreeOps } from '../storage/layers/layer-store.js';
import { shortLinkPath } from '../storage/layers/short-links.js';
import { withLock } from '../storage/lock.js';
import { parseImageManifest } from './oci.js';

/** podman's refusal (exit code 2) to remove an image a container uses. */
export class ImageInUseError extends TscRunError {
  constructor(containerId: string) {
    super(`image used by ${containerId}: image is in use by a container: consider listing external containers and force-removing image`, 2);
  }
}

export interface RemovalContext {
  dataRoot: string;
  treeOps: TreeOps;
  /** Remove a container that uses an image being force-removed. */
  removeContainer: (c: ContainerRecord) => Promise<void>;
  /** Take down an `image mount` of an image being removed (podman's rmi unmounts it, with or without -f). */
  releaseMounts?: (id: string) => Promise<void>;
  /** A warning on stderr (podman's, e.g. for a damaged image removed anyway). */
  warn?: (msg: string) => void;
}

function containersLock(dataRoot: string): string {
  return path.join(dataRoot, 'locks', 'containers.lock');
}

/** Run fn holding the containers lock, then the images lock (the one order every image removal uses). */
async function underStoreLocks<T>(dataRoot: string, fn: () => Promise<T>): Promise<T> {
  return withLock(containersLock(dataRoot), () => withLock(new ImageStore(dataRoot).lock, fn));
}

/**
 * Step 1: mark the image `removing` unless a container uses it (then
 * ImageInUseError, or with `force` those containers are removed first).
 * Returns false if the image is already gone.
 */
export async function markForRemoval(ctx: RemovalContext, id: string, force: boolean): Promise<boolean> {
  const containers = new ContainerStore(ctx.dataRoot);
  const images = new ImageStore(ctx.dataRoot);
  if (force) {
    for (const c of (await containers.list()).filter((c) => c.image === id)) await ctx.removeContainer(c);
  }
  return underStoreLocks(ctx.dataRoot, async () => {
    const user = (await containers.list()).find((c) => c.image === id);
    if (user) throw new ImageInUseError(user.id);
    return images.update((f) => {
      const rec = f.images.find((i) => i.id === id);
      if (!rec) return false;
      rec.removing = true;
      return true;
    });
  });
}

/** Blobs an image names: config, manifest, and the manifest's layers (when the manifest is readable). */
async function blobsOf(blobs: BlobStore, img: ImageRecord): Promise<string[]> {
  if (img.list) return [img.digest]; // a manifest list: only its own blob
  const out = [`sha256:${img.id}`, img.digest];
  try {
    const m = parseImageManifest((await fs.readFile(blobs.path(img.digest))).toString('utf8'));
    out.push(m.config.digest, ...m.layers.map((l) => l.digest));
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err; // a missing manifest: nothing more to find
  }
  return out;
}

/** Steps 2 and 3 for an image marked `removing`. */
export async function finishRemoval(ctx: RemovalContext, id: string): Promise<void> {
  const images = new ImageStore(ctx.dataRoot);
  const containers = new ContainerStore(ctx.dataRoot);
  const target = (await images.listAll()).find((i) => i.id === id && i.removing);
  if (!target) return;
  // A blob written after this point was stored by a concurrent import or pull of the same content: not ours to delete.
  // (File times are coarse, hence the margin.)
  const startedMs = Date.now() - 10;
  const layerDir = (l: string) => path.join(ctx.dataRoot, 'layers', l);

  // Step 2a: layers nobody else uses stop being complete layers.
  const doomed = await underStoreLocks(ctx.dataRoot, async () => {
    const live = (await images.listAll()).filter((i) => !i.removing || i.id === id);
    if (!live.some((i) => i.id === id && i.removing)) return [];
    const used = new Set([
      ...live.filter((i) => i.id !== id).flatMap((i) => i.layers),
      ...(await containers.list()).flatMap((c) => c.layers),
    ]);
    const out = [...new Set(target.layers)].filter((l) => !used.has(l));
    for (const l of out) await fs.rm(path.join(layerDir(l), 'layer.json'), { force: true });
    return out;
  });

  // Step 2b: their trees go, each under its layer lock (an unpack of the same layer waits, or has re-completed it).
  const locks = [...doomed].sort().map((l) => path.join(ctx.dataRoot, 'locks', `layer-${l}.lock`));
  const holdAll = async (i: number): Promise<void> => {
    if (i < locks.length) return withLock(locks[i]!, () => holdAll(i + 1));
    const dirs: string[] = [];
    for (const l of doomed) {
      if (await pathExists(path.join(layerDir(l), 'layer.json'))) continue; // unpacked again meanwhile
      await fs.rm(shortLinkPath(ctx.dataRoot, l), { force: true });
      if (await pathExists(layerDir(l))) dirs.push(layerDir(l));
    }
    if (dirs.length) await ctx.treeOps.rmtree(...dirs);
  };
  await holdAll(0);

  // Step 3: blobs only this image referenced, then the record.
  const blobs = new BlobStore(ctx.dataRoot);
  await underStoreLocks(ctx.dataRoot, async () => {
    const all = await images.listAll();
    const rec = all.find((i) => i.id === id);
    if (!rec?.removing) return; // replaced by a new add meanwhile: keep everything
    const referenced = new Set<string>();
    for (const other of all) if (other.id !== id) for (const b of await blobsOf(blobs, other)) referenced.add(b);
    for (const b of new Set(await blobsOf(blobs, rec))) {
      if (referenced.has(b)) continue;
      const st = await fs.stat(blobs.path(b)).catch(() => undefined);
      if (st && st.mtimeMs < startedMs) await blobs.remove(b);
    }
    await images.update((f) => {
      f.images = f.images.filter((i) => !(i.id === id && i.removing));
    });
  });
}

/** Finish every removal a killed rmi or prune left behind; returns their ids. */
export async function finishPendingRemovals(ctx: RemovalContext): Promise<string[]> {
  const pending = (await new ImageStore(ctx.dataRoot).listAll()).filter((i) => i.removing).map((i) => i.id);
  for (const id of pending) await finishRemoval(ctx, id);
  return pending;
}

/** Mark and remove one image (steps 1-3). */
export async function removeImage(ctx: RemovalContext, id: string, force: boolean): Promise<boolean> {
  if (!(await markForRemoval(ctx, id, force))) return false;
  await ctx.releaseMounts?.(id);
  await finishRemoval(ctx, id);
  return true;
}
