// `image prune`: remove dangling images (-a: every image no container
// uses), narrowed by --filter, in rounds until nothing more goes (removing
// a child can leave its parent dangling), as podman does. Returns the
// removed IDs. The confirmation prompt is the command's business.

import { damagedImages, loadCatalog, missingConfigText, type Catalog } from './catalog.js';
import { CatalogView } from './catalog-view.js';
import { compileImageFilters } from './filters.js';
import { finishPendingRemovals, removeImage, type RemovalContext } from './remove.js';

export interface PruneOptions {
  all: boolean;
  filters: readonly string[];
  now?: Date;
}

/** podman's prompt text for `image prune` without -f. */
export function prunePrompt(all: boolean): string {
  return all
    ? 'WARNING! This command removes all images without at least one container associated with them.\nAre you sure you want to continue? [y/N] '
    : 'WARNING! This command removes all dangling images.\nAre you sure you want to continue? [y/N] ';
}

/** The filters prune applies: the user's, plus podman's own. */
export function pruneFilters(o: PruneOptions): string[] {
  return [...o.filters, 'readonly=false', ...(o.all ? [] : ['dangling=true']), 'containers=false'];
}

/**
 * Damaged images (recorded, config blob gone: 330-corrupt-images) that prune
 * takes as podman 4.3 does: with -a, or untagged (dangling), when no
 * container uses them and no --filter asks about what cannot be read; each
 * with podman's two warnings.
 */
async function damagedVictims(ctx: RemovalContext, catalog: Catalog, o: PruneOptions): Promise<string[]> {
  if (o.filters.length > 0) return [];
  const used = new Set(catalog.containers.map((c) => c.image));
  const out: string[] = [];
  for (const r of await damagedImages(ctx.dataRoot, catalog)) {
    if (used.has(r.id) || (!o.all && r.names.length > 0)) continue;
    ctx.warn?.(`Failed to determine if an image is a parent: ${missingConfigText(r.id)}, ignoring the error`);
    ctx.warn?.(`Failed to determine parent of image: ${missingConfigText(r.id)}, ignoring the error`);
    out.push(r.id);
  }
  return out;
}

export async function pruneImages(ctx: RemovalContext, o: PruneOptions): Promise<string[]> {
  await finishPendingRemovals(ctx);
  const removed: string[] = [];
  for (;;) {
    const view = new CatalogView(await loadCatalog(ctx.dataRoot));
    const keep = compileImageFilters(pruneFilters(o), view.filterContext(o.now ?? new Date()));
    const victims = view.catalog.images.filter((f) => keep(view.subject(f))).map((f) => f.record.id);
    victims.push(...(await damagedVictims(ctx, view.catalog, o)));
    let round = 0;
    for (const id of victims) {
      // A container created meanwhile makes removeImage throw ImageInUseError: podman stops there too.
      if (await removeImage(ctx, id, false)) {
        removed.push(id);
        round++;
      }
    }
    if (round === 0) return removed;
  }
}
