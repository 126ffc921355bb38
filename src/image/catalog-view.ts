// The derived views of catalog facts that several image commands share:
// the parent/child tree, what filters look at, and summary inputs. Pure.

import type { Catalog, ImageFacts } from './catalog.js';
import type { FilterContext, FilterSubject } from './filters.js';
import { ImageTree, type TreeImage } from './image-tree.js';
import { ImageUnknownError, findImage } from '../storage/images.js';
import type { SummaryInput } from './summary.js';

export function toTreeImage(f: ImageFacts): TreeImage {
  return {
    id: f.record.id,
    names: f.record.names,
    layers: f.record.layers,
    diffIds: f.config.rootfs.diff_ids,
    history: f.config.history ?? [],
  };
}

/** Layers plus config and manifest bytes, as podman sizes an image. */
export function imageSize(f: ImageFacts): number {
  return f.record.size + f.metaSize;
}

export function createdOf(f: ImageFacts): Date {
  const t = Date.parse(f.config.created ?? f.record.created);
  return new Date(Number.isNaN(t) ? 0 : t);
}

export class CatalogView {
  readonly tree: ImageTree;
  private readonly treeImages = new Map<string, TreeImage>();

  constructor(readonly catalog: Catalog) {
    const imgs = catalog.images.map(toTreeImage);
    for (const t of imgs) this.treeImages.set(t.id, t);
    this.tree = new ImageTree(imgs);
  }

  treeImage(f: ImageFacts): TreeImage {
    return this.treeImages.get(f.record.id)!;
  }

  subject(f: ImageFacts): FilterSubject {
    const t = this.treeImage(f);
    return {
      id: f.record.id,
      names: f.record.names,
      labels: f.config.config?.Labels ?? {},
      created: createdOf(f),
      containers: f.containers,
      dangling: this.tree.isDangling(t),
      intermediate: this.tree.isIntermediate(t),
      readOnly: false,
    };
  }

  summaryInput(f: ImageFacts): SummaryInput {
    const t = this.treeImage(f);
    return {
      id: f.record.id,
      names: f.record.names,
      namesHistory: f.record.namesHistory ?? [],
      digest: f.record.digest,
      config: f.config,
      size: imageSize(f),
      containers: f.containers,
      parentId: this.tree.parentOf(t)?.id ?? '',
      dangling: this.tree.isDangling(t),
    };
  }

  /** Filter context: before/since name images of this catalog. */
  filterContext(now: Date): FilterContext {
    return {
      now,
      createdOf: (nameOrId) => {
        const hit = findImage(
          this.catalog.images.map((f) => f.record),
          nameOrId,
        );
        const facts = hit && this.catalog.images.find((f) => f.record.id === hit.id);
        if (!facts) throw new ImageUnknownError(nameOrId);
        return createdOf(facts);
      },
    };
  }
}
