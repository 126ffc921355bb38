// OCI image-spec shapes (config, manifest, descriptors) and media types, as
// stored in blobs/ and read back. Types plus shape checks; no I/O.

import { StateCorruptError } from '../errors.js';

export const MediaType = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

/** The runtime part of an image config (`config` in the JSON), Docker's capitalised keys. */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  /** Docker extension, kept when present. */
  OnBuild?: string[];
  /** Docker extension (HEALTHCHECK): durations in nanoseconds. */
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number };
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  variant?: string;
  os: string;
  config?: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** Parse an image config blob, checking the fields the engine relies on. */
export function parseImageConfig(text: string, what = 'image config'): ImageConfig {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new StateCorruptError(`${what} is not valid JSON`, undefined, { cause: err });
  }
  if (!isObject(v) || !isObject(v.rootfs) || !isStringArray(v.rootfs.diff_ids)) {
    throw new StateCorruptError(`${what} has no rootfs.diff_ids`);
  }
  if (v.config !== undefined && v.config !== null && !isObject(v.config)) {
    throw new StateCorruptError(`${what} has a malformed config section`);
  }
  return v as unknown as ImageConfig;
}

/** Parse an image manifest blob. */
export function parseImageManifest(text: string, what = 'image manifest'): ImageManifest {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new StateCorruptError(`${what} is not valid JSON`, undefined, { cause: err });
  }
  const isDescriptor = (d: unknown) =>
    isObject(d) && typeof d.digest === 'string' && typeof d.size === 'number' && typeof d.mediaType === 'string';
  if (!isObject(v) || v.schemaVersion !== 2 || !isDescriptor(v.config) || !Array.isArray(v.layers) || !v.layers.every(isDescriptor)) {
    throw new StateCorruptError(`${what} is malformed`);
  }
  return v as unknown as ImageManifest;
}

/** The OCI architecture name of this machine (`amd64` for Node's `x64`). */
export function hostArchitecture(arch: string = process.arch): string {
  const table: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return table[arch] ?? arch;
}
