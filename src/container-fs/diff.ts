// `diff CONTAINER|IMAGE`: the changes of a container's upper dir (overlay)
// or rootfs copy (vfs) against its image, or of an image's top layer
// against the layers below it. Listings come from the helper's `fs` mode
// (files may belong to sub-ids the user cannot read); the rules are in
// changes.ts. A running container's upper dir is read as it is.

import { TscRunError } from '../errors.js';
import type { Roots } from '../config/paths.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import type { ImageRecord } from '../storage/images.js';
import { LayerStore } from '../storage/layers/layer-store.js';
import { helperTreeOps } from '../host/helper/tree-ops.js';
import { storageUserNamespace } from '../runtime/userns/container-userns.js';
import { hostUserNamespace } from '../host/preflight.js';
import { naiveChanges, overlayChanges, withoutRuntimePaths, type Change } from './changes.js';
import { dirRoot } from './container-root.js';
import { FileTree, mergeLayers } from './file-tree.js';
import { withFsSession, type FsRoot } from './fs-session.js';
import type { FsEntry } from './records.js';

/** Every entry of a directory tree, without data. */
export async function listTree(root: FsRoot): Promise<FsEntry[]> {
  const out: FsEntry[] = [];
  await withFsSession(root, (s) =>
    s.walk('list', '.', async (e) => {
      out.push(e);
    }),
  );
  return out;
}

/** The diff dirs of layers (chain ids, bottom first). */
async function layerDirs(dataRoot: string, ids: readonly string[]): Promise<string[]> {
  const store = new LayerStore(dataRoot, helperTreeOps());
  return (await store.stack(ids)).map((l) => store.diffDir(l.id));
}

/** The merged view of layers (bottom first), as overlay shows them. */
export async function imageTree(dataRoot: string, ids: readonly string[]): Promise<FileTree> {
  const lists: FsEntry[][] = [];
  for (const dir of await layerDirs(dataRoot, ids)) lists.push(await listTree(dirRoot(dir)));
  return mergeLayers(lists);
}

export async function containerChanges(roots: Roots, rec: ContainerRecord): Promise<Change[]> {
  if (rec.config.rootfs) throw new TscRunError(`container ${rec.name} runs from a directory (--rootfs), not an image: there is no image to compare it with`);
  const store = new ContainerStore(roots.dataRoot);
  const userns = storageUserNamespace(rec, hostUserNamespace());
  const image = await imageTree(roots.dataRoot, rec.layers);
  if (rec.storage?.driver === 'vfs') {
    const copy = FileTree.of(await listTree(dirRoot(store.rootfsDir(rec.id), userns)));
    return withoutRuntimePaths(naiveChanges(copy, image));
  }
  return withoutRuntimePaths(overlayChanges(await listTree(dirRoot(store.upperDir(rec.id), userns)), image));
}

/** An image's own changes: its top layer over the layers below (none for a base layer's parent). */
export async function imageChanges(dataRoot: string, image: ImageRecord): Promise<Change[]> {
  const ids = image.layers;
  if (ids.length === 0) return [];
  const [top] = await layerDirs(dataRoot, ids.slice(-1));
  const below = await imageTree(dataRoot, ids.slice(0, -1));
  return overlayChanges(await listTree(dirRoot(top!)), below);
}
