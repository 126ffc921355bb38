// `save`: write images as a docker-archive (podman's layout: `<diffid>.tar`
// uncompressed layers, `<id>.json` configs, manifest.json last) or an
// oci-archive (an OCI layout whose blobs are the stored ones, byte for
// byte, so digests and the image id survive a round trip). Everything is
// checked before the first byte is written.

import type { StorePolicy } from '../policy/enforce.js';
import { emitImage } from '../../events/emit.js';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { StateCorruptError, TscRunError, UsageError } from '../../errors.js';
import { BlobStore, sha256Digest } from '../../storage/blob-store.js';
import { ImageStore, type ImageRecord } from '../../storage/images.js';
import { decompressed, detectFileCompression, type Compression } from '../../storage/layers/compression.js';
import { LayerStore, type TreeOps } from '../../storage/layers/layer-store.js';
import { measureLayer } from '../../storage/layers/measure.js';
import { MediaType, parseImageConfig, parseImageManifest, type Descriptor, type ImageManifest } from '../oci.js';
import type { CopyProgress } from '../progress.js';
import { buildDockerArchiveManifest, buildDockerManifest, configFileName, DockerMediaType, layerFileName, type DockerArchiveEntry } from './docker-manifest.js';
import { buildOciIndex, OCI_LAYOUT_FILE, toOciManifest } from './oci-layout.js';
import { openArchiveOutput } from './output-file.js';
import { ociBlobPath } from './paths.js';
import { multiImageItems, singleImageItem, type SaveItem } from './save-plan.js';
import { TarWriter } from './tar-writer.js';

export const ARCHIVE_FORMATS = ['docker-archive', 'oci-archive'] as const;
export type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];

export interface SaveOptions {
  dataRoot: string;
  /** As given: names, ids, id prefixes. */
  images: readonly string[];
  format: ArchiveFormat;
  /** Archive file; undefined writes to stdout. */
  output: string | undefined;
  multiImage: boolean;
  /** oci-archive: every layer written uncompressed (podman's --uncompressed); else the stored blobs as they are. */
  uncompressedLayers?: boolean;
  progress: CopyProgress;
  /** Check every image against the signature policy first (podman's save does); unset: already checked (push). */
  storePolicy?: StorePolicy | undefined;
}

interface LayerPart {
  blob: Descriptor;
  path: string;
  diffId: string;
  compression: Compression;
  /** Bytes of the uncompressed tar (a docker-archive stores layers uncompressed). */
  uncompressedSize: () => Promise<number>;
}

interface ImageParts {
  item: SaveItem;
  manifest: ImageManifest;
  manifestBytes: Buffer;
  config: Buffer;
  configDigest: string;
  layers: LayerPart[];
}

/** save only reads layers; it never unpacks or removes any. */
const READ_ONLY: TreeOps = {
  devices: false,
  unpack: () => Promise.reject(new Error('save does not change layers')),
  fixup: () => Promise.reject(new Error('save does not change layers')),
  rmtree: () => Promise.reject(new Error('save does not change layers')),
};

async function readParts(blobs: BlobStore, layers: LayerStore, item: SaveItem): Promise<ImageParts> {
  const image: ImageRecord = item.image;
  const short = image.id.slice(0, 12);
  const manifestBytes = await blobs.read(image.digest);
  const manifest = parseImageManifest(manifestBytes.toString('utf8'), `manifest of image ${short}`);
  const config = await blobs.read(manifest.config.digest);
  if (manifest.config.digest !== `sha256:${image.id}`) throw new StateCorruptError(`image ${short}: its manifest names config ${manifest.config.digest}`);
  const diffIds = parseImageConfig(config.toString('utf8'), `config of image ${short}`).rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length || image.layers.length !== manifest.layers.length) {
    throw new StateCorruptError(`image ${short}: manifest, config and layer list disagree on the number of layers`);
  }
  const parts: LayerPart[] = [];
  for (const [i, blob] of manifest.layers.entries()) {
    const file = blobs.path(blob.digest);
    if (!(await blobs.has(blob.digest))) {
      throw new TscRunError(`image ${short}: layer blob ${blob.digest} is not in the store, so the image cannot be saved (pull or load it again)`);
    }
    const compression = await detectFileCompression(file);
    const layerId = image.layers[i]!;
    parts.push({
      blob,
      path: file,
      diffId: diffIds[i]!,
      compression,
      uncompressedSize: async () => {
        if (compression === 'none') return (await fs.promises.stat(file)).size;
        const rec = await layers.get(layerId);
        return rec ? rec.size : (await measureLayer(fs.createReadStream(file))).uncompressedSize;
      },
    });
  }
  return { item, manifest, manifestBytes, config, configDigest: manifest.config.digest, layers: parts };
}

