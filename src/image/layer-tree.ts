// `image tree IMAGE`: read the image, the store's layers and which images
// end on which layer, then render (layer-tree-view.ts).

import { layerRecords, loadCatalog } from './catalog.js';
import { renderLayerTree, type TreeLayer } from './layer-tree-view.js';
import { resolveImage } from './resolve.js';
import { repoTags } from './summary.js';

export async function imageLayerTree(dataRoot: string, image: string, whatRequires: boolean): Promise<string> {
  const images = (await loadCatalog(dataRoot)).images;
  const hit = resolveImage(
    images.map((f) => f.record),
    image,
  );
  const facts = images.find((f) => f.record.id === hit.id)!;
  const records = await layerRecords(
    dataRoot,
    images.flatMap((f) => f.record.layers),
  );
  const all = new Map<string, TreeLayer>();
  for (const f of images) for (const id of f.record.layers) {
    const l = records.get(id);
    if (l && !all.has(id)) all.set(id, { id, parent: l.parent, size: l.size });
  }
  const topOf = new Map<string, string[]>();
  for (const f of images) {
    const top = f.record.layers.at(-1);
    if (top === undefined) continue;
    topOf.set(top, [...(topOf.get(top) ?? []), ...repoTags(f.record.names)]);
  }
  return renderLayerTree(
    { imageId: hit.id, repoTags: repoTags(hit.names), size: hit.size + facts.metaSize, layers: hit.layers, all, topOf },
    whatRequires,
  );
}
