// The diffID (sha256 of the uncompressed tar) of a layer blob, measured by
// reading it once: used when a tarball arrives without a config that names
// its diffID (import), so the layer's chain id is known before unpacking and
// an identical layer is never unpacked twice.

import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { decompressed, type Compression } from './compression.js';

export interface LayerMeasure {
  diffId: string;
  compression: Compression;
  /** Bytes after decompression. */
  uncompressedSize: number;
}

export async function measureLayer(blob: Readable): Promise<LayerMeasure> {
  const { compression, stream } = await decompressed(blob);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { diffId: 'sha256:' + hash.digest('hex'), compression, uncompressedSize: size };
}