function readBlob(file: string): Readable {
  return fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
}

/** Report the bytes of a blob as they are written (the TTY view draws them). */
function counted(source: Readable, digest: string, progress: CopyProgress): Readable {
  progress.emit({ type: 'blob-state', digest, state: 'writing' });
  return source.on('data', (c: Buffer) => progress.emit({ type: 'blob-bytes', digest, bytes: c.length }));
}

/** Returns each image's manifest digest as containers/image computes it for a docker-archive (schema 2, uncompressed layers). */
async function writeDockerArchive(w: TarWriter, images: readonly ImageParts[], progress: CopyProgress): Promise<string[]> {
  const written = new Set<string>();
  const entries: DockerArchiveEntry[] = [];
  const digests: string[] = [];
  for (const img of images) {
    const layerNames: string[] = [];
    for (const l of img.layers) {
      progress.emit({ type: 'blob', digest: l.diffId, size: await l.uncompressedSize() });
      const name = layerFileName(l.diffId);
      if (!written.has(name)) {
        const size = await l.uncompressedSize();
        const source = l.compression === 'none' ? readBlob(l.path) : (await decompressed(readBlob(l.path))).stream;
        await w.stream(name, size, counted(source, l.diffId, progress));
        written.add(name);
      }
      layerNames.push(name);
      progress.emit({ type: 'blob-done', digest: l.diffId, skipped: false });
    }
    progress.emit({ type: 'config', digest: img.configDigest });
    const configName = configFileName(img.configDigest);
    if (!written.has(configName)) {
      await w.file(configName, img.config);
      written.add(configName);
    }
    progress.emit({ type: 'manifest' });
    entries.push({ Config: configName, RepoTags: img.item.names, Layers: layerNames });
    const layerDescs = [];
    // containers/image keeps the stored layer's media type (a gzip one stays gzip though the bytes are not), in Docker's names.
    for (const l of img.layers) layerDescs.push({ mediaType: /gzip$/.test(l.blob.mediaType) ? DockerMediaType.layerGzip : DockerMediaType.layerTar, size: await l.uncompressedSize(), digest: l.diffId });
    digests.push(sha256Digest(buildDockerManifest({ digest: img.configDigest, size: img.config.length }, layerDescs)));
    progress.emit({ type: 'stored' });
  }
  await w.file('manifest.json', buildDockerArchiveManifest(entries));
  return digests;
}

/** The layer as an OCI layout holds it: the stored blob, or (uncompressed) its tar, named by its diff id. */
async function ociLayer(l: LayerPart, uncompressed: boolean): Promise<{ digest: string; size: number; compression: Compression; open: () => Promise<Readable> }> {
  if (!uncompressed || l.compression === 'none') {
    return { digest: l.blob.digest, size: (await fs.promises.stat(l.path)).size, compression: l.compression, open: () => Promise.resolve(readBlob(l.path)) };
  }
  return { digest: l.diffId, size: await l.uncompressedSize(), compression: 'none', open: async () => (await decompressed(readBlob(l.path))).stream };
}

