// `push`: send a stored image to a registry (blobs first, in parallel:
// skipped when the repository has them, mounted across repositories of the
// same registry when another of the image's names lives there, else
// uploaded; the manifest last, byte for byte as stored, so a pulled image
// keeps its digest), or write it to docker-archive:, oci-archive:, oci: or
// dir:. Layers are re-encoded and the manifest converted only where the
// destination or a flag asks for it (convert/push-plan.ts).

import { emitImage } from '../../events/emit.js';
import { TscRunError, UsageError } from '../../errors.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import { BlobStore } from '../../storage/blob-store.js';
import { ImageStore, type ImageRecord } from '../../storage/images.js';
import { LayerStore } from '../../storage/layers/layer-store.js';
import type { CopyProgress } from '../progress.js';
import { formatReference, parseReference, repositoryOf, type ImageReference } from '../../storage/image-reference.js';
import { scopeFor } from './auth.js';
import { uploadBlob } from './blob-upload.js';
import { withContext, type RegistryClient } from './client.js';
import { readLocalImage, type LocalBlob, type LocalImage } from './local-image.js';
import { mapLimit } from './pool.js';
import { parsePushDestination, registryRef, type PushDestination } from './push-destination.js';
import { loadRegistriesConf, type RegistriesConf } from './registries-conf.js';
import { openRemote, type RemoteOptions } from './remote.js';
import type { StorePolicy } from '../policy/enforce.js';
import { parseCompressionFormat, parseManifestFormat, type CompressionAlgorithm, type ManifestFormat } from '../convert/push-plan.js';

/** Blobs uploaded at once. */
export const PUSH_PARALLELISM = 3;

export interface PushOptions extends RemoteOptions {
  dataRoot: string;
  /** The local image: name, id or id prefix. */
  source: string;
  /** `[docker://]REF`, `oci:DIR[:REF]`, `oci-archive:FILE[:REF]`, `docker-archive:FILE[:REF]`; default: the source's name. */
  destination?: string | undefined;
  progress: CopyProgress;
  /** --format: `oci`, `v2s2` (or `docker`): the manifest type sent, converted when stored as the other. */
  format?: string | undefined;
  /** --compression-format: gzip or zstd for the layers the destination compresses (those stored otherwise are re-compressed). */
  compressionFormat?: string | undefined;
  /** --compress: dir: compresses layers (the other destinations do anyway; docker-archive refuses it). */
  compress?: boolean | undefined;
  /** --digestfile: where to write the manifest digest. */
  digestfile?: string | undefined;
  registriesConf?: RegistriesConf;
  /** The signature policy the image (in our store: podman's containers-storage) must pass. */
  storePolicy: StorePolicy;
}

export interface PushResult {
  /** Digest of the manifest as written (for a docker-archive: of the schema 2 manifest it stands for, as podman's). */
  digest: string;
}

function destinationOf(o: PushOptions, record: ImageRecord): PushDestination {
  if (o.destination !== undefined) return parsePushDestination(o.destination);
  // `push NAME` pushes to NAME itself; an id names no registry.
  if (/^(sha256:)?[0-9a-f]{6,64}$/.test(o.source) && record.id.startsWith(o.source.replace(/^sha256:/, ''))) {
    throw new UsageError(`no destination given and ${o.source} is an image id, not a name to push to`);
  }
  return { transport: 'docker', ref: registryRef(o.source) };
}

