// Which services an attached `up` shows the logs of, and which it waits for,
// as docker compose v2 decides: --attach names them (each must be in the
// up); else the services named on the command line (all when none), with
// their dependencies under --attach-dependencies, less those whose
// `attach: false`; --no-attach removes services from either. `up` returns
// when every container it watches (the attached ones and the named
// services') has exited. Pure.

import { ComposeError } from './errors.js';
import type { Project } from './model.js';

export interface AttachChoice {
  attach?: readonly string[];
  noAttach?: readonly string[];
  attachDependencies?: boolean;
}

export interface AttachSet {
  /** Services whose logs are streamed. */
  attach: string[];
  /** Services whose containers up waits for. */
  watch: string[];
}

/** `p` is the project of the up (the named services and their dependencies). */
export function attachSet(p: Project, named: readonly string[], o: AttachChoice): AttachSet {
  const all = Object.keys(p.services);
  let attach: Set<string>;
  if (o.attach?.length) {
    const unknown = o.attach.filter((s) => !all.includes(s));
    if (unknown.length) throw new ComposeError(`cannot attach to services not included in up: ${unknown.join(', ')}`);
    attach = new Set(o.attach);
  } else {
    const roots = named.length ? [...named] : all;
    const chosen = new Set(roots);
    if (o.attachDependencies) {
      const visit = (s: string) => {
        for (const d of Object.keys(p.services[s]?.depends_on ?? {})) {
          if (d in p.services && !chosen.has(d)) {
            chosen.add(d);
            visit(d);
          }
        }
      };
      roots.forEach(visit);
    }
    attach = new Set([...chosen].filter((s) => p.services[s]?.attach !== false));
  }
  for (const s of o.noAttach ?? []) attach.delete(s);
  const watch = new Set([...attach, ...named]);
  return { attach: [...attach].sort(), watch: [...watch].sort() };
}
