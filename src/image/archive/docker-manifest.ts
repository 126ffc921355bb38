// docker-archive's manifest.json (what `docker save` and `podman save`
// write: one {Config, RepoTags, Layers} per image) and the Docker schema 2
// manifest an image loaded from one gets. Pure.

import type { Compression } from '../../storage/layers/compression.js';
import type { Descriptor } from '../oci.js';
import { ArchiveFormatError } from './errors.js';

export const DockerMediaType = {
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  manifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  config: 'application/vnd.docker.container.image.v1+json',
  layerTar: 'application/vnd.docker.image.rootfs.diff.tar',
  layerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  layerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
} as const;

export interface DockerArchiveEntry {
  /** Path of the config file in the archive. */
  Config: string;
  RepoTags: string[];
  /** Paths of the layer tars, bottom first. */
  Layers: string[];
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** Parse manifest.json; RepoTags may be missing or null (an unnamed image). */
export function parseDockerArchiveManifest(text: string): DockerArchiveEntry[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new ArchiveFormatError(`manifest.json is not valid JSON: ${(err as Error).message}`, undefined, { cause: err });
  }
  if (!Array.isArray(v) || v.length === 0) throw new ArchiveFormatError('manifest.json lists no images');
  return v.map((e: unknown, i) => {
    const o = e as Record<string, unknown> | null;
    if (!o || typeof o !== 'object' || typeof o.Config !== 'string' || !isStringArray(o.Layers)) {
      throw new ArchiveFormatError(`manifest.json entry ${i} is malformed: it needs "Config" and "Layers"`);
    }
    if (o.RepoTags !== undefined && o.RepoTags !== null && !isStringArray(o.RepoTags)) {
      throw new ArchiveFormatError(`manifest.json entry ${i} has malformed "RepoTags"`);
    }
    return { Config: o.Config, RepoTags: o.RepoTags ?? [], Layers: o.Layers };
  });
}

/** File names `save` uses: `<diffid hex>.tar` and `<config hex>.json`, as podman 4. */
export function layerFileName(diffId: string): string {
  return `${diffId.slice('sha256:'.length)}.tar`;
}

export function configFileName(configDigest: string): string {
  return `${configDigest.slice('sha256:'.length)}.json`;
}

/** manifest.json for `save` (compact, as podman writes it). */
export function buildDockerArchiveManifest(entries: readonly DockerArchiveEntry[]): Buffer {
  return Buffer.from(JSON.stringify(entries.map((e) => ({ Config: e.Config, RepoTags: e.RepoTags, Layers: e.Layers }))), 'utf8');
}

/** The digest a docker-archive config file name promises (`<hex>.json`, `blobs/sha256/<hex>`), if any. */
export function digestInConfigName(p: string): string | undefined {
  const m = /(?:^|\/)([0-9a-f]{64})(?:\.json)?$/.exec(p);
  return m ? `sha256:${m[1]}` : undefined;
}

export function dockerLayerMediaType(c: Compression): string {
  if (c === 'gzip') return DockerMediaType.layerGzip;
  if (c === 'zstd') return DockerMediaType.layerZstd;
  return DockerMediaType.layerTar;
}

/**
 * The Docker schema 2 manifest of an image loaded from a docker-archive:
 * the archive has none, so it is made from the config and the layer blobs
 * as stored (field order as containers/image writes it).
 */
export function buildDockerManifest(config: { digest: string; size: number }, layers: readonly Descriptor[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: DockerMediaType.manifest,
      config: { mediaType: DockerMediaType.config, size: config.size, digest: config.digest },
      layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
    }),
    'utf8',
  );
}
