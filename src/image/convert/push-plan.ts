// What `push` sends, as containers/image decides it: the manifest type
// (--format, else the stored one) and, per layer, whether the stored blob
// goes as it is or is re-encoded (the destination's wish: registries and
// OCI layouts want compressed layers, docker-archive uncompressed ones,
// dir: the blobs as they are unless --compress; --compression-format picks
// the algorithm and re-compresses a layer stored in another one). The
// manifest is rewritten only when something changed, in the key order
// containers/image writes, so its digest is what podman's would be. Pure.

import { UsageError } from '../../errors.js';
import type { Compression } from '../../storage/layers/compression.js';
import { DockerMediaType } from '../archive/docker-manifest.js';
import { MediaType, type Descriptor, type ImageManifest } from '../oci.js';

export type ManifestFormat = 'oci' | 'v2s2';
export type CompressionAlgorithm = 'gzip' | 'zstd';
/** containers/image's DesiredLayerCompression of a destination. */
export type LayerCompressionMode = 'preserve' | 'compress' | 'decompress';
export type Encoding = 'none' | CompressionAlgorithm;

export type LayerAction = { kind: 'copy' } | { kind: 'encode'; to: Encoding };

/** --format: podman's names (`docker` is v2s2); schema 1 is refused. */
export function parseManifestFormat(format: string | undefined): ManifestFormat | undefined {
  if (format === undefined || format === '') return undefined;
  if (format === 'oci') return 'oci';
  if (format === 'v2s2' || format === 'docker') return 'v2s2';
  if (format === 'v2s1') throw new UsageError('--format v2s1: tsc-run does not write Docker schema 1 manifests (deprecated; registries refuse them)');
  throw new UsageError(`unknown format ${JSON.stringify(format)}. Choose on of the supported formats: 'oci', 'v2s1', or 'v2s2'`);
}

/** --compression-format: gzip or zstd; zstd:chunked and the decompress-only algorithms are refused. */
export function parseCompressionFormat(name: string | undefined): CompressionAlgorithm | undefined {
  if (name === undefined) return undefined;
  if (name === 'gzip' || name === 'zstd') return name;
  if (name === 'zstd:chunked') throw new UsageError('--compression-format zstd:chunked: tsc-run does not write zstd:chunked layers (use zstd or gzip)');
  if (name === 'bzip2' || name === 'xz') throw new UsageError(`--compression-format ${name}: tsc-run compresses layers with gzip or zstd only (no OCI media type exists for ${name})`);
  throw new UsageError(`cannot find compressor for ${JSON.stringify(name)}`);
}

/** containers/image's choice for one layer stored with `stored` compression. */
export function layerAction(stored: Compression, mode: LayerCompressionMode, algorithm: CompressionAlgorithm | undefined): LayerAction {
  if (mode === 'compress') {
    if (stored === 'none') return { kind: 'encode', to: algorithm ?? 'gzip' };
    if (algorithm !== undefined && stored !== algorithm) return { kind: 'encode', to: algorithm };
    return { kind: 'copy' };
  }
  if (mode === 'decompress' && stored !== 'none') return { kind: 'encode', to: 'none' };
  return { kind: 'copy' };
}

/** A layer as it will be sent: its original descriptor and the blob's. */
export interface SentLayer {
  original: Descriptor;
  digest: string;
  size: number;
  /** The sent blob's compression. */
  compression: Compression;
}

export function formatOfMediaType(mediaType: string | undefined): ManifestFormat {
  return mediaType === DockerMediaType.manifest ? 'v2s2' : 'oci';
}

const DOCKER_FOREIGN = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
const OCI_NONDISTRIBUTABLE_GZIP = 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip';

function ociLayerType(l: SentLayer, sourceFormat: ManifestFormat): string {
  const unchanged = l.digest === l.original.digest;
  if (unchanged && sourceFormat === 'oci') return l.original.mediaType;
  if (unchanged && l.original.mediaType === DOCKER_FOREIGN) return OCI_NONDISTRIBUTABLE_GZIP;
  if (l.compression === 'gzip') return MediaType.layerGzip;
  if (l.compression === 'zstd') return MediaType.layerZstd;
  return MediaType.layerTar;
}

function dockerLayerType(l: SentLayer, sourceFormat: ManifestFormat): string {
  const unchanged = l.digest === l.original.digest;
  if (unchanged && sourceFormat === 'v2s2') return l.original.mediaType;
  if (unchanged && l.original.mediaType === OCI_NONDISTRIBUTABLE_GZIP) return DOCKER_FOREIGN;
  if (l.compression === 'zstd') {
    const was = sourceFormat === 'v2s2' ? l.original.mediaType : DockerMediaType.layerTar;
    throw new UsageError(`creating an updated image manifest: preparing updated manifest, layer ${JSON.stringify(l.original.digest)}: zstd compression is not supported for type ${JSON.stringify(was)}`);
  }
  if (l.compression === 'gzip') return DockerMediaType.layerGzip;
  return DockerMediaType.layerTar;
}

function urls(d: Descriptor): { urls?: string[] } {
  const u = (d as Descriptor & { urls?: string[] }).urls;
  return u !== undefined && u.length ? { urls: u } : {};
}

/**
 * The manifest to send: the stored bytes when nothing changes, else
 * rewritten (Docker schema 2 or OCI) around the layers as sent. The config
 * blob is the same in both formats; only its media type differs.
 */
export function buildPushManifest(
  stored: { manifest: ImageManifest; bytes: Buffer; mediaType: string },
  target: ManifestFormat | undefined,
  layers: readonly SentLayer[],
): { bytes: Buffer; mediaType: string } {
  const source = formatOfMediaType(stored.mediaType);
  const want = target ?? source;
  if (want === source && layers.every((l) => l.digest === l.original.digest)) return { bytes: stored.bytes, mediaType: stored.mediaType };
  const m = stored.manifest;
  if (want === 'v2s2') {
    const doc = {
      schemaVersion: 2,
      mediaType: DockerMediaType.manifest,
      config: { mediaType: source === 'v2s2' ? m.config.mediaType : DockerMediaType.config, size: m.config.size, digest: m.config.digest, ...urls(m.config) },
      layers: layers.map((l) => ({ mediaType: dockerLayerType(l, source), size: l.size, digest: l.digest, ...urls(l.original) })),
    };
    return { bytes: Buffer.from(JSON.stringify(doc), 'utf8'), mediaType: DockerMediaType.manifest };
  }
  // An OCI manifest keeps what it had (mediaType present or not, annotations); one converted from Docker names its type.
  const keepOwn = source === 'oci';
  const desc = (d: Descriptor, mediaType: string, digest: string, size: number) => ({
    mediaType,
    digest,
    size,
    ...urls(d),
    ...(keepOwn && d.annotations !== undefined ? { annotations: d.annotations } : {}),
  });
  const doc = {
    schemaVersion: 2,
    ...(keepOwn ? (m.mediaType !== undefined ? { mediaType: m.mediaType } : {}) : { mediaType: MediaType.manifest }),
    config: desc(m.config, keepOwn ? m.config.mediaType : MediaType.config, m.config.digest, m.config.size),
    layers: layers.map((l) => desc(l.original, ociLayerType(l, source), l.digest, l.size)),
    ...(keepOwn && m.annotations !== undefined ? { annotations: m.annotations } : {}),
  };
  return { bytes: Buffer.from(JSON.stringify(doc), 'utf8'), mediaType: MediaType.manifest };
}
