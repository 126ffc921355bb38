// A step's container: made from the step's stored image like `run` makes
// one (createContainer), run in the foreground (RUN) or only mounted (COPY,
// ADD through the helper's fs mode), then its changes become one layer
// exactly as `commit` makes it (writeLayerBlob + the layer store), and the
// container goes. Step containers carry a label naming the build's process:
// ones a killed build left are removed by the next build.

import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import { TarOut } from '../../container-fs/tar-io.js';
import path from 'node:path';
import type { FsEntry } from '../../container-fs/records.js';
import type { Roots } from '../../config/paths.js';
import { writeLayerBlob } from '../../container-fs/commit.js';
import { BlobStore } from '../../storage/blob-store.js';
import { ContainerStore, type ContainerConfig, type ContainerRecord } from '../../storage/containers.js';
import { killContainer } from '../../runtime/container/container-kill.js';
import { LayerStore } from '../../storage/layers/layer-store.js';
import { createContainer } from '../../runtime/container/container-create.js';
import { AlreadyRunning, finishForeground, startContainer } from '../../runtime/container/container-start.js';
import { removeFinished } from '../../runtime/container/run-foreground.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import type { SecurityFlags } from '../../runtime/security/security-args.js';
import type { MountFlags } from '../../volume/mount-spec.js';
import { MediaType } from '../../image/oci.js';
import type { BuildImage } from './build-image.js';

import { BUILD_LABEL } from './step-sweep.js';

export { BUILD_LABEL };

const RUNTIME_FILES = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'run/.containerenv']);
const RUNTIME_DIRS = ['dev', 'proc', 'sys'];

/** Whether a path exists in any of the layer dirs (top first; a whiteout hides it). */
export async function existsIn(diffDirs: readonly string[], rel: string): Promise<boolean> {
  for (const d of diffDirs) {
    const st = await fs.promises.lstat(path.join(d, rel)).catch(() => undefined);
    if (!st) continue;
    return !(st.isCharacterDevice() && st.rdev === 0);
  }
  return false;
}

export interface StepRunOptions {
  command: string[];
  env: string[];
  workdir: string;
  user: string;
  network: string;
  security?: SecurityFlags;
  addHosts?: readonly string[];
  dns?: readonly string[];
  dnsSearch?: readonly string[];
  dnsOptions?: readonly string[];
  noHosts?: boolean;
  mounts?: MountFlags;
  /** build's --ulimit, --shm-size, resource flags, --device and --ipc/--pid/--uts host, as `run` takes them. */
  limits?: StepLimits;
  /** build --stdin: the step's process reads the build's stdin (else /dev/null), as buildah's. */
  stdin?: boolean;
  /** build --userns-uid-map/--userns-gid-map: the step's maps, as run's --uidmap/--gidmap values. */
  idMaps?: { uidmap: readonly string[]; gidmap: readonly string[] };
}

export type StepLimits = Pick<ContainerConfig, 'ulimits' | 'shmSize' | 'resources' | 'devices' | 'namespaces'>;

/** Make a container of the stored image `imageId`, run fn with it, remove it. */
export async function withStepContainer<T>(roots: Roots, imageId: string, o: Partial<StepRunOptions>, fn: (rec: ContainerRecord) => Promise<T>): Promise<T> {
  const treeOps = helperTreeOps();
  const { resolveContainerStorage } = await import('../../runtime/container/container-rootfs.js');
  const storage = await resolveContainerStorage({ roots, flagDriver: undefined, storageOpts: undefined });
  const rec = await createContainer({
    dataRoot: roots.dataRoot,
    image: imageId,
    flags: { command: o.command?.length ? o.command : ['/bin/sh'], entrypoint: '', env: o.env ?? [], workdir: o.workdir ?? '/', user: o.user ?? '' },
    network: o.network ?? 'host',
    autoRemove: false,
    treeOps,
    storage,
    hostEnv: {},
    ...(o.security ? { security: o.security } : {}),
    ...(o.addHosts ? { addHosts: o.addHosts } : {}),
    ...(o.dns ? { dns: o.dns } : {}),
    ...(o.dnsSearch ? { dnsSearch: o.dnsSearch } : {}),
    ...(o.dnsOptions ? { dnsOptions: o.dnsOptions } : {}),
    ...(o.mounts ? { mounts: o.mounts } : {}),
    ...(o.noHosts ? { noHosts: true } : {}),
    config: {
      tty: false,
      stdin: o.stdin === true,
      logDriver: 'none',
      labels: { [BUILD_LABEL]: String(process.pid) },
      ...o.limits,
      ...(o.idMaps ? { uidmap: [...o.idMaps.uidmap], gidmap: [...o.idMaps.gidmap] } : {}),
    },
  });
  try {
    return await fn(rec);
  } finally {
    await removeFinished(roots, rec.id, treeOps);
  }
}

