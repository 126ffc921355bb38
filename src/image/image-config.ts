// Building the config and manifest of a new image (import now; commit and
// build later). Pure: the same inputs give the same bytes, so the same digest.

import type { ContainerConfig, Descriptor, ImageConfig, ImageManifest } from './oci.js';
import { MediaType } from './oci.js';

export const DEFAULT_IMPORT_MESSAGE = 'imported from tarball';

export interface ImportConfigInput {
  /** `sha256:<hex>` of the uncompressed layer tar. */
  diffId: string;
  /** When the image was made: the tarball's mtime for a file, now otherwise (as podman); a string is RFC 3339 with nanoseconds. */
  created: Date | string;
  config: ContainerConfig;
  message?: string | undefined;
  architecture: string;
  os: string;
  variant?: string | undefined;
}

/** Drop what an OCI config cannot carry (OnBuild is Docker-only) and empty sections. */
function ociContainerConfig(c: ContainerConfig): ContainerConfig {
  const { OnBuild: _onBuild, ...rest } = c;
  return rest;
}

/** The config of an image made from one rootfs tarball, field order as podman writes it. */
export function buildImportConfig(input: ImportConfigInput): ImageConfig {
  const created = typeof input.created === 'string' ? input.created : input.created.toISOString();
  const hex = input.diffId.replace(/^sha256:/, '');
  return {
    created,
    architecture: input.architecture,
    ...(input.variant ? { variant: input.variant } : {}),
    os: input.os,
    config: ociContainerConfig(input.config),
    rootfs: { type: 'layers', diff_ids: [input.diffId] },
    history: [
      {
        created,
        created_by: `/bin/sh -c #(nop) ADD file:${hex} in /`,
        comment: input.message || DEFAULT_IMPORT_MESSAGE,
      },
    ],
  };
}

/** An OCI manifest for a config blob and its layer blobs (bottom first). */
export function buildManifest(config: Descriptor, layers: readonly Descriptor[]): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    config: { mediaType: MediaType.config, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
}

/** The canonical bytes stored (and digested) for a JSON document: compact, no trailing newline. */
export function canonicalJson(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v), 'utf8');
}
