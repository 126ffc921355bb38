// oci-archive: a tar of an OCI image layout (oci-layout, index.json,
// blobs/sha256/). Parsing index.json, choosing a platform from a nested
// index, and building index.json and manifests for `save`. Pure.

import type { Compression } from '../../storage/layers/compression.js';
import { MediaType, type Descriptor, type ImageManifest } from '../oci.js';
import { DockerMediaType } from './docker-manifest.js';
import { ArchiveFormatError } from './errors.js';
import { REF_NAME_ANNOTATION } from './names.js';

export const OciIndexMediaType = 'application/vnd.oci.image.index.v1+json';

/** podman's oci-layout file, byte for byte. */
export const OCI_LAYOUT_FILE = Buffer.from('{"imageLayoutVersion": "1.0.0"}', 'utf8');

export interface IndexDescriptor extends Descriptor {
  platform?: { os?: string; architecture?: string; variant?: string };
}

export interface OciIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: IndexDescriptor[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ArchiveFormatError(`${what} is not valid JSON: ${(err as Error).message}`, undefined, { cause: err });
  }
}

/** index.json, or a nested index / manifest list blob. */
export function parseOciIndex(text: string, what = 'index.json'): OciIndex {
  const v = parseJson(text, what);
  if (!isObject(v) || v.schemaVersion !== 2 || !Array.isArray(v.manifests)) throw new ArchiveFormatError(`${what} is malformed: it needs schemaVersion 2 and "manifests"`);
  for (const d of v.manifests as unknown[]) {
    if (!isObject(d) || typeof d.digest !== 'string' || typeof d.size !== 'number' || typeof d.mediaType !== 'string') {
      throw new ArchiveFormatError(`${what} has a malformed manifest descriptor`);
    }
    if (d.annotations !== undefined && !isObject(d.annotations)) throw new ArchiveFormatError(`${what} has malformed annotations`);
  }
  return v as unknown as OciIndex;
}

/** Refuse an oci-layout file of another layout version. */
export function checkOciLayout(text: string): void {
  const v = parseJson(text, 'oci-layout');
  if (!isObject(v) || v.imageLayoutVersion !== '1.0.0') throw new ArchiveFormatError('oci-layout: unsupported image layout version (expected "1.0.0")');
}

export function isIndexMediaType(mt: string): boolean {
  return mt === OciIndexMediaType || mt === DockerMediaType.manifestList;
}

export function isManifestMediaType(mt: string): boolean {
  return mt === MediaType.manifest || mt === DockerMediaType.manifest;
}

/** The entry of a nested index for this platform (podman picks the host's). */
export function choosePlatform(index: OciIndex, os: string, architecture: string, variant?: string): IndexDescriptor {
  const images = index.manifests.filter((m) => isManifestMediaType(m.mediaType));
  const exact = images.filter((m) => m.platform?.os === os && m.platform?.architecture === architecture);
  const hit = exact.find((m) => variant === undefined || m.platform?.variant === undefined || m.platform.variant === variant) ?? exact[0];
  if (hit) return hit;
  if (images.length === 1 && images[0]!.platform === undefined) return images[0]!;
  throw new ArchiveFormatError(`no image for ${os}/${architecture} in the archive's image index`);
}

/** The reference name of an index entry, if it has one. */
export function refNameOf(d: IndexDescriptor): string | undefined {
  const n = d.annotations?.[REF_NAME_ANNOTATION];
  return typeof n === 'string' && n !== '' ? n : undefined;
}

/** index.json for `save`, field order as podman writes it. */
export function buildOciIndex(manifests: ReadonlyArray<{ digest: string; size: number; name: string | undefined }>): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: manifests.map((m) => ({
        mediaType: MediaType.manifest,
        digest: m.digest,
        size: m.size,
        ...(m.name !== undefined ? { annotations: { [REF_NAME_ANNOTATION]: m.name } } : {}),
      })),
    }),
    'utf8',
  );
}

export function ociLayerMediaType(c: Compression): string {
  if (c === 'gzip') return MediaType.layerGzip;
  if (c === 'zstd') return MediaType.layerZstd;
  return MediaType.layerTar;
}

/**
 * An OCI manifest with the same config and layer blobs as `m` (a Docker
 * schema 2 manifest), media types taken from what the blobs really are.
 */
export function toOciManifest(m: ImageManifest, compressionOf: (digest: string) => Compression): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.manifest,
      config: { mediaType: MediaType.config, digest: m.config.digest, size: m.config.size },
      layers: m.layers.map((l) => ({ mediaType: ociLayerMediaType(compressionOf(l.digest)), digest: l.digest, size: l.size })),
    }),
    'utf8',
  );
}
