// The planner: what `up` does to reach the project from what exists, as
// docker compose v2 decides it. Pure.
// - Services start in dependency order (levels: a service comes after every
//   service it depends on); stop/down go in reverse.
// - A service's containers are numbered 1..scale; one whose config-hash label
//   differs from the service's hash is recreated (unless --no-recreate),
//   all with --force-recreate; surplus numbers are removed.
// - Containers of the project whose service is gone are orphans: reported, or
//   removed with --remove-orphans.

import type { Project } from './model.js';

export interface Existing {
  id: string;
  name: string;
  service: string;
  number: number;
  oneoff: boolean;
  hash: string;
  state: string;
  /** Its com.docker.compose.image label: the image id it was made from (or, from older versions, a name). */
  labels?: Record<string, string>;
}

export type Action =
  | { kind: 'create'; service: string; number: number }
  | { kind: 'recreate'; service: string; number: number; old: Existing }
  | { kind: 'start'; service: string; number: number; existing: Existing }
  | { kind: 'keep'; service: string; number: number; existing: Existing }
  | { kind: 'remove'; service: string; existing: Existing };

export interface PlanOptions {
  forceRecreate?: boolean;
  noRecreate?: boolean;
  /** --scale SERVICE=N */
  scale?: Record<string, number>;
  /** Hash of each service's config (labels.ts serviceHash). */
  hashes: Record<string, string>;
  /** Id of each service's image now: a container made from another image is recreated (a rebuild, a pull). */
  imageIds?: Record<string, string>;
}

/** Service names in start order, grouped by level (each level's deps are all in earlier levels). */
export function dependencyLevels(p: Project, names: readonly string[] = Object.keys(p.services)): string[][] {
  const wanted = new Set(names);
  const level = new Map<string, number>();
  const depsOf = (n: string) => {
    const s = p.services[n]!;
    // normalize.ts adds network_mode/ipc/pid service:X and volumes_from to depends_on, as compose-go.
    const deps = Object.keys(s.depends_on ?? {}).filter((d) => d in p.services);
    return deps.filter((d) => wanted.has(d));
  };
  const get = (n: string, seen: Set<string>): number => {
    const known = level.get(n);
    if (known !== undefined) return known;
    if (seen.has(n)) return 0; // cycles are refused at load
    seen.add(n);
    const l = Math.max(-1, ...depsOf(n).map((d) => get(d, seen))) + 1;
    level.set(n, l);
    return l;
  };
  const out: string[][] = [];
  for (const n of [...wanted].sort()) {
    const l = get(n, new Set());
    (out[l] ??= []).push(n);
  }
  return out.filter(Boolean).map((l) => l.sort());
}

export function replicas(p: Project, service: string, scale?: Record<string, number>): number {
  const s = p.services[service]!;
  return scale?.[service] ?? s.scale ?? s.deploy?.replicas ?? 1;
}

export function planService(p: Project, service: string, existing: readonly Existing[], o: PlanOptions): Action[] {
  const mine = existing.filter((c) => c.service === service && !c.oneoff).sort((a, b) => a.number - b.number);
  const want = replicas(p, service, o.scale);
  const actions: Action[] = [];
  const byNumber = new Map(mine.map((c) => [c.number, c]));
  const kept: Existing[] = [];
  // Keep the lowest numbers; extra containers go.
  for (const c of mine) {
    if (kept.length < want && !kept.some((k) => k.number === c.number)) kept.push(c);
    else actions.push({ kind: 'remove', service, existing: c });
  }
  for (const c of kept) {
    const madeFrom = c.labels?.['com.docker.compose.image'] ?? '';
    const want = o.imageIds?.[service];
    const newImage = want !== undefined && /^sha256:[0-9a-f]{64}$/.test(madeFrom) && madeFrom !== want;
    const changed = c.hash !== o.hashes[service] || newImage;
    if (o.forceRecreate || (changed && !o.noRecreate)) actions.push({ kind: 'recreate', service, number: c.number, old: c });
    else if (c.state === 'running' || c.state === 'paused') actions.push({ kind: 'keep', service, number: c.number, existing: c });
    else actions.push({ kind: 'start', service, number: c.number, existing: c });
  }
  let n = 1;
  for (let i = kept.length; i < want; i++) {
    while (byNumber.has(n) && kept.some((k) => k.number === n)) n++;
    while (kept.some((k) => k.number === n)) n++;
    actions.push({ kind: 'create', service, number: n });
    n++;
  }
  return actions;
}

/** Containers of the project whose service no longer exists (one-off `run` containers included). */
export function orphans(p: Project, existing: readonly Existing[]): Existing[] {
  const all = new Set([...Object.keys(p.services), ...Object.keys(p.disabledServices)]);
  return existing.filter((c) => !all.has(c.service));
}
