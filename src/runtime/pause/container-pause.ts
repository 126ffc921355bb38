// `pause` / `unpause`: freeze or thaw every process of a running container
// (freezer.ts) and record `paused` in container.json, under the container's
// lock, so ps and inspect say it honestly. A paused container still has its
// monitor: the witnesses of container-state.ts apply to it as to a running
// one (its death makes it exited). `stop` (and `rm -f`) of a paused
// container unpauses it first, so it can act on its stop signal; `kill`
// signals it as it is (SIGKILL needs no thaw). podman 4.3's messages and
// events.

import { TscRunError } from '../../errors.js';
import { emitContainer, storeRoot } from '../../events/emit.js';
import type { ContainerRecord, ContainerStore } from '../../storage/containers.js';
import { liveRecord, syncContainer } from '../container/container-observe.js';
import { beingStopped } from '../container/stopping-mark.js';
import { freezeContainer, thawContainer } from './freezer.js';

function stateImproper(message: string): TscRunError {
  return new TscRunError(`${message}: container state improper`);
}

function pidOf(rec: ContainerRecord): number {
  const pid = rec.state.pid;
  if (pid === undefined) throw new TscRunError(`container ${rec.id} has no recorded process`);
  return pid;
}

export async function pauseContainer(store: ContainerStore, runRoot: string, id: string): Promise<void> {
  const synced = await syncContainer(store, runRoot, id);
  if (synced.state.status === 'paused') throw stateImproper(`${JSON.stringify(synced.id)} is already paused`);
  // podman 4.3 names the state here, not the container.
  if (synced.state.status !== 'running') throw stateImproper(`${JSON.stringify(synced.state.status)} is not running, can't pause`);
  if (beingStopped(runRoot, id)) throw stateImproper(`"stopping" is not running, can't pause`);
  const rec = await store.locked(id, async () => {
    const cur = await store.get(id);
    const live = cur && liveRecord(runRoot, cur);
    if (!live || live.state.status !== 'running') throw stateImproper(`${JSON.stringify(live?.state.status ?? 'removed')} is not running, can't pause`);
    await freezeContainer(id, pidOf(live));
    return store.update(id, (r) => {
      r.state = { ...liveRecord(runRoot, r).state, status: 'paused' };
    });
  });
  emitContainer(storeRoot(store), rec, 'pause');
}

/** Thaw a paused container and record it running; `event: false` when stop does it on its way to stopping it. */
export async function unpauseContainer(store: ContainerStore, runRoot: string, id: string, o: { event?: boolean } = {}): Promise<void> {
  const synced = await syncContainer(store, runRoot, id);
  if (synced.state.status !== 'paused') throw stateImproper(`${JSON.stringify(synced.id)} is not paused, can't unpause`);
  const rec = await store.locked(id, async () => {
    const cur = await store.get(id);
    const live = cur && liveRecord(runRoot, cur);
    if (!live || live.state.status !== 'paused') throw stateImproper(`${JSON.stringify(id)} is not paused, can't unpause`);
    await thawContainer(id, pidOf(live));
    return store.update(id, (r) => {
      r.state = { ...liveRecord(runRoot, r).state, status: 'running' };
    });
  });
  if (o.event !== false) emitContainer(storeRoot(store), rec, 'unpause');
}
