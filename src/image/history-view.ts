// `history`: one row per history entry of an image's config, newest first.
// As libimage does: a row that made a layer takes that layer's size, and the
// ID is that of the first image (in store order) whose top layer it is, each
// ID shown once, `<missing>` otherwise. Rendering: podman's table, JSON, -q
// and templates (ID, Created, CreatedBy, Size, Comment, CreatedAt,
// CreatedSince). Pure.

import { goTimeString, humanSize, rfc3339, timeAgo } from '../format/human.js';
import { formatList } from '../format/output.js';
import { isJsonFormat } from '../format/is-json.js';
import type { ImageTree, TreeImage } from './image-tree.js';

export interface HistoryLayer {
  id: string;
  /** Undefined when the entry has no date (Go's zero time). */
  created: Date | undefined;
  /** The entry's `created` as stored (for JSON's nanoseconds). */
  createdText: string | undefined;
  createdBy: string;
  size: number;
  comment: string;
}

/** History rows of `img`; `layerSize` gives a layer's uncompressed size. */
export function historyLayers(img: TreeImage, tree: ImageTree, layerSize: (layerId: string) => number): HistoryLayer[] {
  const out: HistoryLayer[] = [];
  const used = new Set<string>();
  let layerIdx = img.layers.length - 1;
  for (let x = img.history.length - 1; x >= 0; x--) {
    const h = img.history[x]!;
    const layer = layerIdx >= 0 ? img.layers[layerIdx] : undefined;
    let id = '<missing>';
    const first = layer !== undefined ? tree.imagesOnLayer(layer)[0] : undefined;
    if (first && !used.has(first.id)) {
      id = first.id;
      used.add(first.id);
    }
    let size = 0;
    if (!h.empty_layer && layer !== undefined) {
      size = layerSize(layer);
      layerIdx--;
    }
    const t = h.created ? Date.parse(h.created) : NaN;
    out.push({
      id,
      created: Number.isNaN(t) ? undefined : new Date(t),
      createdText: h.created,
      createdBy: h.created_by ?? '',
      size,
      comment: h.comment ?? '',
    });
  }
  return out;
}

export interface HistoryRenderOptions {
  format?: string | undefined;
  human: boolean;
  noTrunc: boolean;
  quiet: boolean;
  now: Date;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
/** Go's zero time, 0001-01-01 00:00:00 UTC, in ms since 1970. */
const ZERO_MS = Date.parse('0001-01-01T00:00:00Z');
/** time.Since(zero time) saturates at Go's largest duration (~292 years). */
const MAX_GO_DURATION_MS = 9_223_372_036_854;

function createdHuman(l: HistoryLayer, o: HistoryRenderOptions): string {
  if (!o.human) return l.created ? rfc3339(l.created) : ZERO_TIME;
  if (!l.created) return timeAgo(new Date(o.now.getTime() - MAX_GO_DURATION_MS), o.now);
  return timeAgo(l.created, o.now);
}

function goNano(text: string | undefined, d: Date | undefined): string {
  if (!d || !text) return ZERO_TIME;
  const frac = /\.(\d+)/.exec(text)?.[1]?.slice(0, 9).replace(/0+$/, '');
  return rfc3339(d).replace(/Z$/, (frac ? `.${frac}` : '') + 'Z');
}

export function renderHistory(layers: readonly HistoryLayer[], o: HistoryRenderOptions): string {
  if (isJsonFormat(o.format)) {
    if (!layers.length) return '[]\n';
    // podman's shape: the layer's own keys, then "Created" again as RFC 3339, on one line.
    const json = layers.map((l) => ({
      id: l.id,
      created: goNano(l.createdText, l.created),
      ...(l.createdBy ? { CreatedBy: l.createdBy } : {}),
      size: l.size,
      ...(l.comment ? { comment: l.comment } : {}),
      Created: l.created ? rfc3339(l.created) : ZERO_TIME,
    }));
    return JSON.stringify(json) + '\n';
  }
  const rows = layers.map((l) => {
    const created = createdHuman(l, o);
    return {
      ID: !o.noTrunc && l.id.length >= 12 ? l.id.slice(0, 12) : l.id,
      Created: created,
      CreatedSince: created,
      // podman: time.Unix(created.Unix(), 0).UTC().String(), whole seconds.
      CreatedAt: goTimeString(new Date(Math.floor((l.created?.getTime() ?? ZERO_MS) / 1000) * 1000), 0),
      CreatedBy: !o.noTrunc && l.createdBy.length > 45 ? l.createdBy.slice(0, 42) + '...' : l.createdBy,
      Size: humanSize(l.size),
      Comment: l.comment,
      Tags: [] as string[],
    };
  });
  if (o.quiet) return rows.map((r) => r.ID + '\n').join('');
  return formatList(rows, {
    format: o.format,
    columns: [{ field: 'ID' }, { field: 'Created' }, { field: 'CreatedBy', header: 'CREATED BY' }, { field: 'Size' }, { field: 'Comment' }],
    headers: { CreatedBy: 'CREATED BY' },
  });
}
