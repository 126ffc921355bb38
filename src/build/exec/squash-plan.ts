// Which entries of a stack of layer tars survive when the stack becomes one
// layer (`--layers=false`/`--squash`: the build's new layers on top of the
// base; `--squash-all`: every layer, nothing below). Overlay rules, applied
// bottom up: a whiteout deletes the path and all under it from the layers
// below, an opaque marker everything under its directory, a non-directory
// replaces whatever was at its path (and under it). With layers below the
// result (`keepWhiteouts`), whiteouts and opaque markers that hide lower
// content stay, and a directory recreated over a whiteout becomes opaque
// (else the base's old content would show through it). Pure.

import { classifyWhiteout } from '../../storage/layers/whiteout.js';

export interface SquashEntry {
  /** The entry's name in its tar. */
  name: string;
  /** Its tar type ('directory', 'file', ...). */
  type: string;
}

export interface SquashPlan {
  /** Per layer: indexes of the entries to copy. */
  keep: Array<Set<number>>;
  /** Per layer: indexes of directory entries to follow with an opaque marker. */
  opaqueAfter: Array<Set<number>>;
}

/** `./a/b/` → `a/b`. */
export function cleanName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

const under = (p: string, dir: string) => dir === '' || p.startsWith(`${dir}/`);

/** Paths the whiteouts of the stack name (what `baseHas` of planSquash is asked about). */
export function whiteoutTargets(layers: ReadonlyArray<readonly SquashEntry[]>): string[] {
  const out = new Set<string>();
  for (const entries of layers) {
    for (const e of entries) {
      const w = classifyWhiteout(cleanName(e.name));
      if (w && w.kind !== 'ignore') out.add(w.path);
    }
  }
  return [...out];
}

/**
 * `baseHas(path)`: whether the layers below the stack have the path; a
 * whiteout or opaque marker of a path they lack hides nothing and is left
 * out (buildah, committing the container's diff, never writes one).
 */
export function planSquash(layers: ReadonlyArray<readonly SquashEntry[]>, keepWhiteouts: boolean, baseHas: (path: string) => boolean = () => true): SquashPlan {
  /** path → where its surviving entry is. */
  const live = new Map<string, { layer: number; index: number; dir: boolean }>();
  /** path → the whiteout or opaque marker entry that stays (keepWhiteouts only). */
  const hides = new Map<string, { layer: number; index: number }>();
  const opaque = new Map<string, { layer: number; index: number }>();

  const drop = (prefixOrPath: string, subtreeOnly: boolean) => {
    for (const p of [...live.keys()]) if ((!subtreeOnly && p === prefixOrPath) || under(p, prefixOrPath)) live.delete(p);
    for (const p of [...hides.keys()]) if (under(p, prefixOrPath) && p !== prefixOrPath) hides.delete(p);
    for (const p of [...opaque.keys()]) if ((!subtreeOnly && p === prefixOrPath) || under(p, prefixOrPath)) opaque.delete(p);
  };

  layers.forEach((entries, layer) => {
    // Whiteouts and opaque markers act on the layers below this one first.
    entries.forEach((e, index) => {
      const p = cleanName(e.name);
      const w = classifyWhiteout(p);
      if (!w || w.kind === 'ignore') return;
      if (w.kind === 'opaque') {
        drop(w.path, true);
        if (keepWhiteouts && baseHas(w.path)) hides.set(`${w.path}/.wh..wh..opq`, { layer, index });
      } else {
        drop(w.path, false);
        if (keepWhiteouts && baseHas(w.path)) hides.set(w.path, { layer, index });
      }
    });
    entries.forEach((e, index) => {
      const p = cleanName(e.name);
      if (p === '' || classifyWhiteout(p)) return;
      const dir = e.type === 'directory';
      if (!dir) drop(p, false);
      else if (live.get(p)?.dir === false) live.delete(p);
      // An entry made again where a whiteout was: the whiteout goes (a directory then hides what lies below instead).
      if (hides.delete(p) && dir) opaque.set(p, { layer, index });
      live.set(p, { layer, index, dir });
    });
  });

  const keep = layers.map(() => new Set<number>());
  const opaqueAfter = layers.map(() => new Set<number>());
  for (const v of live.values()) keep[v.layer]!.add(v.index);
  if (keepWhiteouts) {
    for (const v of hides.values()) keep[v.layer]!.add(v.index);
    for (const [p, v] of opaque) if (live.get(p)?.layer === v.layer && live.get(p)?.index === v.index) opaqueAfter[v.layer]!.add(v.index);
  }
  return { keep, opaqueAfter };
}
