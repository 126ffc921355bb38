// `pull`: resolve the name (short names through registries.conf), fetch
// and check the manifest (digest, size, list → platform), the config, then
// every layer in parallel (bounded) straight into the layer store, keep
// manifest, config and compressed layers as blobs, and record the image.
// A failure leaves no image record and no unverified or partial file:
// layers and blobs are only ever renamed into place complete and checked.

import { TscRunError } from '../../errors.js';
import { ImageStore, type ImageRecord } from '../../storage/images.js';
import { sweepTempFiles } from '../../storage/atomic-file.js';
import { BlobStore, DigestMismatchError, sha256Digest } from '../../storage/blob-store.js';
import { LayerStore, chainId, type TreeOps } from '../../storage/layers/layer-store.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { parseImageConfig, type ImageManifest } from '../oci.js';
import type { CopyProgress } from '../progress.js';
import { formatReference, normalizeReference, repositoryOf, type ImageReference } from '../../storage/image-reference.js';
import { withContext, type RegistryClient } from './client.js';
import { UnsupportedContentError } from './errors.js';
import { parseManifest, selectFromIndex, type Platform } from './manifest-select.js';
import { mapLimit } from './pool.js';
import { pullLayer } from './pull-layer.js';
import { loadRegistriesConf, type RegistriesConf } from './registries-conf.js';
import { openRemote, type RemoteOptions } from './remote.js';
import { resolvePullCandidates } from './short-names.js';

/** containers/image's limit for config blobs. */
const CONFIG_LIMIT = 4 << 20;
/** A live pull's temp blob is never older than this; older ones are abandoned. */
const TEMP_BLOB_MAX_AGE_MS = 24 * 3600 * 1000;
/** Layers downloaded and unpacked at once. */
export const PULL_PARALLELISM = 3;

export interface PullOptions extends RemoteOptions {
  dataRoot: string;
  /** What the user typed. */
  reference: string;
  allTags?: boolean;
  platform: Platform;
  progress: CopyProgress;
  /** Tree operations for the layer store (default: the helper's). */
  treeOps?: TreeOps;
  /** For tests: registries.conf already read. */
  registriesConf?: RegistriesConf;
  /** Warnings (podman's level=warning lines). */
  warn?: (msg: string) => void;
}

export interface PulledImage {
  id: string;
  names: string[];
}

/** Pull what the user named (one image, or every tag with --all-tags); returns them in order. */
export async function pullImages(o: PullOptions): Promise<PulledImage[]> {
  const conf = o.registriesConf ?? loadRegistriesConf(o.env);
  // A policy file that cannot be read fails before any registry is asked, as podman's.
  const { loadPolicy } = await import('../policy/policy-file.js');
  await loadPolicy(o.signaturePolicy, o.env ?? process.env);
  const images = new ImageStore(o.dataRoot);
  if (o.allTags) return pullAllTags(o, conf);
  const local = (await images.list()).flatMap((i) => i.names);
  const { candidates, note } = resolvePullCandidates(o.reference, conf, local);
  if (note) o.progress.emit({ type: 'note', line: note });
  const errors: Error[] = [];
  for (const c of candidates) {
    o.progress.emit({ type: 'note', line: `Trying to pull ${c}...` });
    try {
      return [await pullOne(normalizeReference(c), conf, o)];
    } catch (err) {
      errors.push(err as Error);
    }
  }
  if (errors.length === 1) throw errors[0]!;
  throw new TscRunError(`${errors.length} errors occurred while pulling:\n * ${errors.map((e) => e.message).join('\n * ')}`);
}

async function pullAllTags(o: PullOptions, conf: RegistriesConf): Promise<PulledImage[]> {
  const ref = normalizeReference(o.reference);
  if (ref.digest !== undefined || /:[\w][\w.-]*$/.test(o.reference.split('/').pop() ?? '')) {
    throw new TscRunError('tag can\'t be used with --all-tags/-a');
  }
  const name = repositoryOf(ref);
  const remote = openRemote(name, conf, o);
  let tags: string[];
  try {
    tags = await remote.client.listTags(remote.repository);
  } catch (err) {
    remote.client.close();
    throw withContext(err, `getting repository tags for ${name}`);
  }
  remote.client.close();
  const out: PulledImage[] = [];
  for (const tag of tags) {
    const r: ImageReference = { ...ref, tag, digest: undefined };
    o.progress.emit({ type: 'note', line: `Trying to pull ${formatReference(r)}...` });
    out.push(await pullOne(r, conf, o));
  }
  return out;
}

interface Resolved {
  manifest: ImageManifest;
  bytes: Buffer;
  mediaType: string;
  digest: string;
  /** The list the manifest was chosen from, when there was one. */
  index?: { bytes: Buffer; digest: string };
}

