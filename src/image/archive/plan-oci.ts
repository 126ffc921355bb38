// oci-archive → planned images: index.json lists manifests (a nested index
// is resolved to the host's platform); manifests name config and layer
// blobs by digest, and every blob came out of the archive verified against
// its name. No I/O of its own (reads through ArchiveContents).

import { DigestMismatchError, sha256Digest } from '../../storage/blob-store.js';
import { parseImageConfig, parseImageManifest } from '../oci.js';
import type { ArchiveContents } from './contents.js';
import { ArchiveFormatError } from './errors.js';
import { nameFromRefName } from './names.js';
import {
  checkOciLayout,
  choosePlatform,
  isIndexMediaType,
  isManifestMediaType,
  parseOciIndex,
  refNameOf,
  type IndexDescriptor,
} from './oci-layout.js';
import { ociBlobPath } from './paths.js';
import type { PlannedImage, PlannedLayer } from './plan.js';

export const OCI_INDEX = 'index.json';
export const OCI_LAYOUT = 'oci-layout';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string | undefined;
}

async function readBlob(c: ArchiveContents, d: { digest: string; size: number }, what: string): Promise<Buffer> {
  const p = ociBlobPath(d.digest);
  if (!c.has(p)) throw new ArchiveFormatError(`${what} ${d.digest} is missing from the archive`);
  const data = await c.read(p);
  // The reader verified it already; checked again so no other ArchiveContents can slip one through.
  const actual = sha256Digest(data);
  if (actual !== d.digest) throw new DigestMismatchError(d.digest, actual, what);
  if (data.length !== d.size) throw new ArchiveFormatError(`${what} ${d.digest} has ${data.length} bytes, its descriptor says ${d.size}`);
  return data;
}

/** One image manifest (its bytes and digest) whose config and layers are `blobs/sha256/<hex>` in `c`. */
export async function planManifest(c: ArchiveContents, manifest: Buffer, digest: string, mediaType: string | undefined, names: string[]): Promise<PlannedImage> {
  const m = parseImageManifest(manifest.toString('utf8'), `manifest ${digest}`);
  const config = await readBlob(c, m.config, 'config');
  const parsed = parseImageConfig(config.toString('utf8'), `config ${m.config.digest}`);
  const diffIds = parsed.rootfs.diff_ids;
  if (diffIds.length !== m.layers.length) {
    throw new ArchiveFormatError(`manifest ${digest} lists ${m.layers.length} layers, but its config has ${diffIds.length} diff_ids`);
  }
  const layers: PlannedLayer[] = [];
  for (const [i, l] of m.layers.entries()) {
    const p = ociBlobPath(l.digest);
    if (!c.has(p)) throw new ArchiveFormatError(`layer ${l.digest} is missing from the archive`);
    const blob = await c.blob(p);
    if (blob.size !== l.size) throw new ArchiveFormatError(`layer ${l.digest} has ${blob.size} bytes, its descriptor says ${l.size}`);
    layers.push({ blob, diffId: diffIds[i]! });
  }
  const type = m.mediaType ?? mediaType;
  if (type === undefined) throw new ArchiveFormatError(`manifest ${digest} has no media type`);
  return { config, configDigest: m.config.digest, created: parsed.created, manifest, manifestDigest: digest, manifestMediaType: type, layers, names };
}

export async function planOciArchive(c: ArchiveContents, platform: Platform): Promise<PlannedImage[]> {
  if (c.has(OCI_LAYOUT)) checkOciLayout((await c.read(OCI_LAYOUT)).toString('utf8'));
  const index = parseOciIndex((await c.read(OCI_INDEX)).toString('utf8'));
  if (!index.manifests.length) throw new ArchiveFormatError('index.json lists no images');
  const plans: PlannedImage[] = [];
  for (const top of index.manifests) {
    let d: IndexDescriptor = top;
    if (isIndexMediaType(d.mediaType)) {
      const nested = parseOciIndex((await readBlob(c, d, 'image index')).toString('utf8'), `image index ${d.digest}`);
      d = choosePlatform(nested, platform.os, platform.architecture, platform.variant);
    }
    if (!isManifestMediaType(d.mediaType)) throw new ArchiveFormatError(`index.json: unsupported manifest media type ${JSON.stringify(d.mediaType)}`);
    const manifest = await readBlob(c, d, 'manifest');
    const ref = refNameOf(top);
    plans.push(await planManifest(c, manifest, d.digest, d.mediaType, ref !== undefined ? [nameFromRefName(ref)] : []));
  }
  return plans;
}
