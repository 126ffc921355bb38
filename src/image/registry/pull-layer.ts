// One layer of a pull: skipped when its chain id is already unpacked and
// its blob is here; only the blob fetched when the layer came from another
// blob; unpacked from the local blob when only that is here; otherwise streamed
// from the registry through the digest check into the blob store copy and
// the unpacker at once (one pass over the data), the copy kept only once
// the layer is complete.

import fs from 'node:fs';
import { pipeline } from 'node:stream';
import type { BlobStore } from '../../storage/blob-store.js';
import { chainId, type LayerRecord, type LayerStore } from '../../storage/layers/layer-store.js';
import type { Descriptor } from '../oci.js';
import type { CopyProgress, TransferState } from '../progress.js';
import { resumableBlob } from './blob-download.js';
import { BlobTee } from './blob-tee.js';
import type { RegistryClient } from './client.js';
import { verifyingStream } from './verify-stream.js';

export interface LayerJob {
  client: RegistryClient;
  repository: string;
  desc: Descriptor;
  parent: string | null;
  diffId: string;
  layers: LayerStore;
  blobs: BlobStore;
  progress: CopyProgress;
  /** Aborted when another layer of the pull failed: stop downloading. */
  signal?: AbortSignal;
  onResume?: (digest: string, offset: number, err: unknown) => void;
}

export async function pullLayer(job: LayerJob): Promise<LayerRecord> {
  const { desc, progress } = job;
  const state = (s: TransferState) => progress.emit({ type: 'blob-state', digest: desc.digest, state: s });
  const have = await job.layers.get(chainId(job.parent, job.diffId));
  if (have && (await job.blobs.has(desc.digest))) {
    progress.emit({ type: 'blob-done', digest: desc.digest, skipped: true });
    return have;
  }
  if (have) {
    // Unpacked already (from another compression of the same tar, e.g. an
    // import), but an image keeps the blobs its manifest names: fetch just the blob.
    state('downloading');
    const body = resumableBlob(job.client, { repository: job.repository, digest: desc.digest, size: desc.size });
    const verify = verifyingStream({ digest: desc.digest, size: desc.size, onBytes: (n) => progress.emit({ type: 'blob-bytes', digest: desc.digest, bytes: n }) });
    await job.blobs.putStream(pipeline(body, verify, () => undefined), desc.digest);
    progress.emit({ type: 'blob-done', digest: desc.digest, skipped: false });
    return have;
  }
  const local = await job.blobs.has(desc.digest);
  const tee = local ? undefined : await BlobTee.open(job.blobs);
  let opened = false;
  try {
    const record = await job.layers.ensure({
      parent: job.parent,
      diffId: job.diffId,
      compressedDigest: desc.digest,
      open: async () => {
        opened = true;
        if (local) {
          state('unpacking');
          return fs.createReadStream(job.blobs.path(desc.digest));
        }
        state('downloading');
        const body = resumableBlob(job.client, { repository: job.repository, digest: desc.digest, size: desc.size }, {
          onResume: (offset, err) => job.onResume?.(desc.digest, offset, err),
        });
        const verify = verifyingStream({
          digest: desc.digest,
          size: desc.size,
          onBytes: (n) => progress.emit({ type: 'blob-bytes', digest: desc.digest, bytes: n }),
          onVerified: () => state('unpacking'),
        });
        const signal = job.signal;
        if (signal) {
          const stop = () => body.destroy(new Error('cancelled because another layer failed'));
          if (signal.aborted) stop();
          signal.addEventListener('abort', stop, { once: true });
          body.once('close', () => signal.removeEventListener('abort', stop));
        }
        // pipeline() hands back its last stream and destroys every stage on any error.
        return pipeline(body, verify, tee!.transform(), () => undefined);
      },
    });
    if (tee) {
      if (opened) {
        state('writing');
        await tee.commit(desc.digest);
      } else await tee.abort();
    }
    progress.emit({ type: 'blob-done', digest: desc.digest, skipped: !opened });
    return record;
  } catch (err) {
    await tee?.abort();
    state('failed');
    throw err;
  }
}
