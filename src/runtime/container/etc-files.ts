// A small file of a container's root filesystem as it is now (its
// /etc/passwd and /etc/group for exec -u and top's user names), read on the
// host without entering the container: its own layer (overlay upper/, or
// the vfs copy) over the image's layers, through image-files.ts (whiteouts
// honoured, symlinks never followed, so a container cannot point us at a
// host file).

import fs from 'node:fs';
import path from 'node:path';
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
export async function readContainerFile(dataRoot: string, c: ContainerRecord, rel: string): Promise<string | undefined> {
  // The /etc/passwd and /etc/group create generated (keep-id's user, --passwd-entry) are bound over the image's:
  // they are what the container sees, unless a mount of the user's covers them.
  const generated = rel === 'etc/passwd' ? 'passwd' : rel === 'etc/group' ? 'group' : undefined;
  if (generated && c.config.etcFiles?.includes(generated) && !(c.config.mounts ?? []).some((m) => m.destination === '/etc' || m.destination === `/${rel}`)) {
    const text = await fs.promises.readFile(path.join(new ContainerStore(dataRoot).containerDir(c.id), 'userdata', generated), 'utf8').catch(() => undefined);
    if (text !== undefined) return text;
  }
  return readImageFile(containerRootDirs(dataRoot, c), rel);
}
