// How many images and containers the data root holds, for `info`. Reads
// the stores' files leniently (a count is not worth failing `info` over):
// images.json, and containers/<id>/container.json's state.

import fs from 'node:fs';
import path from 'node:path';

export interface ContainerCounts {
  number: number;
  paused: number;
  running: number;
  stopped: number;
}

/** Pure: the number of images in a parsed images.json (a list, or `{images: [...]}`). */
export function imageCountOf(doc: unknown): number {
  if (Array.isArray(doc)) return doc.length;
  if (doc && typeof doc === 'object') {
    const images = (doc as { images?: unknown }).images;
    if (Array.isArray(images)) return images.length;
    if (images && typeof images === 'object') return Object.keys(images).length;
  }
  return 0;
}

/** Pure: podman's buckets; every state but running and paused counts as stopped. */
export function countContainerStates(states: readonly string[]): ContainerCounts {
  const c: ContainerCounts = { number: states.length, paused: 0, running: 0, stopped: 0 };
  for (const s of states) {
    if (s === 'running') c.running++;
    else if (s === 'paused') c.paused++;
    else c.stopped++;
  }
  return c;
}

export function countImages(dataRoot: string): number {
  try {
    return imageCountOf(JSON.parse(fs.readFileSync(path.join(dataRoot, 'images.json'), 'utf8')));
  } catch {
    return 0;
  }
}

function stateOf(doc: unknown): string {
  if (!doc || typeof doc !== 'object') return 'unknown';
  const d = doc as { state?: unknown; State?: unknown };
  const s = d.state ?? d.State;
  if (typeof s === 'string') return s;
  if (s && typeof s === 'object') {
    const status = (s as { status?: unknown; Status?: unknown }).status ?? (s as { Status?: unknown }).Status;
    if (typeof status === 'string') return status;
  }
  return 'unknown';
}

export function countContainers(dataRoot: string): ContainerCounts {
  const dir = path.join(dataRoot, 'containers');
  let ids: string[];
  try {
    ids = fs.readdirSync(dir);
  } catch {
    return countContainerStates([]);
  }
  const states: string[] = [];
  for (const id of ids) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, id, 'container.json'), 'utf8');
    } catch {
      continue;
    }
    try {
      states.push(stateOf(JSON.parse(text)));
    } catch {
      states.push('unknown');
    }
  }
  return countContainerStates(states);
}
