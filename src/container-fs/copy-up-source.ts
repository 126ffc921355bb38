// Whether a container's root holds files at a path: a volume's first
// copy-up copies only from a directory with entries, and podman 4.3 keeps
// NeedsCopyUp set when there is nothing to copy (libpod's mountNamedVolume),
// so the start asks before it claims the copy-up. Asked only on a volume's
// first use.

import type { Roots } from '../config/paths.js';
import type { ContainerRecord } from '../storage/containers.js';
import { withContainerRoot } from './container-root.js';
import { withFsSession } from './fs-session.js';

/** A directory (symlinks followed, as podman's SecureJoin) with at least one entry, at `dest` in the container's root. */
export async function rootDirHasEntries(roots: Roots, rec: ContainerRecord, dest: string): Promise<boolean> {
  return withContainerRoot(roots, rec, ({ root }) =>
    withFsSession(root, async (s) => {
      const st = await s.stat(dest);
      if (!st.exists || st.kind !== 'dir') return false;
      let entries = 0;
      await s.walk('list', st.resolved, async (e) => {
        if (e.path !== '') entries++;
      });
      return entries > 0;
    }),
  );
}
