// Which services follow another's container: those in its namespaces
// (network_mode/ipc/pid service:X) and those with its volumes
// (volumes_from). docker compose recreates them with it (their resolved
// `container:ID` changes); the engine, as podman, will not remove a
// container whose namespaces another uses, so they go first. Pure.

import type { Project } from './model.js';
import { sharedNamespaceServices, volumesFromServices } from './normalize.js';

export type RefKind = 'namespaces' | 'references' | 'restart';

/** Does `s` follow `of`: in its namespaces; or also by volumes_from ('references'); or by a depends_on with restart: true ('restart', docker's restart). */
function follows(p: Project, s: string, of: string, kind: RefKind): boolean {
  const svc = p.services[s]!;
  if (kind === 'restart') return svc.depends_on?.[of]?.restart === true;
  return sharedNamespaceServices(svc).includes(of) || (kind === 'references' && volumesFromServices(svc).includes(of));
}

/** The services that follow any of `services`, transitively (the given ones left out), sorted. */
export function dependentsOf(p: Project, services: Iterable<string>, kind: RefKind): string[] {
  const given = new Set(services);
  const found = new Set<string>();
  const queue = [...given];
  while (queue.length) {
    const of = queue.shift()!;
    for (const s of Object.keys(p.services)) {
      if (given.has(s) || found.has(s) || !follows(p, s, of, kind)) continue;
      found.add(s);
      queue.push(s);
    }
  }
  return [...found].sort();
}
