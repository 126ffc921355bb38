// One compose file's text → a plain tree: YAML 1.2 with anchors, aliases and
// `<<` merge keys, duplicate keys refused, and the merge tags `!reset` and
// `!override` kept as markers for merge.ts. Pure.

import { parseDocument, Scalar, visit, YAMLMap } from 'yaml';

/** What a `!reset` value becomes in the tree (merge.ts drops the key). */
export const RESET = '\u0000!reset';
/** `!override X` becomes `{ [OVERRIDE]: X }` (merge.ts replaces instead of merging). */
export const OVERRIDE = '\u0000!override';

export class YamlReadError extends Error {}

const passTag = (tag: string) => [
  { tag, identify: () => false, resolve: (s: string) => s },
  { tag, collection: 'map' as const, identify: () => false, resolve: (m: unknown) => m },
  { tag, collection: 'seq' as const, identify: () => false, resolve: (s: unknown) => s },
];

export function readYaml(text: string): unknown {
  const doc = parseDocument(text, {
    merge: true,
    uniqueKeys: true,
    keepSourceTokens: true,
    prettyErrors: false,
    customTags: [...passTag('!reset'), ...passTag('!override')],
  });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = text.slice(0, e.pos[0]).split('\n').length;
    throw new YamlReadError(`yaml: line ${line}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  visit(doc, {
    // `mode: 0440` is octal in docker compose (YAML 1.1 integers); YAML 1.2 would read 440.
    Pair(_key, pair) {
      const k = pair.key as Scalar | null;
      const v = pair.value as Scalar | null;
      const src = (v as { srcToken?: { source?: string } } | null)?.srcToken?.source;
      if (k?.value === 'mode' && typeof v?.value === 'number' && src !== undefined && /^0[0-7]+$/.test(src)) v.value = parseInt(src, 8);
      return undefined;
    },
    Node(_key, node) {
      const n = node;
      if (n.tag === '!reset') return new Scalar(RESET);
      if (n.tag === '!override') {
        n.tag = undefined;
        const wrap = new YAMLMap();
        wrap.set(new Scalar(OVERRIDE), n);
        return wrap;
      }
      return undefined;
    },
  });
  const js: unknown = doc.toJS({ maxAliasCount: 1000 });
  return js ?? {};
}

/** The tree as the schema sees it: reset keys gone, overrides unwrapped. */
export function withoutMarkers(node: unknown): unknown {
  if (Array.isArray(node)) return node.filter((v) => v !== RESET).map(withoutMarkers);
  if (isPlainObject(node)) {
    if (OVERRIDE in node) return withoutMarkers(node[OVERRIDE]);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (v !== RESET) out[k] = withoutMarkers(v);
    return out;
  }
  return node;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
