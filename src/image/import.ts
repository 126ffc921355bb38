// `import`: make a one-layer image from a rootfs tarball (file, URL or
// stdin). The tarball is stored as a blob while its diffID is measured, then
// unpacked as the image's layer (unless that exact layer exists already),
// and a config and manifest are written around it, as podman does.

import fs from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { TscRunError } from '../errors.js';
import { helperTreeOps } from '../host/helper/tree-ops.js';
import { BlobStore } from '../storage/blob-store.js';
import { ImageContentMissingError, ImageStore, type ImageRecord } from '../storage/images.js';
import type { Compression } from '../storage/layers/compression.js';
import { LayerStore } from '../storage/layers/layer-store.js';
import { measureLayer } from '../storage/layers/measure.js';
import { applyChanges } from './config-changes.js';
import { buildImportConfig, buildManifest, canonicalJson } from './image-config.js';
import { MediaType, hostArchitecture } from './oci.js';
import { noProgress, type CopyProgress } from './progress.js';
import { formatReference, normalizeLocalName } from '../storage/image-reference.js';
import { nowRfc3339Nano, rfc3339Nano } from '../format/go-time.js';

export interface ImportOptions {
  dataRoot: string;
  /** A file path, an http(s) URL, or `-` for stdin. */
  source: string;
  reference?: string | undefined;
  changes?: readonly string[];
  message?: string | undefined;
  os?: string | undefined;
  arch?: string | undefined;
  variant?: string | undefined;
  /** Copy progress (podman's lines, or the TTY view); none with --quiet. */
  progress?: CopyProgress;
}

interface Source {
  stream: Readable;
  /** Podman dates an image from a file by the file's mtime, otherwise now (RFC 3339 with nanoseconds, as podman). */
  created: string;
  /** Bytes to read, when known (progress). */
  size?: number | undefined;
}

async function openSource(source: string): Promise<Source> {
  if (source === '-') return { stream: process.stdin, created: nowRfc3339Nano() };
  if (/^https?:\/\//i.test(source)) {
    let res: Response;
    try {
      res = await fetch(source);
    } catch (err) {
      throw new TscRunError(`downloading ${source}: ${(err as Error).message}`, undefined, { cause: err });
    }
    if (!res.ok || !res.body) throw new TscRunError(`downloading ${source}: ${res.status} ${res.statusText}`);
    const length = Number(res.headers.get('content-length') ?? NaN);
    return { stream: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), created: nowRfc3339Nano(), size: Number.isFinite(length) ? length : undefined };
  }
  try {
    const fd = await fs.promises.open(source, 'r');
    const st = await fd.stat({ bigint: true });
    if (st.isDirectory()) {
      await fd.close();
      throw new TscRunError(`error opening ${JSON.stringify(source)}: read ${source}: is a directory`);
    }
    const created = rfc3339Nano(new Date(Number(st.mtimeNs / 1_000_000n)), Number(st.mtimeNs % 1_000_000_000n));
    return { stream: fd.createReadStream(), created, size: Number(st.size) };
  } catch (err) {
    if (err instanceof TscRunError) throw err;
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new TscRunError(`error opening ${JSON.stringify(source)}: open ${source}: ${why}`, undefined, { cause: err });
  }
}

const LAYER_MEDIA_TYPES: Partial<Record<Compression, string>> = {
  none: MediaType.layerTar,
  gzip: MediaType.layerGzip,
  zstd: MediaType.layerZstd,
};

export async function importImage(o: ImportOptions): Promise<ImageRecord> {
  const progress = o.progress ?? noProgress;
  // Bad names and changes fail before any input is read.
  const name = o.reference ? formatReference(normalizeLocalName(o.reference)) : undefined;
  const containerConfig = applyChanges(o.changes ?? []);
  const blobs = new BlobStore(o.dataRoot);
  const src = await openSource(o.source);

  progress.emit({ type: 'start' });
  const writer = await blobs.writer();
  const tapped = pipeline(src.stream, writer.tap(), () => {});
  // Only once it is piped: a 'data' listener alone would let chunks flow past the blob writer.
  let read = 0;
  src.stream.on('data', (chunk: Buffer) => progress.emit({ type: 'read', bytes: (read += chunk.length), total: src.size }));
  let measured;
  try {
    measured = await measureLayer(tapped);
  } catch (err) {
    // Stop reading (stdin would otherwise keep the process alive) and keep nothing.
    tapped.destroy();
    src.stream.destroy();
    await writer.abort();
    throw err;
  }
  const blob = await writer.commit();
  progress.emit({ type: 'blob', digest: blob.digest, size: blob.size });

  const layers = new LayerStore(o.dataRoot, helperTreeOps());
  let layer;
  let unpacked = false;
  try {
    layer = await layers.ensure({
      parent: null,
      diffId: measured.diffId,
      compressedDigest: blob.digest,
      open: async () => {
        unpacked = true;
        progress.emit({ type: 'blob-state', digest: blob.digest, state: 'unpacking' });
        // The blob may be one that existed before us (same content), which a
        // concurrent rmi or prune just deleted: say so, not ENOENT.
        const fh = await fs.promises.open(blobs.path(blob.digest), 'r').catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
          throw new ImageContentMissingError(
            `importing layer: blobs/sha256/${blob.digest.slice('sha256:'.length)} was removed meanwhile (by a concurrent rmi or prune); try again`,
          );
        });
        return fh.createReadStream().on('data', (c) => progress.emit({ type: 'blob-bytes', digest: blob.digest, bytes: c.length }));
      },
    });
    progress.emit({ type: 'blob-done', digest: blob.digest, skipped: !unpacked });
  } catch (err) {
    // A tarball that cannot become a layer (refused entries, not a tar) is not kept either.
    if (blob.fresh) await blobs.remove(blob.digest);
    throw err;
  }

  const config = buildImportConfig({
    diffId: measured.diffId,
    created: src.created,
    config: containerConfig,
    message: o.message,
    architecture: o.arch || hostArchitecture(),
    os: o.os || 'linux',
    variant: o.variant,
  });
  const configBlob = await blobs.put(canonicalJson(config));
  progress.emit({ type: 'config', digest: configBlob.digest });
  const manifest = buildManifest({ mediaType: MediaType.config, ...configBlob }, [
    { mediaType: LAYER_MEDIA_TYPES[measured.compression] ?? MediaType.layerTar, digest: blob.digest, size: blob.size },
  ]);
  progress.emit({ type: 'manifest' });
  const manifestBlob = await blobs.put(canonicalJson(manifest));
  const record = await new ImageStore(o.dataRoot).add({
    id: configBlob.digest.slice('sha256:'.length),
    names: name ? [name] : [],
    digest: manifestBlob.digest,
    manifestMediaType: MediaType.manifest,
    layers: [layer.id],
    created: config.created!,
    added: new Date().toISOString(),
    size: layer.size,
  });
  progress.emit({ type: 'stored' });
  return record;
}
