// What a registry's manifest response is (Docker schema 2, OCI image
// manifest, Docker manifest list, OCI index, or something we refuse) and,
// for lists, which entry fits the wanted platform. Pure.

import type { Descriptor, ImageManifest } from '../oci.js';
import { UnsupportedContentError } from './errors.js';

export const ManifestMedia = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerV1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** Accept header for manifest requests: every kind we can use, lists included. */
export const MANIFEST_ACCEPT = [
  ManifestMedia.ociManifest,
  ManifestMedia.dockerManifest,
  ManifestMedia.ociIndex,
  ManifestMedia.dockerList,
].join(', ');

/** Layer media types we can unpack (compression is detected from the bytes anyway). */
const LAYER_TYPES = new Set([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
]);

const CONFIG_TYPES = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

export interface Platform {
  os: string;
  architecture: string;
  variant?: string | undefined;
}

export interface IndexEntry extends Descriptor {
  platform?: Platform & { 'os.version'?: string; 'os.features'?: string[] };
}

export type ParsedManifest =
  | { kind: 'image'; mediaType: string; manifest: ImageManifest }
  | { kind: 'index'; mediaType: string; manifests: IndexEntry[] };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isDescriptor(d: unknown): d is Descriptor {
  return (
    isObject(d) &&
    typeof d.digest === 'string' &&
    /^sha256:[0-9a-f]{64}$/.test(d.digest) &&
    typeof d.size === 'number' &&
    Number.isSafeInteger(d.size) &&
    d.size >= 0 &&
    typeof d.mediaType === 'string'
  );
}

/**
 * Classify and check a manifest. `contentType` is the response header; the
 * document's own mediaType and shape decide when the header is missing or
 * generic (some registries say application/json).
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParsedManifest {
  const header = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (header === ManifestMedia.dockerV1 || header === ManifestMedia.dockerV1Signed) {
    throw new UnsupportedContentError('the image uses the Docker schema 1 manifest format, which is not supported; push it again with a current tool');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new UnsupportedContentError('the manifest is not valid JSON');
  }
  if (!isObject(doc)) throw new UnsupportedContentError('the manifest is not a JSON object');
  if (doc.schemaVersion === 1) {
    throw new UnsupportedContentError('the image uses the Docker schema 1 manifest format, which is not supported; push it again with a current tool');
  }
  if (doc.schemaVersion !== 2) throw new UnsupportedContentError(`unsupported manifest schemaVersion ${JSON.stringify(doc.schemaVersion)}`);
  const own = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const known = [ManifestMedia.ociManifest, ManifestMedia.ociIndex, ManifestMedia.dockerManifest, ManifestMedia.dockerList] as string[];
  const mediaType =
    (known.includes(header) ? header : undefined) ??
    (own && known.includes(own) ? own : undefined) ??
    (Array.isArray(doc.manifests) ? ManifestMedia.ociIndex : ManifestMedia.ociManifest);
  if (own !== undefined && known.includes(own) && own !== mediaType) {
    throw new UnsupportedContentError(`the manifest says it is ${own} but was served as ${mediaType}`);
  }

  if (mediaType === ManifestMedia.ociIndex || mediaType === ManifestMedia.dockerList) {
    if (!Array.isArray(doc.manifests) || !doc.manifests.every(isDescriptor)) {
      throw new UnsupportedContentError('the manifest list is malformed');
    }
    return { kind: 'index', mediaType, manifests: doc.manifests };
  }
  if (!isDescriptor(doc.config) || !Array.isArray(doc.layers) || !doc.layers.every(isDescriptor)) {
    throw new UnsupportedContentError('the image manifest is malformed');
  }
  const manifest = doc as unknown as ImageManifest;
  if (!CONFIG_TYPES.has(manifest.config.mediaType)) {
    throw new UnsupportedContentError(`unsupported config media type ${manifest.config.mediaType} (not a container image?)`);
  }
  for (const l of manifest.layers) {
    if (!LAYER_TYPES.has(l.mediaType)) {
      const why = /encrypted/.test(l.mediaType) ? 'encrypted layers are not supported' : 'unsupported layer media type';
      throw new UnsupportedContentError(`${why}: ${l.mediaType} (${l.digest})`);
    }
  }
  return { kind: 'image', mediaType, manifest };
}

/** The platform this machine runs (podman's default choice). */
export function hostPlatform(arch: string = process.arch): Platform {
  const table: Record<string, Platform> = {
    x64: { os: 'linux', architecture: 'amd64' },
    ia32: { os: 'linux', architecture: '386' },
    arm64: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    arm: { os: 'linux', architecture: 'arm', variant: 'v7' },
    ppc64: { os: 'linux', architecture: 'ppc64le' },
    s390x: { os: 'linux', architecture: 's390x' },
    riscv64: { os: 'linux', architecture: 'riscv64' },
  };
  return table[arch] ?? { os: 'linux', architecture: arch };
}

/** The wanted platform from --platform / --os / --arch / --variant over the host's. */
export function wantedPlatform(o: { platform?: string | undefined; os?: string | undefined; arch?: string | undefined; variant?: string | undefined }, host: Platform = hostPlatform()): Platform {
  let { os, architecture, variant } = host;
  if (o.platform) {
    const parts = o.platform.split('/');
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
      throw new UnsupportedContentError(`invalid platform syntax for --platform=${JSON.stringify(o.platform)}: use OS/ARCH[/VARIANT]`);
    }
    [os, architecture] = [parts[0]!, parts[1]!];
    variant = parts[2];
    if (o.os || o.arch || o.variant) {
      throw new UnsupportedContentError('--platform option can not be specified with --arch or --os');
    }
  }
  if (o.os) os = o.os;
  if (o.arch) {
    architecture = o.arch;
    if (o.arch !== host.architecture) variant = undefined;
  }
  if (o.variant) variant = o.variant;
  return { os, architecture, variant };
}

/** arm64's only variant is v8: treat "" and "v8" alike, as containerd does. */
function sameVariant(arch: string, a: string | undefined, b: string | undefined): boolean {
  const norm = (v: string | undefined) => (arch === 'arm64' && (v === undefined || v === '' || v === 'v8') ? 'v8' : (v ?? ''));
  return norm(a) === norm(b);
}

/** The list entry for `want`, or a podman-worded error naming what was looked for. */
export function selectFromIndex(entries: readonly IndexEntry[], want: Platform): IndexEntry {
  const images = entries.filter((e) => e.platform && e.platform.os === want.os && e.platform.architecture === want.architecture);
  const exact = images.find((e) => sameVariant(want.architecture, e.platform!.variant, want.variant));
  if (exact) return exact;
  // No variant asked for, or the list does not split by variant: the first image for os/arch.
  const loose = images.find((e) => !e.platform!.variant) ?? (want.variant === undefined ? images[0] : undefined);
  if (loose) return loose;
  throw new UnsupportedContentError(
    `no image found in manifest list for architecture "${want.architecture}", variant "${want.variant ?? ''}", OS "${want.os}"`,
  );
}
