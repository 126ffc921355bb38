// Merging compose files (the Compose Specification's merge rules) on their
// canonical trees (canonical.ts): mappings merge key by key, sequences
// append, command/entrypoint/healthcheck.test are replaced, ports, volumes,
// secrets and configs merge by their unique key, `!reset` removes and
// `!override` replaces. Pure.

import { OVERRIDE, RESET, isPlainObject } from './yaml-read.js';

type Tree = Record<string, unknown>;

/** Keys whose value replaces the earlier one whatever its type. */
const REPLACED = new Set(['command', 'entrypoint', 'healthcheck.test', 'image', 'build.dockerfile_inline']);

/** Sequences merged by a unique key of their entries; the others append without duplicates. */
const UNIQUE_BY: Record<string, (entry: unknown) => string> = {
  ports: (p) => {
    const o = p as Tree;
    return JSON.stringify([o.host_ip ?? '', o.target, o.published ?? '', o.protocol ?? 'tcp']);
  },
  volumes: (v) => String((v as Tree).target),
  secrets: (v) => String((v as Tree).target ?? (v as Tree).source),
  configs: (v) => String((v as Tree).target ?? (v as Tree).source),
  devices: (v) => (typeof v === 'string' ? v.split(':')[1] ?? v : JSON.stringify(v)),
};

export function mergeFiles(base: Tree, over: Tree): Tree {
  return mergeMap(base, over, '');
}

function mergeValue(base: unknown, over: unknown, path: string): unknown {
  if (over === RESET) return RESET;
  if (isPlainObject(over) && OVERRIDE in over) return stripMarkers(over[OVERRIDE]);
  if (base === undefined) return stripMarkers(over);
  const svcKey = serviceKey(path);
  if (REPLACED.has(svcKey)) return stripMarkers(over);
  if (isPlainObject(base) && isPlainObject(over)) return mergeMap(base, over, path);
  if (Array.isArray(base) && Array.isArray(over)) return mergeSeq(base, over.filter((v) => v !== RESET), svcKey);
  return stripMarkers(over);
}

function mergeMap(base: Tree, over: Tree, path: string): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const merged = mergeValue(base[k], v, path ? `${path}.${k}` : k);
    if (merged === RESET) delete out[k];
    else out[k] = merged;
  }
  return out;
}

function mergeSeq(base: unknown[], over: unknown[], key: string): unknown[] {
  const unique = UNIQUE_BY[key];
  const id = unique ?? ((v: unknown) => JSON.stringify(v));
  const out = [...base];
  for (const v of over) {
    const i = out.findIndex((b) => id(b) === id(v));
    const clean = stripMarkers(v);
    if (i < 0) out.push(clean);
    else if (unique && isPlainObject(out[i]) && isPlainObject(clean)) out[i] = { ...(out[i] as Tree), ...clean };
    else out[i] = clean;
  }
  return out;
}

/** `services.web.healthcheck.test` → `healthcheck.test`; other paths as they are. */
function serviceKey(path: string): string {
  const m = /^services\.[^.]+\.(.*)$/.exec(path);
  return m ? m[1]! : path;
}

export function stripMarkers(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== RESET).map(stripMarkers);
  if (isPlainObject(v)) {
    if (OVERRIDE in v) return stripMarkers(v[OVERRIDE]);
    const out: Tree = {};
    for (const [k, x] of Object.entries(v)) if (x !== RESET) out[k] = stripMarkers(x);
    return out;
  }
  return v;
}
