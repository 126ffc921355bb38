// Record planned images in the store, in the order that keeps it
// consistent at every instant: layers first (each complete only once its
// layer.json exists), then config and manifest blobs, images.json last. A
// failure takes back what this load added and no image uses; a SIGKILL
// leaves only things the next load or `system check` cleans up (incomplete
// layer dirs, unused blobs), never a half image.

import fs from 'node:fs';
import path from 'node:path';
import { DigestMismatchError, type BlobStore } from '../../storage/blob-store.js';
import { ImageStore } from '../../storage/images.js';
import { chainId, type LayerRecord, type LayerStore, type TreeOps } from '../../storage/layers/layer-store.js';
import { measureLayer } from '../../storage/layers/measure.js';
import { shortLinkPath } from '../../storage/layers/short-links.js';
import { withLock } from '../../storage/lock.js';
import type { CopyProgress } from '../progress.js';
import { mapLimit } from '../registry/pool.js';
import type { PlannedImage, PlannedLayer } from './plan.js';

/** Layers unpacked at once. */
const UNPACK_PARALLELISM = 2;

export interface StoredImage {
  id: string;
  names: string[];
}

/** Plans for the same image (one manifest listed under several names) become one, names merged. */
export function mergePlans(plans: readonly PlannedImage[]): PlannedImage[] {
  const byKey = new Map<string, PlannedImage>();
  for (const p of plans) {
    const key = `${p.configDigest} ${p.manifestDigest}`;
    const seen = byKey.get(key);
    if (seen) seen.names = [...new Set([...seen.names, ...p.names])];
    else byKey.set(key, { ...p, names: [...p.names] });
  }
  return [...byKey.values()];
}

export class ImageWriter {
  /** Layers this writer unpacked: removed again if the load fails and no image uses them. */
  private readonly newLayers: string[] = [];
  /** Blobs that images recorded by this writer use. */
  private readonly used = new Set<string>();

  constructor(
    private readonly dataRoot: string,
    private readonly blobs: BlobStore,
    private readonly layers: LayerStore,
    private readonly ops: TreeOps,
    private readonly progress: CopyProgress,
    /** Blobs the load added to the store so far (it adds config and manifest blobs here too). */
    private readonly fresh: Set<string>,
  ) {}

  async store(plan: PlannedImage): Promise<StoredImage> {
    // Chain ids come from the diffIDs alone, so layers unpack side by side (disk waits overlap).
    const parents: Array<string | null> = [];
    let parent: string | null = null;
    for (const l of plan.layers) {
      parents.push(parent);
      parent = chainId(parent, l.diffId);
    }
    const records = await mapLimit(plan.layers, UNPACK_PARALLELISM, (l, i) => this.layer(parents[i]!, l));
    const ids = records.map((r) => r.id);
    const size = records.reduce((n, r) => n + r.size, 0);
    this.progress.emit({ type: 'config', digest: plan.configDigest });
    await this.put(plan.config, plan.configDigest);
    this.progress.emit({ type: 'manifest' });
    await this.put(plan.manifest, plan.manifestDigest);
    const record = await new ImageStore(this.dataRoot).add({
      id: plan.configDigest.slice('sha256:'.length),
      names: plan.names,
      digest: plan.manifestDigest,
      digests: [plan.manifestDigest],
      manifestMediaType: plan.manifestMediaType,
      layers: ids,
      created: plan.created ?? new Date(0).toISOString(),
      added: new Date().toISOString(),
      size,
    });
    for (const d of [plan.configDigest, plan.manifestDigest, ...plan.layers.map((l) => l.blob.digest)]) this.used.add(d);
    this.progress.emit({ type: 'stored' });
    return { id: record.id, names: plan.names };
  }

  private async layer(parent: string | null, l: PlannedLayer): Promise<LayerRecord> {
    const { digest, compression } = l.blob;
    this.progress.emit({ type: 'blob', digest, size: l.blob.size });
    // An uncompressed layer blob is its own diffID; anything else is checked while unpacking.
    if (compression === 'none' && digest !== l.diffId) throw new DigestMismatchError(l.diffId, digest, `layer ${digest}`);
    const id = chainId(parent, l.diffId);
    const existing = await this.layers.get(id);
    if (existing) {
      // Not unpacked, so not checked on the way: measure the blob now.
      if (digest !== l.diffId) {
        const m = await measureLayer(fs.createReadStream(this.blobs.path(digest)));
        if (m.diffId !== l.diffId) throw new DigestMismatchError(l.diffId, m.diffId, `layer ${digest}`);
      }
      this.progress.emit({ type: 'blob-done', digest, skipped: true });
      return existing;
    }
    const record = await this.layers.ensure({
      parent,
      diffId: l.diffId,
      compressedDigest: digest,
      open: async () => {
        this.progress.emit({ type: 'blob-state', digest, state: 'unpacking' });
        const s = fs.createReadStream(this.blobs.path(digest), { highWaterMark: 1024 * 1024 });
        s.on('data', (chunk) => this.progress.emit({ type: 'blob-bytes', digest, bytes: chunk.length }));
        return s;
      },
    });
    this.newLayers.push(id);
    this.progress.emit({ type: 'blob-done', digest, skipped: false });
    return record;
  }

  private async put(data: Buffer, digest: string): Promise<void> {
    const w = await this.blobs.writer();
    await w.write(data);
    const r = await w.commit(digest);
    if (r.fresh) this.fresh.add(r.digest);
  }

  /** Remove fresh blobs no recorded image uses (junk in the archive, or all of them after a failure). */
  async dropUnusedBlobs(): Promise<void> {
    for (const d of this.fresh) if (!this.used.has(d)) await this.blobs.remove(d);
  }

  /** After a failure: remove the layers this load unpacked that no image uses. */
  async dropNewLayers(): Promise<void> {
    if (!this.newLayers.length) return;
    const inUse = new Set((await new ImageStore(this.dataRoot).list()).flatMap((i) => i.layers));
    for (const id of this.newLayers.reverse()) {
      if (inUse.has(id)) continue;
      await withLock(path.join(this.dataRoot, 'locks', `layer-${id}.lock`), async () => {
        // layer.json first: from then on the layer reads as incomplete, whatever happens next.
        await fs.promises.rm(path.join(this.layers.layerDir(id), 'layer.json'), { force: true });
        await this.ops.rmtree(this.layers.layerDir(id));
        await fs.promises.rm(shortLinkPath(this.dataRoot, id), { force: true });
      });
    }
  }
}
