// One-line event writes for the commands (the places that change state):
//
//   emitContainer(dataRoot, rec, 'start')
//   emitContainer(storeRoot(ctx.store), rec, 'died', { exitCode: 3 })
//   emitImage(dataRoot, 'pull', image.id, 'docker.io/library/busybox:latest')

import path from 'node:path';
import { containerEvent, imageEvent, networkEvent, volumeEvent, type EventContainer } from './event.js';
import { appendEvent } from './event-log.js';

export function emitContainer(
  dataRoot: string,
  c: EventContainer,
  status: string,
  o?: { exitCode?: number | undefined; attributes?: Record<string, string>; healthStatus?: string },
): void {
  appendEvent(dataRoot, containerEvent(c, status, o));
}

export function emitNetwork(dataRoot: string, status: 'connect' | 'disconnect', c: { id: string; name: string }, network: string): void {
  appendEvent(dataRoot, networkEvent(status, c, network));
}

export function emitImage(dataRoot: string, status: string, id: string, name = ''): void {
  appendEvent(dataRoot, imageEvent(status, id, name));
}

export function emitVolume(dataRoot: string, status: 'create' | 'remove' | 'prune' | 'mount' | 'unmount', name: string): void {
  appendEvent(dataRoot, volumeEvent(status, name));
}

/** The data root of a store that keeps its records in `<root>/containers` (ContainerStore.dir). */
export function storeRoot(store: { dir: string }): string {
  return path.dirname(store.dir);
}
