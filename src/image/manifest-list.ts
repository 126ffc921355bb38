// A manifest list (image index) as `manifest` and `build --manifest` keep
// it: its entries, how podman's `manifest inspect` shows them, the two wire
// forms (Docker list, OCI index) and the edits `add`, `annotate` and
// `remove` make. Pure.

import { UsageError } from '../errors.js';
import type { StoredListInstance } from '../storage/images.js';
import { MediaType } from './oci.js';

export const ListMedia = {
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociManifest: MediaType.manifest,
} as const;

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** Platform keys in podman's order; `features` exists only in the Docker form. */
function platformOf(p: StoredListInstance['platform'], docker: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { architecture: p.architecture, os: p.os };
  if (p['os.version']) out['os.version'] = p['os.version'];
  if (p['os.features']?.length) out['os.features'] = p['os.features'];
  if (p.variant) out.variant = p.variant;
  if (docker && p.features?.length) out.features = p.features;
  return out;
}

const hasAnnotations = (i: StoredListInstance) => i.annotations !== undefined && Object.keys(i.annotations).length > 0;

/**
 * `manifest inspect` of a local list, as podman 4.3 prints it: the Docker
 * form (`manifests` null when empty) with each entry's annotations, indented
 * by four spaces.
 */
export function inspectText(instances: readonly StoredListInstance[]): string {
  const doc = {
    schemaVersion: 2,
    mediaType: ListMedia.dockerList,
    manifests: instances.length
      ? instances.map((i) => ({
          mediaType: i.mediaType,
          size: i.size,
          digest: i.digest,
          platform: platformOf(i.platform, true),
          ...(hasAnnotations(i) ? { annotations: i.annotations } : {}),
        }))
      : null,
  };
  return JSON.stringify(doc, null, 4);
}

/** The list's bytes in one of the two forms (a Docker list carries no annotations). */
export function serializeList(instances: readonly StoredListInstance[], mediaType: string): Buffer {
  const docker = mediaType === ListMedia.dockerList;
  const manifests = instances.map((i) =>
    docker
      ? { mediaType: i.mediaType, size: i.size, digest: i.digest, platform: platformOf(i.platform, true) }
      : { mediaType: i.mediaType, digest: i.digest, size: i.size, platform: platformOf(i.platform, false), ...(hasAnnotations(i) ? { annotations: i.annotations } : {}) },
  );
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: docker ? ListMedia.dockerList : ListMedia.ociIndex, manifests }), 'utf8');
}

/**
 * The form a push sends: the one --format names (oci or v2s2), else an OCI
 * index when every entry is an OCI manifest (as podman 4.3 sends it), else a
 * Docker list. Entries are never converted: a form that cannot name an
 * entry's type is refused.
 */
export function pushMediaType(instances: readonly StoredListInstance[], format: string | undefined): string {
  if (format !== undefined) {
    const wanted = format === 'oci' ? 'oci' : format === 'v2s2' || format === 'docker' ? 'docker' : undefined;
    if (!wanted) throw new UsageError(`unknown format ${JSON.stringify(format)}. Choose one of the supported formats: 'oci' or 'v2s2'`);
    const entryType = wanted === 'oci' ? ListMedia.ociManifest : ListMedia.dockerManifest;
    const other = instances.find((i) => i.mediaType !== entryType);
    if (other) {
      throw new UsageError(`--format ${format}: entry ${other.digest} is ${other.mediaType} and tsc-run does not convert image manifests (that would change their digests)`);
    }
    return wanted === 'oci' ? ListMedia.ociIndex : ListMedia.dockerList;
  }
  return instances.length > 0 && instances.every((i) => i.mediaType === ListMedia.ociManifest) ? ListMedia.ociIndex : ListMedia.dockerList;
}

/** Add or replace (same digest: podman keeps one entry per digest, in place). */
export function withInstance(instances: readonly StoredListInstance[], added: StoredListInstance): StoredListInstance[] {
  const at = instances.findIndex((i) => i.digest === added.digest);
  if (at < 0) return [...instances, added];
  const out = [...instances];
  out[at] = added;
  return out;
}

/** A digest as `annotate` and `remove` take it. */
export function parseInstanceDigest(text: string): string {
  if (!DIGEST_RE.test(text)) {
    // go-digest's order of checks.
    const i = text.indexOf(':');
    const algorithm = text.slice(0, Math.max(i, 0));
    const why =
      i <= 0 || i + 1 === text.length || (!['sha256', 'sha384', 'sha512'].includes(algorithm) && !/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(text))
        ? 'invalid checksum digest format'
        : !['sha256', 'sha384', 'sha512'].includes(algorithm)
          ? 'unsupported digest algorithm'
          : /^[a-f0-9]*$/.test(text.slice(i + 1))
            ? 'invalid checksum digest length'
            : 'invalid checksum digest format';
    throw new UsageError(`invalid image digest "${text}": ${why}`);
  }
  return text;
}

export function withoutInstance(instances: readonly StoredListInstance[], digest: string): StoredListInstance[] {
  if (!instances.some((i) => i.digest === digest)) {
    throw new UsageError(`no instance matching digest "${digest}" found in manifest list: file does not exist`);
  }
  return instances.filter((i) => i.digest !== digest);
}

/** What `add` and `annotate` may change in an entry. */
export interface InstanceEdits {
  annotations?: readonly string[];
  arch?: string | undefined;
  os?: string | undefined;
  osVersion?: string | undefined;
  osFeatures?: readonly string[];
  variant?: string | undefined;
  features?: readonly string[];
}

/** `--annotation k=v` strings as a map; a bare key is podman's error. */
export function parseAnnotations(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq < 0) throw new UsageError(`no value given for annotation "${spec}"`);
    out[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  return out;
}

/** The entry with the edits applied (empty values change nothing, as podman). */
export function annotated(i: StoredListInstance, e: InstanceEdits): StoredListInstance {
  const platform = { ...i.platform };
  if (e.os) platform.os = e.os;
  if (e.osVersion) platform['os.version'] = e.osVersion;
  if (e.features?.length) platform.features = [...e.features];
  if (e.osFeatures?.length) platform['os.features'] = [...e.osFeatures];
  if (e.arch) platform.architecture = e.arch;
  if (e.variant) platform.variant = e.variant;
  const out: StoredListInstance = { ...i, platform };
  if (e.annotations?.length) out.annotations = { ...(i.annotations ?? {}), ...parseAnnotations(e.annotations) };
  return out;
}

export function annotateInstance(instances: readonly StoredListInstance[], digest: string, e: InstanceEdits): StoredListInstance[] {
  const at = instances.findIndex((i) => i.digest === digest);
  if (at < 0) throw new UsageError(`no instance matching digest "${digest}" found in manifest list: file does not exist`);
  const out = [...instances];
  out[at] = annotated(out[at]!, e);
  return out;
}
