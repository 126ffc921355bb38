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

/**
 * Only the networks, volumes, secrets, configs and models the services use,
 * as docker compose loads a project unless --all-resources. Services left
 * out by profiles count as users: a command that names one enables it later
 * (engine/up.ts), after the project is loaded.
 */
export function withoutUnusedResources(p: Project): Project {
  const used = { networks: new Set<string>(), volumes: new Set<string>(), secrets: new Set<string>(), configs: new Set<string>(), models: new Set<string>() };
  for (const s of [...Object.values(p.services), ...Object.values(p.disabledServices)]) {
    for (const n of Object.keys(s.networks ?? {})) used.networks.add(n);
    for (const v of s.volumes ?? []) if (v.type === 'volume' && v.source) used.volumes.add(v.source);
    for (const x of s.secrets ?? []) used.secrets.add(x.source);
    const build = s.build as { secrets?: Array<{ source: string } | string> } | undefined;
    for (const x of build?.secrets ?? []) used.secrets.add(typeof x === 'string' ? x : x.source);
    for (const x of s.configs ?? []) used.configs.add(x.source);
    const models = s.models as string[] | Record<string, unknown> | undefined;
    for (const m of Array.isArray(models) ? models : Object.keys(models ?? {})) used.models.add(m);
  }
  const keep = <T>(m: Record<string, T>, u: Set<string>) => Object.fromEntries(Object.entries(m).filter(([k]) => u.has(k)));
  return {
    ...p,
    networks: keep(p.networks, used.networks),
    volumes: keep(p.volumes, used.volumes),
    secrets: keep(p.secrets, used.secrets),
    configs: keep(p.configs, used.configs),
    ...(p.models ? { models: keep(p.models, used.models) } : {}),
  };
}