async function writeOciArchive(w: TarWriter, images: readonly ImageParts[], progress: CopyProgress, uncompressed: boolean): Promise<string[]> {
  const written = new Set<string>();
  const putBuffer = async (digest: string, data: Buffer) => {
    if (!written.has(digest)) await w.file(ociBlobPath(digest), data);
    written.add(digest);
  };
  await w.directory('blobs/');
  await w.directory('blobs/sha256/');
  const index: Array<{ digest: string; size: number; name: string | undefined }> = [];
  for (const img of images) {
    const out: Array<{ digest: string; size: number; compression: Compression }> = [];
    for (const l of img.layers) {
      const layer = await ociLayer(l, uncompressed);
      progress.emit({ type: 'blob', digest: layer.digest, size: layer.size });
      if (!written.has(layer.digest)) {
        await w.stream(ociBlobPath(layer.digest), layer.size, counted(await layer.open(), layer.digest, progress));
        written.add(layer.digest);
      }
      out.push(layer);
      progress.emit({ type: 'blob-done', digest: layer.digest, skipped: false });
    }
    progress.emit({ type: 'config', digest: img.configDigest });
    await putBuffer(img.configDigest, img.config);
    // An OCI layout holds OCI manifests: a Docker one (or one whose layers were decompressed) is rewritten around the blobs written.
    const same = out.every((l, i) => l.digest === img.layers[i]!.blob.digest);
    const isOci = same && (img.manifest.mediaType ?? MediaType.manifest) === MediaType.manifest;
    const compressionOf = new Map(out.map((l) => [l.digest, l.compression]));
    const layersWritten = { ...img.manifest, layers: img.manifest.layers.map((d, i) => ({ ...d, digest: out[i]!.digest, size: out[i]!.size })) };
    const manifest = isOci ? img.manifestBytes : toOciManifest(layersWritten, (d) => compressionOf.get(d) ?? 'none');
    const digest = sha256Digest(manifest);
    progress.emit({ type: 'manifest' });
    await putBuffer(digest, manifest);
    index.push({ digest, size: manifest.length, name: img.item.refName });
    progress.emit({ type: 'stored' });
  }
  await w.file('index.json', buildOciIndex(index));
  await w.file('oci-layout', OCI_LAYOUT_FILE);
  return index.map((e) => e.digest);
}

/** Writes the archive; returns the manifest digest of each image in it. */
export async function saveImages(o: SaveOptions): Promise<string[]> {
  if (!o.images.length) throw new UsageError('need at least 1 argument');
  if (o.multiImage && o.format !== 'docker-archive' && o.images.length > 1) {
    throw new UsageError(`unsupported format ${JSON.stringify(o.format)} for saving multiple images (only docker-archive)`);
  }
  const store = new ImageStore(o.dataRoot);
  const blobs = new BlobStore(o.dataRoot);
  const layers = new LayerStore(o.dataRoot, READ_ONLY);
  const items = o.multiImage
    ? multiImageItems(await Promise.all(o.images.map(async (input) => ({ input, image: await store.lookup(input) }))))
    : [singleImageItem({ input: o.images[0]!, image: await store.lookup(o.images[0]!) }, o.images.slice(1))];
  if (o.storePolicy) {
    const { enforceStorePolicy } = await import('../policy/enforce.js');
    for (const item of items) {
      await enforceStorePolicy(o.storePolicy.options, { graphRoot: o.dataRoot, runRoot: o.storePolicy.runRoot, id: item.image.id }, o.storePolicy.driver);
    }
  }
  const parts: ImageParts[] = [];
  for (const item of items) parts.push(await readParts(blobs, layers, item));

  const out = await openArchiveOutput(o.output, { refuseExisting: o.format === 'docker-archive' });
  const w = new TarWriter(out.stream, { endDest: out.endStream });
  try {
    const digests = o.format === 'docker-archive' ? await writeDockerArchive(w, parts, o.progress) : await writeOciArchive(w, parts, o.progress, o.uncompressedLayers === true);
    await w.finish();
    await out.commit();
    // podman 4.3 (libimage) names the archive written; to stdout it is a pipe of its own: no name here.
    for (const input of o.multiImage ? o.images : o.images.slice(0, 1)) emitImage(o.dataRoot, 'save', (await store.lookup(input)).id, o.output ?? '');
    return digests;
  } catch (err) {
    w.abort(err as Error);
    await out.discard();
    throw err;
  }
}
