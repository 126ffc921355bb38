// A stored image as push needs it: its manifest bytes, config, and a local
// file for every blob. A pulled or loaded image keeps its compressed layer
// blobs, so it goes out byte for byte (same digests as where it came from).
// When a layer's blob is missing but the layer was unpacked from another
// blob of the same content (another compression), that blob stands in and
// the manifest is rewritten to name it.

import fs from 'node:fs';
import { StateCorruptError, TscRunError } from '../../errors.js';
import { BlobStore, sha256Digest } from '../../storage/blob-store.js';
import type { ImageRecord } from '../../storage/images.js';
import { detectFileCompression, type Compression } from '../../storage/layers/compression.js';
import type { LayerStore } from '../../storage/layers/layer-store.js';
import { MediaType, parseImageManifest, type Descriptor, type ImageManifest } from '../oci.js';
import { ManifestMedia } from './manifest-select.js';

export interface LocalBlob extends Descriptor {
  /** The bytes here, or undefined when only a registry may still have them. */
  file: string | undefined;
}

export interface LocalImage {
  record: ImageRecord;
  manifest: ImageManifest;
  manifestBytes: Buffer;
  manifestMediaType: string;
  manifestDigest: string;
  config: LocalBlob;
  layers: LocalBlob[];
}

function layerMediaType(c: Compression, docker: boolean): string {
  if (c === 'gzip') return docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : MediaType.layerGzip;
  if (c === 'zstd') return MediaType.layerZstd;
  return docker ? 'application/vnd.docker.image.rootfs.diff.tar' : MediaType.layerTar;
}

export async function readLocalImage(record: ImageRecord, blobs: BlobStore, layers: LayerStore): Promise<LocalImage> {
  const short = record.id.slice(0, 12);
  const original = await blobs.read(record.digest);
  const manifest = parseImageManifest(original.toString('utf8'), `manifest of image ${short}`);
  if (manifest.layers.length !== record.layers.length) {
    throw new StateCorruptError(`image ${short}: its manifest and its layer list disagree on the number of layers`);
  }
  const docker = record.manifestMediaType === ManifestMedia.dockerManifest;
  let rewritten = false;
  const out: LocalBlob[] = [];
  for (const [i, desc] of manifest.layers.entries()) {
    if (await blobs.has(desc.digest)) {
      out.push({ ...desc, file: blobs.path(desc.digest) });
      continue;
    }
    const layer = await layers.get(record.layers[i]!);
    const other = layer?.compressedDigest;
    if (other && other !== desc.digest && (await blobs.has(other))) {
      const file = blobs.path(other);
      const size = (await fs.promises.stat(file)).size;
      out.push({ mediaType: layerMediaType(await detectFileCompression(file), docker), digest: other, size, file });
      rewritten = true;
    } else {
      out.push({ ...desc, file: undefined });
    }
  }
  if (!(await blobs.has(manifest.config.digest))) throw new TscRunError(`image ${short}: its config blob ${manifest.config.digest} is missing from the store`);
  const config: LocalBlob = { ...manifest.config, file: blobs.path(manifest.config.digest) };
  let manifestBytes = original;
  let finalManifest = manifest;
  if (rewritten) {
    const doc = JSON.parse(original.toString('utf8')) as ImageManifest;
    doc.layers = out.map(({ file: _f, ...d }) => ({ ...d }));
    manifestBytes = Buffer.from(JSON.stringify(doc), 'utf8');
    finalManifest = doc;
  }
  return {
    record,
    manifest: finalManifest,
    manifestBytes,
    manifestMediaType: record.manifestMediaType || manifest.mediaType || MediaType.manifest,
    manifestDigest: sha256Digest(manifestBytes),
    config,
    layers: out,
  };
}
