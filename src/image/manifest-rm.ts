// `manifest rm LIST...` (and `manifest push --rm`): rmi's removal, for
// manifest lists only. A name of an image that is not a list is podman's
// error (125); an unknown name exits 1; the lists named are removed anyway.

import type { Roots } from '../config/paths.js';
import { TscRunError } from '../errors.js';
import { helperTreeOps } from '../host/helper/tree-ops.js';
import { ImageStore, ImageUnknownError, findImage } from '../storage/images.js';
import { joinErrors } from './image-commands.js';
import { NotAManifestListError } from './manifest-store.js';
import type { RemovalContext } from './remove.js';
import { checkImageName } from './resolve.js';
import { removeImages, rmiExitCode } from './rmi.js';

export async function removeLists(roots: Roots, names: readonly string[], _warn: (msg: string) => void, o: { quiet?: boolean } = {}): Promise<void> {
  const ctx: RemovalContext = {
    dataRoot: roots.dataRoot,
    treeOps: helperTreeOps(),
    // No container is ever made from a list.
    removeContainer: () => Promise.reject(new TscRunError('internal error: a manifest list has no containers')),
  };
  const live = await new ImageStore(roots.dataRoot).list();
  const errors: TscRunError[] = [];
  const lists: string[] = [];
  for (const name of names) {
    try {
      checkImageName(name);
      const hit = findImage(live, name);
      if (!hit) throw new ImageUnknownError(name);
      if (!hit.list) throw new NotAManifestListError(hit.names[0] ?? name);
      lists.push(name);
    } catch (err) {
      if (err instanceof TscRunError) errors.push(err);
      else throw err;
    }
  }
  const report = lists.length ? await removeImages(ctx, { names: lists, all: false, force: false, ignore: false, noPrune: true }) : { untagged: [], deleted: [], errors: [] };
  if (!o.quiet) process.stdout.write(report.untagged.map((n) => `Untagged: ${n}\n`).join('') + report.deleted.map((id) => `Deleted: ${id}\n`).join(''));
  errors.push(...report.errors);
  if (errors.length) throw new TscRunError(joinErrors(errors), rmiExitCode(errors));
}
