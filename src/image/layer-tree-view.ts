// `image tree`: an image's layers as podman 4.3 prints them (libimage's
// Tree with gotree's drawing): a header, then the layers bottom first, each
// with its size and the tags of images whose top layer it is; with
// --whatrequires the layers built on the image's top layer instead, a
// branch drawn as a subtree. Pure.

import { goHumanSize } from '../format/human.js';

export interface TreeLayer {
  id: string;
  parent: string | null;
  /** Uncompressed bytes. */
  size: number;
}

export interface TreeInput {
  imageId: string;
  repoTags: readonly string[];
  /** podman's image size (layers, config and manifest). */
  size: number;
  /** The image's layers, bottom first (chain ids). */
  layers: readonly string[];
  /** Every layer of the store (for --whatrequires and tags). */
  all: ReadonlyMap<string, TreeLayer>;
  /** Repo tags of the images whose top layer is the key. */
  topOf: ReadonlyMap<string, readonly string[]>;
}

interface Node {
  text: string;
  items: Node[];
}

const goList = (xs: readonly string[]) => `[${xs.join(' ')}]`;

function drawItems(items: readonly Node[], spaces: readonly boolean[]): string {
  let out = '';
  items.forEach((n, i) => {
    const last = i === items.length - 1;
    const lead = spaces.map((s) => (s ? '    ' : '│   ')).join('');
    n.text.split('\n').forEach((line, k) => {
      const mark = k === 0 ? (last ? '└── ' : '├── ') : last ? '    ' : '│   ';
      out += `${lead}${mark}${line}\n`;
    });
    if (n.items.length) out += drawItems(n.items, [...spaces, last]);
  });
  return out;
}

function layerText(l: TreeLayer, topOf: TreeInput['topOf']): string {
  const tags = topOf.get(l.id);
  return `ID: ${l.id.slice(0, 12)} Size: ${goHumanSize(l.size, 4).padStart(7)}${tags?.length ? ` Top Layer of: ${goList(tags)}` : ''}`;
}

/** The text `image tree` prints (podman's trailing blank line included). */
export function renderLayerTree(t: TreeInput, whatRequires: boolean): string {
  const top = t.layers.at(-1);
  const header = [`Image ID: ${t.imageId.slice(0, 12)}`, `Tags:     ${goList(t.repoTags)}`, `Size:     ${goHumanSize(t.size, 4)}`, top ? 'Image Layers' : 'No Image Layers'].join('\n');
  const root: Node = { text: header, items: [] };
  if (top && whatRequires) {
    const children = new Map<string, TreeLayer[]>();
    for (const l of t.all.values()) {
      if (l.parent === null) continue;
      const list = children.get(l.parent) ?? [];
      list.push(l);
      children.set(l.parent, list);
    }
    const visit = (l: TreeLayer, parent: Node) => {
      const node: Node = { text: layerText(l, t.topOf), items: [] };
      // A layer alone on its parent continues the same list; a branch gets a subtree.
      const siblings = l.parent === null ? 1 : (children.get(l.parent)?.length ?? 1);
      let into = parent;
      if (siblings <= 1) parent.items.push(node);
      else {
        parent.items.push(node);
        into = node;
      }
      for (const c of children.get(l.id) ?? []) visit(c, into);
    };
    const topLayer = t.all.get(top);
    if (topLayer) visit(topLayer, root);
  } else {
    for (const id of t.layers) {
      const l = t.all.get(id);
      if (l) root.items.push({ text: layerText(l, t.topOf), items: [] });
    }
  }
  return `${root.text}\n${drawItems(root.items, [])}\n`;
}
