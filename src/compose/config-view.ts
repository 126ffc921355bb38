// `compose config`: the normalized project as docker compose prints it
// (YAML or JSON; --services, --volumes, --profiles, --images). Pure.

import { stringify } from 'yaml';
import type { Project, Service } from './model.js';

function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

/** The document: name, services (sorted, keys sorted), networks, volumes, secrets, configs. */
export function configDocument(p: Project): Record<string, unknown> {
  const doc: Record<string, unknown> = { name: p.name };
  const services: Record<string, Service> = {};
  for (const n of Object.keys(p.services).sort()) services[n] = sortKeys(p.services[n]!);
  doc.services = services;
  for (const k of ['networks', 'volumes', 'secrets', 'configs'] as const) {
    if (Object.keys(p[k]).length) doc[k] = sortKeys(p[k]);
  }
  return doc;
}

export function configYaml(p: Project): string {
  return stringify(configDocument(p), { lineWidth: 0, defaultStringType: 'PLAIN', nullStr: 'null' });
}

export function configJson(p: Project): string {
  return `${JSON.stringify(configDocument(p), null, 4)}\n`;
}

/** Every profile named by any service, enabled or not, sorted. */
export function projectProfiles(p: Project): string[] {
  const all = new Set<string>();
  for (const s of [...Object.values(p.services), ...Object.values(p.disabledServices)]) for (const x of s.profiles ?? []) all.add(x);
  return [...all].sort();
}

/** The image a service runs: its `image`, or PROJECT-SERVICE for a build without one (docker compose v2). */
export function serviceImage(p: Project, name: string): string {
  const s = p.services[name] ?? p.disabledServices[name]!;
  return s.image ?? `${p.name}-${name}`;
}
