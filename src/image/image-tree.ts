// Parent/child relations between local images, decided the way podman's
// libimage does: a child sits on the parent's top layer (or on the same
// top layer, for steps that add no layer), uses all of the parent's
// diffIDs, and has the parent's history plus exactly one entry. From that:
// dangling (no name, no children) and intermediate (no name, children)
// images. Pure.

import type { HistoryEntry } from './oci.js';

export interface TreeImage {
  id: string;
  names: readonly string[];
  /** Chain ids, bottom first. */
  layers: readonly string[];
  diffIds: readonly string[];
  history: readonly HistoryEntry[];
}

function sameEntry(a: HistoryEntry, b: HistoryEntry): boolean {
  const time = (h: HistoryEntry) => (h.created === undefined ? undefined : Date.parse(h.created));
  return (
    time(a) === time(b) &&
    (a.created_by ?? '') === (b.created_by ?? '') &&
    (a.author ?? '') === (b.author ?? '') &&
    (a.comment ?? '') === (b.comment ?? '') &&
    (a.empty_layer ?? false) === (b.empty_layer ?? false)
  );
}

/** Whether `child` is directly based on `parent` (diffIDs and history, as libimage's areParentAndChild). */
export function areParentAndChild(parent: TreeImage, child: TreeImage): boolean {
  if (parent.diffIds.length > child.diffIds.length) return false;
  if (parent.diffIds.some((d, i) => child.diffIds[i] !== d)) return false;
  if (parent.history.length + 1 !== child.history.length) return false;
  return parent.history.every((h, i) => sameEntry(h, child.history[i]!));
}

const top = (img: TreeImage): string | undefined => img.layers[img.layers.length - 1];
const below = (img: TreeImage): string | undefined => img.layers[img.layers.length - 2];

export class ImageTree {
  /** Images by their top layer, in store order. */
  private readonly byTop = new Map<string, TreeImage[]>();
  /** Images with no layer at all. */
  private readonly empty: TreeImage[] = [];
  /** Layer id → the layer below it. */
  private readonly parentLayer = new Map<string, string | undefined>();
  /** Layer id → layers directly above it. */
  private readonly childLayers = new Map<string, Set<string>>();

  constructor(readonly images: readonly TreeImage[]) {
    for (const img of images) {
      img.layers.forEach((l, i) => {
        const p = img.layers[i - 1];
        this.parentLayer.set(l, p);
        if (p !== undefined) {
          const set = this.childLayers.get(p) ?? new Set();
          set.add(l);
          this.childLayers.set(p, set);
        }
      });
      const t = top(img);
      if (t === undefined) this.empty.push(img);
      else this.byTop.set(t, [...(this.byTop.get(t) ?? []), img]);
    }
  }

  /** Images whose top layer is `layer`, in store order. */
  imagesOnLayer(layer: string): readonly TreeImage[] {
    return this.byTop.get(layer) ?? [];
  }

  /** The layer below `layer` in any image, if known. */
  layerBelow(layer: string): string | undefined {
    return this.parentLayer.get(layer);
  }

  parentOf(child: TreeImage): TreeImage | undefined {
    const t = top(child);
    const candidates =
      t === undefined ? this.empty : [...this.imagesOnLayer(t), ...(below(child) !== undefined ? this.imagesOnLayer(below(child)!) : [])];
    return candidates.find((p) => p.id !== child.id && areParentAndChild(p, child));
  }

  childrenOf(parent: TreeImage): TreeImage[] {
    const t = top(parent);
    const candidates =
      t === undefined
        ? this.empty
        : [...[...(this.childLayers.get(t) ?? [])].flatMap((l) => this.imagesOnLayer(l)), ...this.imagesOnLayer(t)];
    return candidates.filter((c) => c.id !== parent.id && areParentAndChild(parent, c));
  }

  hasChildren(img: TreeImage): boolean {
    return this.childrenOf(img).length > 0;
  }

  /** No name and no children: what `image prune` removes and `images -f dangling=true` shows. */
  isDangling(img: TreeImage): boolean {
    return img.names.length === 0 && !this.hasChildren(img);
  }

  /** No name but children: hidden from `images` unless -a. */
  isIntermediate(img: TreeImage): boolean {
    return img.names.length === 0 && this.hasChildren(img);
  }
}
