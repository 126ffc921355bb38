// The image a stage is building, held in memory between steps: its config
// (with history), its layer chain and the layer descriptors for its
// manifest. A step that needs it on disk (RUN, COPY: a container of it)
// stores it as an image first, exactly as an import or a commit stores one.

import { buildManifest, canonicalJson } from '../../image/image-config.js';
import { DockerMediaType } from '../../image/archive/docker-manifest.js';
import { MediaType, parseImageConfig, type ContainerConfig, type Descriptor, type ImageConfig, type ImageManifest } from '../../image/oci.js';
import { readLocalImage } from '../../image/registry/local-image.js';
import { BlobStore } from '../../storage/blob-store.js';
import { ImageStore, withNamesHistory, type ImageRecord } from '../../storage/images.js';
import { LayerStore } from '../../storage/layers/layer-store.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { TscRunError } from '../../errors.js';

/** The runtime config with the Docker fields build sets. */
export interface BuildRuntimeConfig extends ContainerConfig {
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number };
  Shell?: string[];
}

export interface BuildImage {
  config: ImageConfig & { config: BuildRuntimeConfig };
  layers: string[];
  descs: Descriptor[];
  size: number;
  /** The stored image this state is, if any. */
  id?: string;
}

export function scratchImage(arch: string, os: string, variant?: string): BuildImage {
  return {
    config: { architecture: arch, os, ...(variant ? { variant } : {}), config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] },
    layers: [],
    descs: [],
    size: 0,
  };
}

/** A stored image as the starting point of a stage. */
export async function loadBuildImage(dataRoot: string, record: ImageRecord): Promise<BuildImage> {
  const blobs = new BlobStore(dataRoot);
  const local = await readLocalImage(record, blobs, new LayerStore(dataRoot, helperTreeOps()));
  const missing = local.layers.find((l) => l.file === undefined);
  if (missing) throw new TscRunError(`image ${record.id.slice(0, 12)}: its layer blob ${missing.digest} is missing from the store`);
  const config = parseImageConfig((await blobs.read(`sha256:${record.id}`)).toString('utf8'), `config of image ${record.id.slice(0, 12)}`);
  return {
    config: { ...config, config: config.config ?? {} },
    layers: [...record.layers],
    descs: local.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    size: record.size,
    id: record.id,
  };
}

function layerMediaType(t: string, docker: boolean): string {
  const c = /gzip/.test(t) ? 'gzip' : /zstd/.test(t) ? 'zstd' : 'none';
  if (docker) return c === 'gzip' ? DockerMediaType.layerGzip : c === 'zstd' ? DockerMediaType.layerZstd : DockerMediaType.layerTar;
  return c === 'gzip' ? MediaType.layerGzip : c === 'zstd' ? MediaType.layerZstd : MediaType.layerTar;
}

/** The config as stored: OCI drops what only Docker's format carries. */
export function storedConfig(img: BuildImage, format: 'oci' | 'docker'): ImageConfig {
  const c = structuredClone(img.config);
  if (format === 'oci') {
    delete c.config.OnBuild;
    delete c.config.Healthcheck;
    delete c.config.Shell;
  }
  if (Object.keys(c.config).length === 0) delete (c as Partial<typeof c>).config;
  return c;
}

/** Store the state as an image (config, manifest, record); names given move to it. */
export async function storeBuildImage(dataRoot: string, img: BuildImage, format: 'oci' | 'docker', names: readonly string[] = [], annotations: Readonly<Record<string, string>> = {}): Promise<ImageRecord> {
  return (await storeBuildImageNew(dataRoot, img, format, names, annotations)).record;
}

/** storeBuildImage, also saying whether the image is new (an unchanged base or a cached step is not: it is no build's to remove). */
export async function storeBuildImageNew(dataRoot: string, img: BuildImage, format: 'oci' | 'docker', names: readonly string[] = [], annotations: Readonly<Record<string, string>> = {}): Promise<{ record: ImageRecord; isNew: boolean }> {
  const blobs = new BlobStore(dataRoot);
  const docker = format === 'docker';
  const config = storedConfig(img, format);
  const configBlob = await blobs.put(canonicalJson(config));
  const layers = img.descs.map((d) => ({ mediaType: layerMediaType(d.mediaType, docker), digest: d.digest, size: d.size }));
  const manifest: ImageManifest = docker
    ? { schemaVersion: 2, mediaType: DockerMediaType.manifest, config: { mediaType: DockerMediaType.config, ...configBlob }, layers }
    : buildManifest({ mediaType: MediaType.config, ...configBlob }, layers);
  if (!docker && Object.keys(annotations).length) manifest.annotations = { ...annotations };
  const manifestBlob = await blobs.put(canonicalJson(manifest));
  const id = configBlob.digest.slice('sha256:'.length);
  const isNew = !(await new ImageStore(dataRoot).listAll()).some((i) => i.id === id && !i.removing);
  // As buildah: the commit adds the first name (first among the image's names when new to it),
  // the other tags are then added after the names the image has.
  let record = await new ImageStore(dataRoot).add({
    id,
    names: names.slice(0, 1),
    digest: manifestBlob.digest,
    manifestMediaType: docker ? DockerMediaType.manifest : MediaType.manifest,
    layers: [...img.layers],
    created: config.created ?? new Date().toISOString(),
    added: new Date().toISOString(),
    size: img.size,
  });
  if (names.length > 1) {
    record = await new ImageStore(dataRoot).update((f) => {
      for (const other of f.images) if (other.id !== id) other.names = other.names.filter((n) => !names.includes(n));
      const r = f.images.find((i) => i.id === id && !i.removing) ?? record;
      r.names = [...new Set([...r.names, ...names.slice(1)])];
      r.namesHistory = withNamesHistory(r.namesHistory, r.names);
      return { ...r };
    });
  }
  img.id = record.id;
  if (record.digest !== manifestBlob.digest && Object.keys(annotations).length) {
    // The same config stored before (the last step's cached image): the result's manifest, with its annotations, is now the image's.
    const updated = await new ImageStore(dataRoot).update((f) => {
      const r = f.images.find((i) => i.id === record.id && !i.removing) ?? record;
      r.digests = [...new Set([...(r.digests ?? [r.digest]), manifestBlob.digest])];
      r.digest = manifestBlob.digest;
      return { ...r };
    });
    return { record: updated, isNew };
  }
  return { record, isNew };
}
