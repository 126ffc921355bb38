// Narrowing a project to some services and what they depend on (`up web`,
// `config web`), as docker compose does. Pure.

import type { Project, Service } from './model.js';

/** The named services plus their dependencies, recursively (withDeps false: only the named). */
export function withServices(p: Project, names: readonly string[], withDeps = true): Project {
  const keep = new Set<string>();
  const add = (n: string) => {
    if (keep.has(n) || !(n in p.services)) return;
    keep.add(n);
    if (!withDeps) return;
    // network_mode: service:X and volumes_from are in depends_on (normalize.ts).
    for (const d of Object.keys(p.services[n]!.depends_on ?? {})) add(d);
  };
  names.forEach(add);
  const services: Record<string, Service> = {};
  for (const n of Object.keys(p.services)) if (keep.has(n)) services[n] = p.services[n]!;
  return { ...p, services };
}
