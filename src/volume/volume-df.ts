// The volumes of `system df`: each volume's size (its data, as far as the
// user can read it), the containers using it, and what removing it frees.

import { ContainerStore } from '../storage/containers.js';
import { dirSize } from '../storage/dir-size.js';
import type { DfVolumeInput } from '../image/disk-usage.js';
import { volumeUsers } from './container-volumes.js';
import { VolumeStore } from './volume-store.js';

export async function volumeDiskUsage(dataRoot: string): Promise<DfVolumeInput[]> {
  const store = new VolumeStore(dataRoot);
  const containers = await new ContainerStore(dataRoot).list();
  return Promise.all(
    (await store.list()).map(async (v) => {
      const size = await dirSize(store.dataDir(v.name));
      const links = volumeUsers(containers, v.name).length;
      return { name: v.name, links, size, reclaimable: links ? 0 : size };
    }),
  );
}
