// `commit CONTAINER [IMAGE]`: the container's changes become one new layer
// on top of its image's, stored like an import (the layer tar kept as a
// blob, unpacked through the layer store keyed by chain id, so the parent
// layers are shared), with a config from commit-config.ts, a manifest (OCI,
// or Docker schema 2 with --format docker) and an images.json record.
//   overlay  the upper dir as it is, whiteouts and opaque dirs converted back
//            to OCI form (layer-entries.ts)
//   vfs      the changes against the image (changes.ts), each changed path
//            read from the container's copy, each deletion a whiteout

import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import type { Roots } from '../config/paths.js';
import { TscRunError, UsageError } from '../errors.js';
import { buildManifest, canonicalJson } from '../image/image-config.js';
import { MediaType, parseImageConfig, type Descriptor, type ImageManifest } from '../image/oci.js';
import { noProgress, type CopyProgress } from '../image/progress.js';
import { formatReference, normalizeLocalName } from '../storage/image-reference.js';
import { applyChanges } from '../image/config-changes.js';
import { DockerMediaType } from '../image/archive/docker-manifest.js';
import { readLocalImage } from '../image/registry/local-image.js';
import { BlobStore, type BlobInfo } from '../storage/blob-store.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import { ImageStore, type ImageRecord } from '../storage/images.js';
import { LayerStore } from '../storage/layers/layer-store.js';
import { helperTreeOps } from '../host/helper/tree-ops.js';
import { storageUserNamespace } from '../runtime/userns/container-userns.js';
import { hostUserNamespace } from '../host/preflight.js';
import { naiveChanges } from './changes.js';
import { buildCommitConfig } from './commit-config.js';
import { dirRoot } from './container-root.js';
import { imageTree, listTree } from './diff.js';
import { FileTree } from './file-tree.js';
import { withFsSession } from './fs-session.js';
import { layerEntriesOf, layerEntryMapper, whiteoutFor } from './layer-entries.js';
import { TarOut } from './tar-io.js';
import type { FsEntry } from './records.js';

export interface CommitOptions {
  roots: Roots;
  container: string;
  image?: string | undefined;
  author?: string | undefined;
  message?: string | undefined;
  changes: readonly string[];
  includeVolumes?: boolean | undefined;
  /** Pause a running container while its changes are read. */
  pause: boolean;
  format: string;
  progress?: CopyProgress;
}

/** The media type of a layer blob in the manifest format being written. */
function layerMediaType(t: string, docker: boolean): string {
  const compression = /gzip/.test(t) ? 'gzip' : /zstd/.test(t) ? 'zstd' : 'none';
  if (docker) return compression === 'gzip' ? DockerMediaType.layerGzip : compression === 'zstd' ? DockerMediaType.layerZstd : DockerMediaType.layerTar;
  return compression === 'gzip' ? MediaType.layerGzip : compression === 'zstd' ? MediaType.layerZstd : MediaType.layerTar;
}

