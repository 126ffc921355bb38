// Manifest lists in the image store, as podman keeps them: an image record
// (random id, the list's names) whose `list` holds the entries and whose
// digest names the list's blob (Docker form, as podman creates lists). The
// entries say where each image comes from; push copies from there. Every
// change is one read-modify-write of images.json under its lock, with the
// new list blob written first, so a killed command leaves the old list or
// the new one.

import { randomBytes } from 'node:crypto';
import { TscRunError, UsageError } from '../errors.js';
import { BlobStore, sha256Digest } from '../storage/blob-store.js';
import { ImageStore, ImageUnknownError, findImage, type ImageRecord, type StoredListInstance } from '../storage/images.js';
import { formatReference, normalizeLocalName, parseReference, repositoryOf } from '../storage/image-reference.js';
import { ListMedia, serializeList, withInstance } from './manifest-list.js';
import { parseImageConfig } from './oci.js';
import { checkImageName } from './resolve.js';
import { hostPlatform, selectFromIndex } from './registry/manifest-select.js';

/** podman's error for a local image that is not a list. */
export class NotAManifestListError extends TscRunError {
  constructor(name: string) {
    super(`${name}: image is not a manifest list`);
  }
}

/** The list `name` refers to: ImageUnknownError if none, NotAManifestListError if an image. */
export async function lookupList(dataRoot: string, name: string): Promise<ImageRecord> {
  checkImageName(name);
  const hit = findImage(await new ImageStore(dataRoot).list(), name);
  if (!hit) throw new ImageUnknownError(name);
  if (!hit.list) throw new NotAManifestListError(hit.names[0] ?? name);
  return hit;
}

async function storeListBlob(dataRoot: string, instances: readonly StoredListInstance[]): Promise<{ digest: string; size: number }> {
  const bytes = serializeList(instances, ListMedia.dockerList);
  await new BlobStore(dataRoot).put(bytes, sha256Digest(bytes));
  return { digest: sha256Digest(bytes), size: bytes.length };
}

/** Remove a list blob no record names any more (two lists with the same entries share one). */
async function dropListBlob(dataRoot: string, digest: string): Promise<void> {
  const store = new ImageStore(dataRoot);
  await store.update(async (f) => {
    if (f.images.some((i) => i.digest === digest || i.digests?.includes(digest))) return;
    await new BlobStore(dataRoot).remove(digest).catch(() => undefined);
  });
}

/**
 * A new list named `name` with `instances`; with `amend`, an existing list of
 * that name gains them instead. A name an image (or, without amend, a list)
 * already has is podman's "already in use" error. Returns the list's id.
 */
export async function createList(dataRoot: string, name: string, instances: readonly StoredListInstance[], o: { amend: boolean }): Promise<string> {
  const full = formatReference(normalizeLocalName(name));
  const blob = await storeListBlob(dataRoot, instances);
  const store = new ImageStore(dataRoot);
  const now = new Date().toISOString();
  let amend = false;
  const id = await store.update((f) => {
    const owner = f.images.find((i) => !i.removing && i.names.includes(full));
    if (owner) {
      if (!(o.amend && owner.list)) {
        throw new TscRunError(`creating image to hold manifest list: image name "${full}" is already associated with image "${owner.id}": that name is already in use`);
      }
      amend = true;
      return owner.id;
    }
    const record: ImageRecord = {
      id: randomBytes(32).toString('hex'),
      names: [full],
      namesHistory: [full],
      digest: blob.digest,
      manifestMediaType: ListMedia.dockerList,
      layers: [],
      created: now,
      added: now,
      size: 0, // podman counts only the list's own bytes, which the catalog adds
      list: { instances: [...instances] },
    };
    f.images.push(record);
    return record.id;
  });
  if (amend) await updateList(dataRoot, id, (current) => instances.reduce((acc, i) => withInstance(acc, i), current));
  return id;
}

/**
 * Change a list's entries: `mutate` gets the current ones (read under the
 * lock) and returns the new ones; it may throw to change nothing.
 */
