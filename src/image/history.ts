// `history IMAGE`: the image's history entries with layer sizes and IDs
// (see history-view.ts), from the catalog and the layers' records.

import { loadCatalog, layerRecords } from './catalog.js';
import { CatalogView } from './catalog-view.js';
import { historyLayers, renderHistory, type HistoryRenderOptions } from './history-view.js';
import { resolveImage } from './resolve.js';

export interface HistoryOptions extends Omit<HistoryRenderOptions, 'now'> {
  dataRoot: string;
  image: string;
  now?: Date;
}

export async function imageHistory(o: HistoryOptions): Promise<string> {
  const view = new CatalogView(await loadCatalog(o.dataRoot));
  const hit = resolveImage(
    view.catalog.images.map((f) => f.record),
    o.image,
  );
  const facts = view.catalog.images.find((f) => f.record.id === hit.id)!;
  const layers = await layerRecords(o.dataRoot, facts.record.layers);
  const rows = historyLayers(view.treeImage(facts), view.tree, (id) => layers.get(id)?.size ?? 0);
  return renderHistory(rows, { ...o, now: o.now ?? new Date() });
}