export async function pushImage(o: PushOptions): Promise<PushResult> {
  const format = parseManifestFormat(o.format);
  const algorithm = parseCompressionFormat(o.compressionFormat);
  const record = await new ImageStore(o.dataRoot).lookup(o.source);
  const dest = destinationOf(o, record);
  checkFlagsFor(dest, { format, algorithm, compress: o.compress === true });
  // As podman: the policy judges the source, our store, not the destination.
  const { enforceStorePolicy } = await import('../policy/enforce.js');
  await enforceStorePolicy(o.storePolicy.options, { graphRoot: o.dataRoot, runRoot: o.storePolicy.runRoot, id: record.id }, o.storePolicy.driver);
  let digest: string;
  if (dest.transport === 'docker-archive') {
    const { saveImages } = await import('../archive/save.js');
    // save's extra arguments are names for the one image: the destination's ref, if any.
    [digest] = (await saveImages({
      dataRoot: o.dataRoot,
      images: [o.source, ...(dest.ref !== undefined ? [dest.ref] : [])],
      format: dest.transport,
      output: dest.path,
      multiImage: false,
      progress: o.progress,
    })) as [string];
  } else {
    const blobs = new BlobStore(o.dataRoot);
    const stored = await readLocalImage(record, blobs, new LayerStore(o.dataRoot, helperTreeOps()));
    // What each destination wants of layers, as containers/image: dir: keeps them as stored unless --compress.
    const mode = dest.transport === 'dir' && o.compress !== true ? 'preserve' : 'compress';
    const { encodeForPush } = await import('../convert/encode-image.js');
    const encoded = await encodeForPush(stored, { format, mode, algorithm }, blobs.dir);
    try {
      const image = encoded.image;
      if (dest.transport === 'docker') digest = await pushToRegistry(image, dest.ref, o);
      else if (dest.transport === 'oci') digest = await pushToOciDir(image, dest.path, dest.ref, o.progress);
      else digest = await pushToLocalFile(image, { transport: dest.transport === 'dir' ? 'dir' : 'oci-archive', path: dest.path, ref: dest.ref }, o.progress);
    } finally {
      await encoded.cleanup();
    }
  }
  if (o.digestfile !== undefined) await writeFileAtomic(o.digestfile, digest);
  emitImage(o.dataRoot, 'push', record.id, o.destination ?? o.source);
  return { digest };
}

/** Flags a destination cannot honour are refused, not ignored (podman ignores some of them silently). */
function checkFlagsFor(dest: PushDestination, f: { format: ManifestFormat | undefined; algorithm: CompressionAlgorithm | undefined; compress: boolean }): void {
  if (dest.transport === 'docker-archive') {
    if (f.format === 'oci') throw new TscRunError('writing manifest: Unsupported manifest type, need a Docker schema 2 manifest');
    if (f.algorithm !== undefined || f.compress) throw new UsageError('--compress/--compression-format: a docker-archive holds uncompressed layers');
  }
  if (dest.transport === 'dir' && f.algorithm !== undefined && !f.compress) {
    throw new UsageError('--compression-format: dir: keeps layers as they are stored; add --compress to compress them');
  }
}

/** The blobs of an image to write somewhere: its layers (each a local file) and config. */
function localBlobs(image: LocalImage): Array<{ digest: string; size: number; file: string }> {
  return [...image.layers, image.config].map((b) => {
    if (!b.file) throw missingBlob(image, b);
    return { digest: b.digest, size: b.size, file: b.file };
  });
}

async function pushToLocalFile(image: LocalImage, dest: { transport: 'dir' | 'oci-archive'; path: string; ref?: string | undefined }, progress: CopyProgress): Promise<string> {
  const blobs = localBlobs(image);
  progress.emit({ type: 'start' });
  for (const l of image.layers) progress.emit({ type: 'blob', digest: l.digest, size: l.size });
  if (dest.transport === 'dir') {
    const { writeDirImage } = await import('../dir-layout.js');
    await writeDirImage(dest.path, { blobs, manifest: image.manifestBytes });
  } else {
    const { writeOciArchiveImage } = await import('../archive/oci-archive-image.js');
    await writeOciArchiveImage(dest.path, { blobs, manifest: image.manifestBytes, manifestDigest: image.manifestDigest, manifestMediaType: image.manifestMediaType }, dest.ref, progress);
  }
  for (const l of image.layers) progress.emit({ type: 'blob-done', digest: l.digest, skipped: false });
  progress.emit({ type: 'config', digest: image.config.digest });
  progress.emit({ type: 'manifest' });
  progress.emit({ type: 'stored' });
  return image.manifestDigest;
}

async function pushToOciDir(image: LocalImage, dir: string, refName: string | undefined, progress: CopyProgress): Promise<string> {
  const { writeOciDir } = await import('../oci-dir.js');
  const blobs = localBlobs(image);
  progress.emit({ type: 'start' });
  for (const l of image.layers) progress.emit({ type: 'blob', digest: l.digest, size: l.size });
  progress.emit({ type: 'config', digest: image.config.digest });
  progress.emit({ type: 'manifest' });
  await writeOciDir(
    dir,
    {
      blobs,
      manifest: image.manifestBytes,
      manifestDigest: image.manifestDigest,
      manifestMediaType: image.manifestMediaType,
    },
    refName,
  );
  for (const l of image.layers) progress.emit({ type: 'blob-done', digest: l.digest, skipped: false });
  progress.emit({ type: 'stored' });
  return image.manifestDigest;
}