async function resolveManifest(client: RegistryClient, repository: string, ref: ImageReference, platform: Platform, source: string): Promise<Resolved> {
  const wanted = ref.digest ?? ref.tag!;
  const top = await client.getManifest(repository, wanted).catch((err: unknown) => {
    throw withContext(err, `reading manifest ${wanted} in ${repositoryOf(ref)}`);
  });
  if (ref.digest !== undefined && top.digest !== ref.digest) throw new DigestMismatchError(ref.digest, top.digest, 'manifest');
  const parsed = parseManifest(top.bytes, top.mediaType);
  if (parsed.kind === 'image') return { manifest: parsed.manifest, bytes: top.bytes, mediaType: parsed.mediaType, digest: top.digest };
  let entry;
  try {
    entry = selectFromIndex(parsed.manifests, platform);
  } catch (err) {
    throw withContext(err, `choosing an image from manifest list ${source}`);
  }
  const inner = await client.getManifest(repository, entry.digest).catch((err: unknown) => {
    throw withContext(err, `reading manifest ${entry.digest} in ${repositoryOf(ref)}`);
  });
  if (inner.digest !== entry.digest) throw new DigestMismatchError(entry.digest, inner.digest, 'manifest');
  if (inner.bytes.length !== entry.size) {
    throw new UnsupportedContentError(`manifest ${entry.digest} is ${inner.bytes.length} bytes, the list says ${entry.size}`);
  }
  const child = parseManifest(inner.bytes, inner.mediaType ?? entry.mediaType);
  if (child.kind !== 'image') throw new UnsupportedContentError('a manifest list entry is itself a list');
  return { manifest: child.manifest, bytes: inner.bytes, mediaType: child.mediaType, digest: inner.digest, index: { bytes: top.bytes, digest: top.digest } };
}

/** The name podman gives a pulled image: repo:tag, or repo@digest when pulled by digest. */
function imageName(ref: ImageReference): string {
  return ref.digest !== undefined ? `${repositoryOf(ref)}@${ref.digest}` : formatReference({ ...ref, digest: undefined });
}

async function pullOne(ref: ImageReference, conf: RegistriesConf, o: PullOptions): Promise<PulledImage> {
  const source = `docker://${formatReference(ref)}`;
  const remote = openRemote(repositoryOf(ref), conf, o);
  const { client, repository } = remote;
  try {
    let resolved: Resolved;
    try {
      await client.ping();
      resolved = await resolveManifest(client, repository, ref, o.platform, source);
    } catch (err) {
      throw withContext(err, `initializing source ${source}`);
    }
    // As containers/image: the policy decides once the manifest is known, before anything is stored.
    const { enforcePolicy } = await import('../policy/enforce.js');
    await enforcePolicy({ signaturePolicy: o.signaturePolicy, env: o.env }, { transport: 'docker', ref });
    try {
      return await copyImage(client, repository, ref, resolved, o);
    } catch (err) {
      throw withContext(err, `copying ${source}`);
    }
  } finally {
    client.close();
  }
}

async function copyImage(client: RegistryClient, repository: string, ref: ImageReference, r: Resolved, o: PullOptions): Promise<PulledImage> {
  const blobs = new BlobStore(o.dataRoot);
  // Temp blobs of pulls that were killed (their pid is gone) go before we add ours.
  await sweepTempFiles(blobs.dir, { maxAgeMs: TEMP_BLOB_MAX_AGE_MS });
  const layers = new LayerStore(o.dataRoot, o.treeOps ?? helperTreeOps());
  const { manifest } = r;
  o.progress.emit({ type: 'start' });
  const configBytes = await client.readBlob(repository, manifest.config.digest, CONFIG_LIMIT, 'image config');
  const configDigest = sha256Digest(configBytes);
  if (configDigest !== manifest.config.digest) throw new DigestMismatchError(manifest.config.digest, configDigest, 'config');
  const config = parseImageConfig(configBytes.toString('utf8'));
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new UnsupportedContentError(`the image config lists ${diffIds.length} layers but the manifest ${manifest.layers.length}`);
  }
  if (config.os && config.architecture && (config.os !== o.platform.os || config.architecture !== o.platform.architecture)) {
    o.warn?.(`image platform (${config.os}/${config.architecture}) does not match the expected platform (${o.platform.os}/${o.platform.architecture})`);
  }
  const parents: (string | null)[] = [];
  let parent: string | null = null;
  for (const d of diffIds) {
    parents.push(parent);
    parent = chainId(parent, d);
  }
  for (const l of manifest.layers) o.progress.emit({ type: 'blob', digest: l.digest, size: l.size });
  const records = await mapLimit(manifest.layers, PULL_PARALLELISM, (desc, i, signal) =>
    pullLayer({
      client,
      repository,
      desc,
      parent: parents[i]!,
      diffId: diffIds[i]!,
      layers,
      blobs,
      progress: o.progress,
      signal,
    }).catch((err: unknown) => {
      throw withContext(err, `copying blob ${desc.digest}`);
    }),
  );
  o.progress.emit({ type: 'config', digest: configDigest });
  await blobs.put(configBytes, configDigest);
  o.progress.emit({ type: 'manifest' });
  await blobs.put(r.bytes, r.digest);
  if (r.index) await blobs.put(r.index.bytes, r.index.digest);
  const record: ImageRecord = {
    id: configDigest.slice('sha256:'.length),
    names: [imageName(ref)],
    digest: r.digest,
    manifestMediaType: r.mediaType,
    layers: records.map((l) => l.id),
    created: config.created ?? new Date(0).toISOString(),
    added: new Date().toISOString(),
    size: records.reduce((n, l) => n + l.size, 0),
    digests: r.index ? [r.digest, r.index.digest] : [r.digest],
  };
  const stored = await new ImageStore(o.dataRoot).add(record);
  o.progress.emit({ type: 'stored' });
  return { id: stored.id, names: stored.names };
}