export async function updateList(dataRoot: string, id: string, mutate: (current: StoredListInstance[]) => StoredListInstance[]): Promise<void> {
  const store = new ImageStore(dataRoot);
  // Compute outside the lock first (to write the blob), then apply only if nobody changed the list meanwhile.
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = (await store.list()).find((i) => i.id === id);
    if (!before?.list) throw new ImageUnknownError(id);
    const next = mutate(structuredClone(before.list.instances));
    const blob = await storeListBlob(dataRoot, next);
    const applied = await store.update((f) => {
      const rec = f.images.find((i) => i.id === id && !i.removing);
      if (!rec?.list) throw new ImageUnknownError(id);
      if (rec.digest !== before.digest) return false;
      rec.list = { instances: next };
      rec.digest = blob.digest;
      return true;
    });
    if (applied) {
      if (before.digest !== blob.digest) await dropListBlob(dataRoot, before.digest);
      return;
    }
  }
  throw new TscRunError(`manifest list ${id.slice(0, 12)} keeps changing under concurrent commands; try again`);
}

/** The platform an image's config names. */
function configPlatform(configBytes: Buffer, what: string): StoredListInstance['platform'] {
  const c = parseImageConfig(configBytes.toString('utf8'), what) as ReturnType<typeof parseImageConfig> & { 'os.version'?: string; 'os.features'?: string[] };
  return {
    architecture: c.architecture ?? '',
    os: c.os ?? '',
    ...(c['os.version'] ? { 'os.version': c['os.version'] } : {}),
    ...(c['os.features']?.length ? { 'os.features': c['os.features'] } : {}),
    ...(c.variant ? { variant: c.variant } : {}),
  };
}

/** The entry a stored image makes (`source` names it by id). */
export async function localInstance(dataRoot: string, record: ImageRecord): Promise<StoredListInstance> {
  const blobs = new BlobStore(dataRoot);
  const [config, manifest] = await Promise.all([blobs.read(`sha256:${record.id}`), blobs.read(record.digest)]);
  return {
    mediaType: record.manifestMediaType,
    size: manifest.length,
    digest: record.digest,
    platform: configPlatform(config, `config of image ${record.id.slice(0, 12)}`),
    source: `containers-storage:${record.id}`,
  };
}

/** Entries from a local image or list (`containers-storage:NAME`): a list gives all its entries with --all, else the host's. */
export async function localInstances(dataRoot: string, name: string, all: boolean): Promise<StoredListInstance[]> {
  checkImageName(name);
  const rec = findImage(await new ImageStore(dataRoot).list(), name);
  if (!rec) throw new ImageUnknownError(name);
  if (!rec.list) return [await localInstance(dataRoot, rec)];
  if (all) return rec.list.instances.map((i) => ({ ...i }));
  const chosen = selectFromIndex(rec.list.instances, hostPlatform());
  return [{ ...(chosen as unknown as StoredListInstance) }];
}

/** `docker://NAME@DIGEST`: where push copies a registry's entry from. */
export function remoteSource(name: string, digest: string): string {
  return `docker://${repositoryOf(parseReference(name))}@${digest}`;
}

/** `containers-storage:` / `docker://` / bare (podman: docker://) image arguments of add and create. */
export function splitTransport(image: string): { transport: 'local' | 'docker'; name: string } {
  if (image.startsWith('containers-storage:')) return { transport: 'local', name: image.slice('containers-storage:'.length).replace(/^\[[^\]]*\]/, '') };
  if (image.startsWith('docker://')) return { transport: 'docker', name: image.slice('docker://'.length) };
  const m = /^([a-z][a-z0-9-]*):(?!\/\/)/.exec(image);
  if (m && ['oci', 'oci-archive', 'docker-archive', 'dir', 'docker-daemon', 'ostree', 'sif', 'tarball'].includes(m[1]!)) {
    throw new UsageError(`${image}: tsc-run adds images from containers-storage: (local) and docker:// (a registry) only; load or pull it first`);
  }
  return { transport: 'docker', name: image };
}

/** `build --manifest NAME`: the built image joins the list NAME, which is created when missing (as buildah). */
export async function addBuiltToList(dataRoot: string, name: string, image: ImageRecord): Promise<void> {
  const entry = await localInstance(dataRoot, image);
  let list: ImageRecord | undefined;
  try {
    list = await lookupList(dataRoot, name);
  } catch (err) {
    if (!(err instanceof ImageUnknownError)) throw err;
  }
  if (!list) {
    await createList(dataRoot, name, [entry], { amend: true });
    return;
  }
  await updateList(dataRoot, list.id, (current) => withInstance(current, entry));
}
