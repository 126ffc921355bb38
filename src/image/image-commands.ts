// What the rmi, image prune and image exists handlers do beyond the image
// logic: the helper for removing sub-id-owned layer trees, podman's output
// lines, its confirmation (asked through the command's prompt), and its exit codes.

import fs from 'node:fs';
import path from 'node:path';
import type { Roots } from '../config/paths.js';
import { TscRunError } from '../errors.js';
import { helperTreeOps } from '../host/helper/tree-ops.js';
import { ContainerStore, NoSuchContainerError, type ContainerRecord } from '../storage/containers.js';
import { ImageStore, findImage } from '../storage/images.js';
import { pruneImages, prunePrompt } from './prune.js';
import type { RemovalContext } from './remove.js';
import { checkImageName } from './resolve.js';
import { removeImages, rmiExitCode, type RmiOptions } from './rmi.js';

/** The removal context: the helper's rmtree, and rmi -f removing containers as `rm -f` does (stopping running ones). */
function removalContext(roots: Roots, warn: (msg: string) => void): RemovalContext {
  const treeOps = helperTreeOps();
  return {
    dataRoot: roots.dataRoot,
    treeOps,
    warn,
    removeContainer: async (c: ContainerRecord) => {
      const [{ lifecycleContext }, { removeContainer }] = await Promise.all([
        import('../runtime/container/lifecycle-context.js'),
        import('../runtime/container/container-remove.js'),
      ]);
      try {
        if (c.pod !== undefined) {
          // A pod's member (or infra): the whole pod goes, as podman's rmi -f.
          const { removePodOf } = await import('../pod/pod-lifecycle.js');
          await removePodOf(roots, c.pod, { force: true }, warn);
          // A container whose pod record was already gone is still removed below.
          if (!(await new ContainerStore(roots.dataRoot).get(c.id))) return;
        }
        await removeContainer(lifecycleContext(roots, warn), c.id, { force: true });
      } catch (err) {
        if (!(err instanceof NoSuchContainerError)) throw err; // gone meanwhile is what we wanted
      }
    },
    releaseMounts: async (id: string) => {
      if (!fs.existsSync(path.join(roots.runRoot, 'image-mounts', `${id}.json`))) return; // never mounted: nothing to load or lock
      const { unmountImage } = await import('./image-mount.js');
      // Mounted in this namespace: unmounted; mounted in another (or a vanished) one: its record forgotten.
      await unmountImage(roots, id, true);
    },
  };
}

/** podman's multi-error text, on one line. */
export function joinErrors(errors: readonly Error[]): string {
  if (errors.length === 1) return errors[0]!.message;
  return `${errors.length} errors occurred: ${errors.map((e) => `* ${e.message}`).join('; ')}`;
}

export async function runRmi(roots: Roots, o: RmiOptions, warn: (msg: string) => void): Promise<void> {
  const report = await removeImages(removalContext(roots, warn), o);
  process.stdout.write(
    report.untagged.map((n) => `Untagged: ${n}\n`).join('') + report.deleted.map((id) => `Deleted: ${id}\n`).join(''),
  );
  if (report.errors.length) throw new TscRunError(joinErrors(report.errors), rmiExitCode(report.errors));
}

/** `container cleanup --rmi`: the container's image as `rmi NAME` removes it (untag or delete), printing nothing; errors thrown as rmi's. */
export async function removeContainerImage(roots: Roots, name: string, warn: (msg: string) => void): Promise<void> {
  const report = await removeImages(removalContext(roots, warn), { names: [name], all: false, force: false, ignore: false, noPrune: false });
  if (report.errors.length) throw new TscRunError(joinErrors(report.errors), rmiExitCode(report.errors));
}

/** Asks the user a yes/no question (the command's prompt: podman's confirm). */
export type Confirm = (question: string) => Promise<boolean>;

export async function runImagePrune(
  roots: Roots,
  o: { all: boolean; force: boolean; filters: string[] },
  warn: (msg: string) => void,
  confirm: Confirm,
): Promise<void> {
  if (!o.force) {
    if (!(await confirm(prunePrompt(o.all)))) return;
  }
  const removed = await pruneImages(removalContext(roots, warn), { all: o.all, filters: o.filters });
  process.stdout.write(removed.map((id) => id + '\n').join(''));
}

/** Whether `name` is a local image; a malformed name is an error (125), as in podman. */
export async function imageExists(dataRoot: string, name: string): Promise<boolean> {
  checkImageName(name);
  return findImage(await new ImageStore(dataRoot).list(), name) !== undefined;
}
