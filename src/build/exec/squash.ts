// One layer from a stack of layers (see squash-plan.ts for which entries
// survive): the layer tars are read twice from their blobs, once for the
// names, once to copy the survivors, in layer order, into a new blob that is
// stored as a layer like any other. Nothing is buffered beyond one entry.

import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import tar, { type Header } from 'tar-stream';
import type { Readable } from 'node:stream';
import type { Roots } from '../../config/paths.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { MediaType } from '../../image/oci.js';
import { BlobStore } from '../../storage/blob-store.js';
import { decompressed } from '../../storage/layers/compression.js';
import { LayerStore } from '../../storage/layers/layer-store.js';
import type { BuildImage } from './build-image.js';
import { planSquash, whiteoutTargets, type SquashEntry } from './squash-plan.js';
import { existsIn } from './step-container.js';

/** Visit every entry of a layer blob; `fn` consumes (or leaves) the entry's data. */
async function eachEntry(file: string, fn: (h: Header, data: Readable, index: number) => Promise<void>): Promise<void> {
  const { stream } = await decompressed(fs.createReadStream(file));
  const ex = tar.extract();
  let index = 0;
  ex.on('entry', (h, data, next) => {
    const i = index++;
    const body = data as unknown as Readable;
    // tar-stream's entry streams are streamx streams: track their end ourselves.
    let ended = false;
    let handled = false;
    const finish = () => {
      if (ended && handled) next();
    };
    body.on('end', () => {
      ended = true;
      finish();
    });
    fn(h, body, i).then(
      () => {
        handled = true;
        body.resume(); // whatever fn left unread
        finish();
      },
      (err: unknown) => ex.destroy(err as Error),
    );
  });
  await pipeline(stream, ex);
}

/**
 * `img` with its layers from `from` on merged into one. `keepWhiteouts`
 * when layers stay below (from > 0). Returns a new state; `img` is untouched.
 */
export async function squashLayers(roots: Roots, img: BuildImage, from: number): Promise<BuildImage> {
  const blobs = new BlobStore(roots.dataRoot);
  const layers = new LayerStore(roots.dataRoot, helperTreeOps());
  const files = img.descs.slice(from).map((d) => blobs.path(d.digest));
  const names: SquashEntry[][] = [];
  for (const f of files) {
    const list: SquashEntry[] = [];
    await eachEntry(f, async (h) => {
      list.push({ name: h.name, type: h.type ?? 'file' });
    });
    names.push(list);
  }
  const diffs = img.layers.slice(0, from).map((l) => layers.diffDir(l)).reverse();
  const inBase = new Set<string>();
  for (const p of whiteoutTargets(names)) if (await existsIn(diffs, p)) inBase.add(p);
  const plan = planSquash(names, from > 0, (p) => inBase.has(p));

  const pack = tar.pack();
  const out = new PassThrough();
  const writer = await blobs.writer();
  const stored = (async () => {
    for await (const chunk of out as AsyncIterable<Buffer>) await writer.write(chunk);
  })();
  const packed = pipeline(pack, out);
  packed.catch(() => undefined);
  stored.catch(() => undefined);
  const entry = (h: Header, data?: Readable) =>
    new Promise<void>((resolve, reject) => {
      const sink = pack.entry(h, (err) => (err ? reject(err) : resolve()));
      if (data) data.pipe(sink);
      else sink.end(undefined);
    });
  try {
    for (const [i, f] of files.entries()) {
      await eachEntry(f, async (h, data, index) => {
        if (!plan.keep[i]!.has(index)) return;
        await entry(h, h.type === 'file' || h.type === 'contiguous-file' ? data : undefined);
        if (plan.opaqueAfter[i]!.has(index)) {
          await entry({ ...h, name: `${h.name.replace(/\/+$/, '')}/.wh..wh..opq`, type: 'file', size: 0, mode: 0o644, linkname: '', pax: null });
        }
      });
    }
    pack.finalize();
    await packed;
    await stored;
  } catch (err) {
    pack.destroy(err as Error);
    await writer.abort();
    throw err;
  }
  const blob = await writer.commit();
  let size = 0;
  for (const l of img.layers.slice(0, from)) size += (await layers.get(l))?.size ?? 0;
  try {
    const layer = await layers.ensure({
      parent: img.layers[from - 1] ?? null,
      diffId: blob.digest,
      compressedDigest: blob.digest,
      open: async () => fs.createReadStream(blobs.path(blob.digest)),
    });
    const next = structuredClone(img);
    next.layers = [...img.layers.slice(0, from), layer.id];
    next.descs = [...img.descs.slice(0, from), { mediaType: MediaType.layerTar, digest: blob.digest, size: blob.size }];
    next.config.rootfs.diff_ids = [...img.config.rootfs.diff_ids.slice(0, from), blob.digest];
    next.size = size + layer.size;
    delete next.id;
    return next;
  } catch (err) {
    if (blob.fresh) await blobs.remove(blob.digest);
    throw err;
  }
}