/** The container's changes as an uncompressed layer tar, stored as a blob (its digest is the layer's diffID). Also build's RUN/COPY steps. */
export async function writeLayerBlob(
  roots: Roots,
  rec: ContainerRecord,
  blobs: BlobStore,
  /** Leave out entries (build drops the mount points of /etc/hosts and friends). */
  skip: (e: FsEntry) => boolean = () => false,
): Promise<BlobInfo & { fresh: boolean }> {
  const store = new ContainerStore(roots.dataRoot);
  const userns = storageUserNamespace(rec, hostUserNamespace());
  const stream = new PassThrough();
  const out = new TarOut(stream);
  const writer = await blobs.writer();
  const stored = (async () => {
    for await (const chunk of stream as AsyncIterable<Buffer>) await writer.write(chunk);
  })();
  stored.catch(() => undefined); // awaited below
  try {
    if (rec.storage?.driver === 'vfs') {
      const copy = FileTree.of(await listTree(dirRoot(store.rootfsDir(rec.id), userns)));
      const changes = naiveChanges(copy, await imageTree(roots.dataRoot, rec.layers)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const now = { sec: Math.floor(Date.now() / 1000), nsec: 0 };
      await withFsSession(dirRoot(store.rootfsDir(rec.id), userns), async (s) => {
        for (const c of changes) {
          const rel = c.path.slice(1);
          if (c.kind === 'D') {
            const w = whiteoutFor(rel, now);
            await out.add(w.entry, w.name);
            continue;
          }
          await s.walk('entry', rel, async (e, data) => {
            if (skip({ ...e, path: rel })) return;
            for (const le of layerEntriesOf({ ...e, path: rel })) await out.add(le.entry, le.name, le.withData ? data : undefined);
          });
        }
      });
    } else {
      const entriesOf = layerEntryMapper();
      await withFsSession(dirRoot(store.upperDir(rec.id), userns), (s) =>
        s.walk('get', '.', async (e, data) => {
          if (skip(e)) return;
          for (const le of entriesOf(e)) await out.add(le.entry, le.name, le.withData ? data : undefined);
        }),
      );
    }
    await out.finish();
    await stored;
  } catch (err) {
    out.abort(err as Error);
    stream.destroy();
    await writer.abort();
    throw err;
  }
  return writer.commit();
}

export async function commitContainer(o: CommitOptions): Promise<ImageRecord> {
  const progress = o.progress ?? noProgress;
  const format = o.format === '' ? 'oci' : o.format;
  if (format !== 'oci' && format !== 'docker') throw new UsageError(`unrecognized image type ${JSON.stringify(o.format)}`);
  if (o.message && format !== 'docker') throw new UsageError('messages are only compatible with the docker image format (-f docker)');
  const name = o.image ? formatReference(normalizeLocalName(o.image)) : undefined;
  applyChanges(o.changes); // bad instructions fail before anything is read

  const cstore = new ContainerStore(o.roots.dataRoot);
  const rec = await cstore.lookup(o.container);
  if (rec.config.rootfs) throw new TscRunError(`container ${rec.name} runs from a directory (--rootfs), not an image: there is no image to commit onto; export it and import the tar instead`);
  const images = new ImageStore(o.roots.dataRoot);
  const base = (await images.list()).find((i) => i.id === rec.image);
  if (!base) throw new TscRunError(`the image of container ${rec.name} (${rec.image.slice(0, 12)}) is no longer stored`);
  const blobs = new BlobStore(o.roots.dataRoot);
  const layers = new LayerStore(o.roots.dataRoot, helperTreeOps());
  const local = await readLocalImage(base, blobs, layers);
  const missing = local.layers.find((l) => l.file === undefined);
  if (missing) throw new TscRunError(`image ${base.id.slice(0, 12)}: its layer blob ${missing.digest} is missing from the store`);
  const baseConfig = parseImageConfig((await blobs.read(`sha256:${base.id}`)).toString('utf8'), `config of image ${base.id.slice(0, 12)}`);

  progress.emit({ type: 'start' });
  for (const l of local.layers) {
    progress.emit({ type: 'blob', digest: l.digest, size: l.size });
    progress.emit({ type: 'blob-done', digest: l.digest, skipped: true });
  }

  // --pause: a running container holds still while its changes are read.
  let paused = false;
  if (o.pause) {
    const { liveRecord } = await import('../runtime/container/container-observe.js');
    if (liveRecord(o.roots.runRoot, rec).state.status === 'running') {
      const { pauseContainer } = await import('../runtime/pause/container-pause.js');
      await pauseContainer(cstore, o.roots.runRoot, rec.id);
      paused = true;
    }
  }
  let blob;
  try {
    blob = await writeLayerBlob(o.roots, rec, blobs);
  } finally {
    if (paused) {
      const { unpauseContainer } = await import('../runtime/pause/container-pause.js');
      await unpauseContainer(cstore, o.roots.runRoot, rec.id);
    }
  }
  progress.emit({ type: 'blob', digest: blob.digest, size: blob.size });

  let layer;
  try {
    layer = await layers.ensure({
      parent: base.layers[base.layers.length - 1] ?? null,
      diffId: blob.digest,
      compressedDigest: blob.digest,
      open: async () => fs.createReadStream(blobs.path(blob.digest)),
    });
  } catch (err) {
    if (blob.fresh) await blobs.remove(blob.digest);
    throw err;
  }
  progress.emit({ type: 'blob-done', digest: blob.digest, skipped: false });

  const docker = format === 'docker';
  const fromName = base.names[0] ?? rec.imageName;
  const config = buildCommitConfig(
    { base: baseConfig, container: rec, diffId: blob.digest, fromName, changes: o.changes, author: o.author, message: o.message, includeVolumes: o.includeVolumes, created: new Date() },
    format,
  );
  const configBlob = await blobs.put(canonicalJson(config));
  progress.emit({ type: 'config', digest: configBlob.digest });
  const layerDescs: Descriptor[] = [
    ...local.layers.map((l) => ({ mediaType: layerMediaType(l.mediaType, docker), digest: l.digest, size: l.size })),
    { mediaType: docker ? DockerMediaType.layerTar : MediaType.layerTar, digest: blob.digest, size: blob.size },
  ];
  const manifest: ImageManifest = docker
    ? { schemaVersion: 2, mediaType: DockerMediaType.manifest, config: { mediaType: DockerMediaType.config, ...configBlob }, layers: layerDescs }
    : buildManifest({ mediaType: MediaType.config, ...configBlob }, layerDescs);
  progress.emit({ type: 'manifest' });
  const manifestBlob = await blobs.put(canonicalJson(manifest));
  const record = await images.add({
    id: configBlob.digest.slice('sha256:'.length),
    names: name ? [name] : [],
    digest: manifestBlob.digest,
    manifestMediaType: docker ? DockerMediaType.manifest : MediaType.manifest,
    layers: [...base.layers, layer.id],
    created: config.created!,
    added: new Date().toISOString(),
    size: base.size + layer.size,
  });
  progress.emit({ type: 'stored' });
  return record;
}
