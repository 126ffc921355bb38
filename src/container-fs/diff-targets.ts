// Which objects `diff` compares: a container or an image (podman looks for
// an image first), against its parent layers, or against a second object.
// Against its own parent the overlay rules apply (changes.ts); against
// anything else the two full trees are compared, as containers/storage does.

import type { Roots } from '../config/paths.js';
import { TscRunError } from '../errors.js';
import { ContainerStore, NoSuchContainerError, type ContainerRecord } from '../storage/containers.js';
import { ImageStore, ImageUnknownError, type ImageRecord } from '../storage/images.js';
import { storageUserNamespace } from '../runtime/userns/container-userns.js';
import { hostUserNamespace } from '../host/preflight.js';
import { naiveChanges, withoutRuntimePaths, type Change } from './changes.js';
import { dirRoot } from './container-root.js';
import { containerChanges, imageChanges, imageTree, listTree } from './diff.js';
import { FileTree, applyLayer, upperEntry } from './file-tree.js';

type Target = { kind: 'container'; rec: ContainerRecord } | { kind: 'image'; rec: ImageRecord };

async function find(roots: Roots, kind: 'all' | 'container' | 'image', name: string): Promise<Target> {
  if (kind !== 'container') {
    try {
      return { kind: 'image', rec: await new ImageStore(roots.dataRoot).lookup(name) };
    } catch (err) {
      if (!(err instanceof ImageUnknownError)) throw err;
    }
  }
  if (kind !== 'image') {
    try {
      return { kind: 'container', rec: await new ContainerStore(roots.dataRoot).lookup(name) };
    } catch (err) {
      if (!(err instanceof NoSuchContainerError)) throw err;
    }
  }
  const what = kind === 'all' ? 'layer' : kind;
  throw new TscRunError(`${name} not found: ${what} not known`);
}

async function latest(roots: Roots): Promise<Target> {
  const all = await new ContainerStore(roots.dataRoot).list();
  const last = all.sort((a, b) => (a.created < b.created ? 1 : -1))[0];
  if (!last) throw new TscRunError('no containers to diff');
  return { kind: 'container', rec: last };
}

/** The layers a target sits on: an image's lower layers, a container's image layers. */
function parentLayers(t: Target): string[] {
  return t.kind === 'image' ? t.rec.layers.slice(0, -1) : t.rec.layers;
}

/** Everything a target's root holds, as one tree. */
async function fullTree(roots: Roots, t: Target): Promise<FileTree> {
  if (t.kind === 'image') return imageTree(roots.dataRoot, t.rec.layers);
  if (t.rec.config.rootfs) throw new TscRunError(`container ${t.rec.name} runs from a directory (--rootfs), not an image: there is no image to compare it with`);
  const store = new ContainerStore(roots.dataRoot);
  const userns = storageUserNamespace(t.rec, hostUserNamespace());
  if (t.rec.storage?.driver === 'vfs') return FileTree.of(await listTree(dirRoot(store.rootfsDir(t.rec.id), userns)));
  const tree = await imageTree(roots.dataRoot, t.rec.layers);
  applyLayer(tree, (await listTree(dirRoot(store.upperDir(t.rec.id), userns))).flatMap((e) => upperEntry(e) ?? []));
  return tree;
}

function sameLayers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** `diff TO [FROM]`; `to` undefined: the latest container. */
export async function diffTargets(roots: Roots, kind: 'all' | 'container' | 'image', to: string | undefined, from?: string): Promise<Change[]> {
  const target = to === undefined ? await latest(roots) : await find(roots, kind, to);
  const base = from === undefined ? undefined : await find(roots, kind, from);
  if (!base || (base.kind === 'image' && sameLayers(base.rec.layers, parentLayers(target)))) {
    return target.kind === 'image' ? imageChanges(roots.dataRoot, target.rec) : containerChanges(roots, target.rec);
  }
  const changes = naiveChanges(await fullTree(roots, target), await fullTree(roots, base));
  return target.kind === 'container' ? withoutRuntimePaths(changes) : changes;
}
