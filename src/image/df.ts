// `system df`: gather what disk-usage.ts needs from the store: images and
// their config/manifest sizes, every complete layer, and each container's
// writable layer size, and each volume's size and users (src/volume/volume-df.ts).

import fs from 'node:fs/promises';
import type { Roots } from '../config/paths.js';
import path from 'node:path';
import { liveRecord } from '../runtime/container/container-observe.js';
import { errnoCode } from '../storage/atomic-file.js';
import { ContainerStore } from '../storage/containers.js';
import { dirSize } from '../storage/dir-size.js';
import { loadCatalog, layerRecords } from './catalog.js';
import { createdOf } from './catalog-view.js';
import { renderDiskUsage, type DfContainerInput, type DfInput } from './disk-usage.js';
import { volumeDiskUsage } from '../volume/volume-df.js';

async function layerIds(dataRoot: string): Promise<string[]> {
  try {
    return (await fs.readdir(path.join(dataRoot, 'layers'))).filter((n) => /^[0-9a-f]{64}$/.test(n));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
}

export async function gatherDiskUsage(roots: Roots): Promise<DfInput> {
  const { dataRoot } = roots;
  const catalog = await loadCatalog(dataRoot);
  const layers = await layerRecords(dataRoot, await layerIds(dataRoot));
  const store = new ContainerStore(dataRoot);
  const containers: DfContainerInput[] = await Promise.all(
    catalog.containers.map(async (c) => ({
      id: c.id,
      image: c.image,
      command: c.config.command,
      created: new Date(c.created),
      // A record may be stale (a container that died unseen): the runtime files tell the truth, as for ps.
      status: liveRecord(roots.runRoot, c).state.status,
      name: c.name,
      rwSize: await dirSize(store.upperDir(c.id)),
      localVolumes: c.config.mounts?.length ?? 0,
    })),
  );
  return {
    images: catalog.images.map((f) => ({
      id: f.record.id,
      names: f.record.names,
      created: createdOf(f),
      layers: f.record.layers,
      metaSize: f.metaSize,
      containers: f.containers,
    })),
    layerSizes: new Map([...layers].map(([id, l]) => [id, l.size])),
    containers,
    volumes: await volumeDiskUsage(dataRoot),
  };
}

export async function systemDf(roots: Roots, o: { format?: string | undefined; verbose: boolean }): Promise<string> {
  return renderDiskUsage(await gatherDiskUsage(roots), { ...o, now: new Date() });
}