/** Run the container's command in the foreground (its output ours, or `channel`'s, unless `output` is false); its exit code. */
export async function runStep(roots: Roots, rec: ContainerRecord, output: boolean, channel?: Socket, signal?: AbortSignal): Promise<number> {
  const started = await startContainer({ roots, container: rec, treeOps: helperTreeOps(), detach: false, attachStdin: rec.config.stdin === true, sigProxy: true, streams: { stdout: output, stderr: output }, output: channel });
  if (started instanceof AlreadyRunning) throw new Error('a new step container cannot be running already');
  // Interrupted (Ctrl-C): the step's processes are killed, as podman kills them, whatever they do with SIGINT.
  const stop = () => {
    void killContainer(new ContainerStore(roots.dataRoot), roots.runRoot, rec.id, 9).catch(() => undefined);
  };
  signal?.addEventListener('abort', stop);
  if (signal?.aborted) stop();
  try {
    const end = await started.end;
    return (await finishForeground(roots, rec.id, end)) ?? 0;
  } finally {
    signal?.removeEventListener('abort', stop);
    started.done();
  }
}

/** The container's changes as a new layer on top of `img` (which it was made from). */
export async function commitStepLayer(roots: Roots, rec: ContainerRecord, img: BuildImage, mountTargets: readonly string[] = []): Promise<{ diffId: string; size: number; layerId: string; blobSize: number }> {
  const blobs = new BlobStore(roots.dataRoot);
  const layers = new LayerStore(roots.dataRoot, helperTreeOps());
  const diffs = img.layers.map((l) => layers.diffDir(l)).reverse();
  const inBase = new Map<string, boolean>();
  for (const p of RUNTIME_DIRS) inBase.set(p, await existsIn(diffs, p));
  // RUN --mount targets the runtime made for the step are not its changes either (buildah removes them).
  const madeTargets = new Set<string>();
  for (const t of mountTargets) {
    const rel = t.replace(/^\/+/, '');
    if (rel && !(await existsIn(diffs, rel))) madeTargets.add(rel);
  }
  // The runtime's mount points (/etc/hosts, /proc, ...) are not the step's changes.
  // The /etc/mtab -> /proc/mounts link the runtime makes where the image has none (as podman run): buildah's steps make none.
  const madeMtab = !(await existsIn(diffs, 'etc/mtab'));
  const skip = (e: FsEntry) =>
    (RUNTIME_FILES.has(e.path) && e.type === 'file') ||
    (e.type === 'dir' && inBase.get(e.path) === false) ||
    madeTargets.has(e.path) ||
    (madeMtab && e.path === 'etc/mtab' && e.type === 'symlink' && e.linkname === '/proc/mounts');
  const blob = await writeLayerBlob(roots, rec, blobs, skip);
  try {
    const layer = await layers.ensure({
      parent: img.layers[img.layers.length - 1] ?? null,
      diffId: blob.digest,
      compressedDigest: blob.digest,
      open: async () => fs.createReadStream(blobs.path(blob.digest)),
    });
    return { diffId: blob.digest, size: layer.size, layerId: layer.id, blobSize: blob.size };
  } catch (err) {
    if (blob.fresh) await blobs.remove(blob.digest);
    throw err;
  }
}

/** A layer written directly as a tar (COPY onto an image with no layers yet: FROM scratch). */
export async function commitTarLayer(roots: Roots, img: BuildImage, write: (out: TarOut) => Promise<void>): Promise<{ diffId: string; size: number; layerId: string; blobSize: number }> {
  const blobs = new BlobStore(roots.dataRoot);
  const stream = new PassThrough();
  const out = new TarOut(stream);
  const writer = await blobs.writer();
  const stored = (async () => {
    for await (const chunk of stream as AsyncIterable<Buffer>) await writer.write(chunk);
  })();
  stored.catch(() => undefined); // awaited below
  try {
    await write(out);
    await out.finish();
    await stored;
  } catch (err) {
    out.abort(err as Error);
    stream.destroy();
    await writer.abort();
    throw err;
  }
  const blob = await writer.commit();
  const layers = new LayerStore(roots.dataRoot, helperTreeOps());
  try {
    const layer = await layers.ensure({ parent: img.layers[img.layers.length - 1] ?? null, diffId: blob.digest, compressedDigest: blob.digest, open: async () => fs.createReadStream(blobs.path(blob.digest)) });
    return { diffId: blob.digest, size: layer.size, layerId: layer.id, blobSize: blob.size };
  } catch (err) {
    if (blob.fresh) await blobs.remove(blob.digest);
    throw err;
  }
}

/** Add a committed layer to the state. */
export function addLayer(img: BuildImage, l: { diffId: string; size: number; layerId: string; blobSize: number }): void {
  img.layers.push(l.layerId);
  img.descs.push({ mediaType: MediaType.layerTar, digest: l.diffId, size: l.blobSize });
  img.config.rootfs.diff_ids.push(l.diffId);
  img.size += l.size;
  delete img.id;
}
