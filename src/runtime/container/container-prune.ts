// `container prune`: remove every container that is not running (created and
// exited ones), optionally only those matching `--filter label=...`/`until=`.
// Prints the removed ids like podman (full ids, in id order).

import type { ContainerStore } from '../../storage/containers.js';
import { liveRecord } from './container-observe.js';
import { removeContainer, type RemoveContext } from './container-remove.js';
import { matchesFilters, parsePsFilters } from '../views/ps-filter.js';

export interface PruneResult {
  removed: string[];
  errors: Error[];
}

export async function pruneContainers(ctx: RemoveContext & { store: ContainerStore }, filters: readonly string[]): Promise<PruneResult> {
  const parsed = parsePsFilters(filters, ['label', 'until']);
  const live = (await ctx.store.list()).map((r) => liveRecord(ctx.runRoot, r));
  const victims = live
    .filter((r) => r.state.status !== 'running' && r.state.status !== 'paused' && matchesFilters(r, parsed, { all: live }))
    .map((r) => r.id)
    .sort();
  const out: PruneResult = { removed: [], errors: [] };
  for (const id of victims) {
    try {
      await removeContainer(ctx, id, { force: false });
      out.removed.push(id);
    } catch (err) {
      out.errors.push(err as Error);
    }
  }
  return out;
}