function missingBlob(image: LocalImage, b: LocalBlob): TscRunError {
  return new TscRunError(
    `layer blob ${b.digest} of image ${image.record.id.slice(0, 12)} is not in the local store and the destination has no copy of it; pull or load the image again`,
  );
}

/** Repositories on `registry` that the image was pulled from or pushed to (mount sources). */
function mountSources(record: ImageRecord, dest: ImageReference): string[] {
  const out = new Set<string>();
  for (const n of record.names) {
    try {
      const r = parseReference(n);
      if (r.domain === dest.domain && r.path !== dest.path) out.add(r.path);
    } catch {
      /* not a reference */
    }
  }
  return [...out];
}

/** Push a stored image to `ref`'s repository, its manifest under `manifestReference` (a tag, or its digest for a list's entry). */
export async function pushToRegistry(image: LocalImage, ref: ImageReference, o: Omit<PushOptions, 'storePolicy'>, manifestReference = ref.tag ?? 'latest'): Promise<string> {
  const conf = o.registriesConf ?? loadRegistriesConf(o.env);
  const target = `docker://${formatReference(ref)}`;
  const remote = openRemote(repositoryOf(ref), conf, o);
  const { client, repository } = remote;
  try {
    await client.ping().catch((err: unknown) => {
      throw withContext(err, `trying to reuse blob ${image.layers[0]?.digest ?? image.config.digest} at destination`);
    });
    o.progress.emit({ type: 'start' });
    const mountFrom = remote.registry === ref.domain ? mountSources(image.record, ref) : [];
    await mapLimit(image.layers, PUSH_PARALLELISM, async (layer) => {
      o.progress.emit({ type: 'blob', digest: layer.digest, size: layer.size });
      await sendBlob(client, repository, image, layer, mountFrom, o.progress).catch((err: unknown) => {
        throw withContext(err, `writing blob ${layer.digest}`);
      });
    });
    o.progress.emit({ type: 'config', digest: image.config.digest });
    await sendBlob(client, repository, image, image.config, [], o.progress).catch((err: unknown) => {
      throw withContext(err, `writing config ${image.config.digest}`);
    });
    o.progress.emit({ type: 'manifest' });
    const reported = await client.putManifest(repository, manifestReference, image.manifestBytes, image.manifestMediaType).catch((err: unknown) => {
      throw withContext(err, 'writing manifest');
    });
    if (reported !== undefined && reported !== image.manifestDigest) {
      throw new TscRunError(`the registry stored the manifest as ${reported}, not ${image.manifestDigest}`);
    }
    o.progress.emit({ type: 'stored' });
    return image.manifestDigest;
  } catch (err) {
    throw withContext(err, `pushing ${image.record.names[0] ?? image.record.id.slice(0, 12)} to ${target}`);
  } finally {
    client.close();
  }
}

async function sendBlob(client: RegistryClient, repository: string, image: LocalImage, b: LocalBlob, mountFrom: readonly string[], progress: CopyProgress): Promise<void> {
  if (!b.file) {
    // Only a registry can still have it: here already, or mountable from a sibling repository.
    if (await client.blobExists(repository, b.digest, [scopeFor(repository, ['pull', 'push'])])) return progress.emit({ type: 'blob-done', digest: b.digest, skipped: true });
    for (const from of mountFrom) {
      const r = await client.startUpload(repository, { digest: b.digest, from });
      if (r.mounted) return progress.emit({ type: 'blob-done', digest: b.digest, skipped: true });
    }
    throw missingBlob(image, b);
  }
  progress.emit({ type: 'blob-state', digest: b.digest, state: 'uploading' });
  const outcome = await uploadBlob(client, repository, { digest: b.digest, size: b.size, file: b.file }, {
    mountFrom,
    onBytes: (n) => progress.emit({ type: 'blob-bytes', digest: b.digest, bytes: n }),
  });
  progress.emit({ type: 'blob-done', digest: b.digest, skipped: outcome !== 'uploaded' });
}

