// Everything the image commands show about local images, read once: the
// live records of images.json, each image's config and manifest (with
// their sizes, which podman counts into an image's size), and how many
// containers use each image. An image whose blobs vanish while we read
// (a concurrent rmi) is left out, as podman does.

import fsSync from 'node:fs';
import { TscRunError } from '../errors.js';
import { errnoCode } from '../storage/atomic-file.js';
import { BlobStore } from '../storage/blob-store.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import { ImageStore, type ImageRecord } from '../storage/images.js';
import { ImageFactsCache } from './image-facts-cache.js';
import { LayerStore, type LayerRecord, type TreeOps } from '../storage/layers/layer-store.js';
import { parseImageConfig, parseImageManifest, type ImageConfig, type ImageManifest } from './oci.js';

export interface ImageFacts {
  record: ImageRecord;
  config: ImageConfig;
  manifest: ImageManifest | undefined;
  /** Bytes of the config and, twice, manifest blobs (podman's "big data" of an image). */
  metaSize: number;
  /** Containers created from this image. */
  containers: number;
}

export interface Catalog {
  /** Live images in images.json order (podman's storage order). */
  images: ImageFacts[];
  containers: ContainerRecord[];
}

/** Reading layers needs no helper; anything that would change them is refused. */
export const READ_ONLY_TREE_OPS: TreeOps = {
  devices: false,
  unpack: () => Promise.reject(new TscRunError('internal error: layer catalog is read-only')),
  fixup: () => Promise.reject(new TscRunError('internal error: layer catalog is read-only')),
  rmtree: () => Promise.reject(new TscRunError('internal error: layer catalog is read-only')),
};

/** Synchronous on purpose (as ContainerStore.list): `images` reads two small blobs per image, and a thousand fs.promises reads cost ~5x more. */
async function readBlob(blobs: BlobStore, digest: string): Promise<Buffer | undefined> {
  try {
    return fsSync.readFileSync(blobs.path(digest));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Facts of one image, or undefined when its config is gone (removed meanwhile). */
export async function imageFacts(
  dataRoot: string,
  record: ImageRecord,
  containers: readonly ContainerRecord[],
  /** loadCatalog's, shared by all its images: the blob store, the count of containers per image id, the parsed blobs of earlier runs. */
  shared: { blobs: BlobStore; uses: ReadonlyMap<string, number>; cache?: ImageFactsCache } = { blobs: new BlobStore(dataRoot), uses: usesOf(containers) },
): Promise<ImageFacts | undefined> {
  const blobs = shared.blobs;
  if (record.list) {
    // A manifest list: no config; podman lists it with the list's own size and no layers.
    const listBytes = await readBlob(blobs, record.digest);
    if (!listBytes) return undefined;
    return {
      record,
      config: { created: record.created, architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [] } },
      manifest: undefined,
      metaSize: listBytes.length,
      containers: 0,
    };
  }
  const containerCount = shared.uses.get(record.id) ?? 0;
  const key = ImageFactsCache.key(record.id, record.digest);
  const hit = shared.cache?.get(key);
  // The blobs' content is their digest: only whether they are still there can differ from the cached entry.
  if (hit && fsSync.existsSync(blobs.path(`sha256:${record.id}`)) && (hit.manifest !== undefined) === fsSync.existsSync(blobs.path(record.digest))) {
    shared.cache?.keep(key);
    return { record, config: hit.config, manifest: hit.manifest, metaSize: hit.configSize + 2 * (hit.manifestSize ?? 0), containers: containerCount };
  }
  const configBytes = await readBlob(blobs, `sha256:${record.id}`);
  if (!configBytes) return undefined;
  const manifestBytes = await readBlob(blobs, record.digest);
  const config = parseImageConfig(configBytes.toString('utf8'), `config of image ${record.id}`);
  const manifest = manifestBytes ? parseImageManifest(manifestBytes.toString('utf8'), `manifest of image ${record.id}`) : undefined;
  shared.cache?.set(key, manifest && manifestBytes ? { config, configSize: configBytes.length, manifest, manifestSize: manifestBytes.length } : { config, configSize: configBytes.length });
  return {
    record,
    config,
    manifest,
    // containers/storage keeps the manifest twice (under "manifest" and "manifest-<digest>") and counts both.
    metaSize: configBytes.length + 2 * (manifestBytes?.length ?? 0),
    containers: containerCount,
  };
}

/** How many containers each image id has (one pass, not one per image). */
function usesOf(containers: readonly ContainerRecord[]): Map<string, number> {
  const uses = new Map<string, number>();
  for (const c of containers) uses.set(c.image, (uses.get(c.image) ?? 0) + 1);
  return uses;
}

export async function loadCatalog(dataRoot: string): Promise<Catalog> {
  const [records, containers] = await Promise.all([new ImageStore(dataRoot).list(), new ContainerStore(dataRoot).list()]);
  const shared = { blobs: new BlobStore(dataRoot), uses: usesOf(containers), cache: new ImageFactsCache(dataRoot) };
  const facts = await Promise.all(records.map((r) => imageFacts(dataRoot, r, containers, shared)));
  shared.cache.save();
  return { images: facts.filter((f): f is ImageFacts => f !== undefined), containers };
}

/**
 * An image the catalog left out that is still recorded, not being removed,
 * and has no config blob: a damaged store, not a concurrent rmi (which marks
 * the record first). undefined when there is none.
 */
export async function damagedImage(dataRoot: string, catalog: Catalog): Promise<string | undefined> {
  return (await damagedImages(dataRoot, catalog))[0]?.id;
}

/** Every such damaged image's record, in images.json order. */
export async function damagedImages(dataRoot: string, catalog: Catalog): Promise<ImageRecord[]> {
  const seen = new Set(catalog.images.map((f) => f.record.id));
  const blobs = new BlobStore(dataRoot);
  return (await new ImageStore(dataRoot).list()).filter((r) => !seen.has(r.id) && !r.list && !fsSync.existsSync(blobs.path(`sha256:${r.id}`)));
}

/** What podman (containers/storage) says of an image whose config is gone. */
export function missingConfigText(id: string): string {
  return `locating item named "sha256:${id}" for image with ID "${id}" (consider removing the image to resolve the issue): file does not exist`;
}

/** The complete layer records of `ids` that exist (missing ones are skipped). */
export async function layerRecords(dataRoot: string, ids: Iterable<string>): Promise<Map<string, LayerRecord>> {
  const store = new LayerStore(dataRoot, READ_ONLY_TREE_OPS);
  const out = new Map<string, LayerRecord>();
  for (const id of new Set(ids)) {
    const l = await store.get(id);
    if (l) out.set(id, l);
  }
  return out;
}
