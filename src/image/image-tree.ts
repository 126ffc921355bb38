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
const lengthKey = (layer: string | undefined, n: number): string => `${layer ?? ''}/${n}`;

export class ImageTree {
  /** Images by their top layer, in store order. */
  private readonly byTop = new Map<string, TreeImage[]>();
  /** Layer id → the layer below it. */
  private readonly parentLayer = new Map<string, string | undefined>();
  /** Layer id → layers directly above it. */
  private readonly childLayers = new Map<string, Set<string>>();
  /** Images by top layer and number of history entries (see withHistory). */
  private readonly byTopAndLength = new Map<string, TreeImage[]>();

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
      if (t !== undefined) {
        const on = this.byTop.get(t);
        if (on) on.push(img);
        else this.byTop.set(t, [img]);
      }
      const k = lengthKey(t, img.history.length);
      const same = this.byTopAndLength.get(k);
      if (same) same.push(img);
      else this.byTopAndLength.set(k, [img]);
    }
  }

  /**
   * Images on `layer` (undefined: the layerless ones) with `n` history
   * entries, in store order. A parent has exactly one entry less than its
   * child, so only those can be either: with a thousand images on one base
   * layer, comparing each with all the others was the bulk of `images`.
   */
  private withHistory(layer: string | undefined, n: number): readonly TreeImage[] {
    return this.byTopAndLength.get(lengthKey(layer, n)) ?? [];
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
    const n = child.history.length - 1;
    const candidates =
      t === undefined ? this.withHistory(undefined, n) : [...this.withHistory(t, n), ...(below(child) !== undefined ? this.withHistory(below(child), n) : [])];
    return candidates.find((p) => p.id !== child.id && areParentAndChild(p, child));
  }

  childrenOf(parent: TreeImage): TreeImage[] {
    const t = top(parent);
    const n = parent.history.length + 1;
    const candidates =
      t === undefined
        ? this.withHistory(undefined, n)
        : [...[...(this.childLayers.get(t) ?? [])].flatMap((l) => this.withHistory(l, n)), ...this.withHistory(t, n)];
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
