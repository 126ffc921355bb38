// A stored image made ready for one push destination: layers re-encoded
// where push-plan.ts says so (into temp files), the manifest rewritten
// around them (or converted to the --format asked for). Nothing changes
// when nothing has to: the stored bytes go out as they are.

import { TscRunError } from '../../errors.js';
import { sha256Digest } from '../../storage/blob-store.js';
import { detectFileCompression, type Compression } from '../../storage/layers/compression.js';
import { parseImageManifest } from '../oci.js';
import type { LocalBlob, LocalImage } from '../registry/local-image.js';
import { buildPushManifest, layerAction, type CompressionAlgorithm, type LayerCompressionMode, type ManifestFormat, type SentLayer } from './push-plan.js';
import { transcodeLayer, type TranscodedBlob } from './transcode-layer.js';

export interface PushEncoding {
  format?: ManifestFormat | undefined;
  mode: LayerCompressionMode;
  algorithm?: CompressionAlgorithm | undefined;
}

export interface EncodedImage {
  image: LocalImage;
  /** Remove the temp files of re-encoded layers. */
  cleanup(): Promise<void>;
}

function compressionOfMediaType(mediaType: string): Compression {
  if (/gzip$/.test(mediaType)) return 'gzip';
  if (/zstd$/.test(mediaType)) return 'zstd';
  return 'none';
}

export async function encodeForPush(image: LocalImage, enc: PushEncoding, tmpDir: string, onLayer?: (digest: string) => void): Promise<EncodedImage> {
  const temps: TranscodedBlob[] = [];
  const cleanup = async () => {
    await Promise.all(temps.map((t) => t.remove()));
  };
  try {
    const layers: LocalBlob[] = [];
    const sent: SentLayer[] = [];
    for (const l of image.layers) {
      const stored = l.file ? await detectFileCompression(l.file) : compressionOfMediaType(l.mediaType);
      const action = layerAction(stored, enc.mode, enc.algorithm);
      if (action.kind === 'copy') {
        layers.push(l);
        sent.push({ original: l, digest: l.digest, size: l.size, compression: stored });
        continue;
      }
      if (!l.file) {
        throw new TscRunError(`layer blob ${l.digest} of image ${image.record.id.slice(0, 12)} is not in the local store, so it cannot be re-encoded for this destination; pull or load the image again`);
      }
      onLayer?.(l.digest);
      const t = await transcodeLayer(l.file, action.to, tmpDir);
      temps.push(t);
      layers.push({ ...l, digest: t.digest, size: t.size, file: t.file });
      sent.push({ original: l, digest: t.digest, size: t.size, compression: action.to });
    }
    const m = buildPushManifest({ manifest: image.manifest, bytes: image.manifestBytes, mediaType: image.manifestMediaType }, enc.format, sent);
    if (m.bytes === image.manifestBytes) return { image, cleanup };
    const manifest = parseImageManifest(m.bytes.toString('utf8'), 'converted manifest');
    return {
      image: {
        ...image,
        manifest,
        manifestBytes: m.bytes,
        manifestMediaType: m.mediaType,
        manifestDigest: sha256Digest(m.bytes),
        config: { ...image.config, mediaType: manifest.config.mediaType },
        layers,
      },
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
