// `ps --size`: bytes of a container's writable layer (its overlay upper dir)
// and of everything beneath it (the image's layers), as podman's RwSize and
// RootFsSize. Only computed when asked for; walks the tree with lstat and
// skips what sub-id-owned directories keep us out of.

import fs from 'node:fs';
import path from 'node:path';
import type { ContainerRecord } from '../../storage/containers.js';
import { readJson } from '../../storage/json-store.js';
import type { PsSize } from '../views/ps-view.js';

/** Apparent size of a tree (regular files and symlinks), without following links. */
export function treeSize(dir: string): number {
  let total = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue; // unreadable (a sub-id's 0700 dir) or gone
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        stack.push(p);
        continue;
      }
      try {
        total += fs.lstatSync(p).size;
      } catch {
        /* gone meanwhile */
      }
    }
  }
  return total;
}

/** Sizes recorded in each layer's layer.json; an unreadable record counts as 0. */
async function layersSize(dataRoot: string, layers: readonly string[], cache: Map<string, number>): Promise<number> {
  let total = 0;
  for (const id of layers) {
    let size = cache.get(id);
    if (size === undefined) {
      const rec = await readJson<{ size?: number } | undefined>(path.join(dataRoot, 'layers', id, 'layer.json'), { missing: undefined }).catch(
        () => undefined,
      );
      size = typeof rec?.size === 'number' ? rec.size : 0;
      cache.set(id, size);
    }
    total += size;
  }
  return total;
}

export async function containerSize(dataRoot: string, upperDir: string, rec: ContainerRecord, cache: Map<string, number>): Promise<PsSize> {
  const rw = treeSize(upperDir);
  return { rw, rootFs: rw + (await layersSize(dataRoot, rec.layers, cache)) };
}
