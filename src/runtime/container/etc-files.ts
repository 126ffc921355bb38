// A small file of a container's root filesystem as it is now (its
// /etc/passwd and /etc/group for exec -u and top's user names), read on the
// host without entering the container: its own layer (overlay upper/, or
// the vfs copy) over the image's layers, through image-files.ts (whiteouts
// honoured, symlinks never followed, so a container cannot point us at a
// host file).

import type { ContainerRecord } from '../../storage/containers.js';
import { ContainerStore } from '../../storage/containers.js';
import { shortLinkPath } from '../../storage/layers/short-links.js';
import { readImageFile } from './image-files.js';

/** Layer directories of the container's root, top-most first. */
export function containerRootDirs(dataRoot: string, c: ContainerRecord): string[] {
  const store = new ContainerStore(dataRoot);
  if (c.storage?.driver === 'vfs') return [store.rootfsDir(c.id)];
  return [store.upperDir(c.id), ...[...c.layers].reverse().map((l) => shortLinkPath(dataRoot, l))];
}

/** Content of `rel` (e.g. `etc/passwd`) in the container's root, or undefined. */
export function readContainerFile(dataRoot: string, c: ContainerRecord, rel: string): Promise<string | undefined> {
  return readImageFile(containerRootDirs(dataRoot, c), rel);
}
