// The project's networks in the engine: created (labelled as docker compose
// does) before the first container that uses them, external ones checked,
// and removed by `down` once their containers are gone.

import { ComposeError } from '../errors.js';
import { L } from '../labels.js';
import { networkCreateArgs, usedNetworks } from '../networks.js';
import type { Engine } from './runner.js';
import type { ComposeContext } from './up.js';

interface NetworkJson {
  name: string;
  labels?: Record<string, string> | null;
}

export async function existingNetworks(engine: Engine): Promise<Map<string, NetworkJson>> {
  const out = await engine.must(['network', 'ls', '--format', 'json']);
  const list = JSON.parse(out || '[]') as NetworkJson[];
  return new Map(list.map((n) => [n.name, n]));
}

export async function ensureNetworks(ctx: ComposeContext): Promise<void> {
  const p = ctx.project;
  const keys = usedNetworks(p);
  if (!keys.length) return;
  const have = await existingNetworks(ctx.engine);
  for (const key of keys) {
    const n = p.networks[key]!;
    const name = n.name!;
    const found = have.get(name);
    if (n.external) {
      if (!found) throw new ComposeError(`network ${name} declared as external, but could not be found`);
      continue;
    }
    if (found) {
      const labels = found.labels ?? {};
      if (labels[L.project] !== p.name) {
        ctx.warn(`a network with name ${name} exists but was not created for project "${p.name}".\nSet \`external: true\` to use an existing network`);
      } else if (labels[L.network] !== undefined && labels[L.network] !== key) {
        throw new ComposeError(`network ${name} was found but has incorrect label ${L.network} set to "${labels[L.network]}" (expected: "${key}")`);
      }
      continue;
    }
    const args = networkCreateArgs(p, key);
    ctx.progress('Network', name, 'Creating');
    const r = await ctx.engine.capture(args);
    if (r.code !== 0) {
      // Another compose command may have made it meanwhile.
      if ((await existingNetworks(ctx.engine)).has(name)) continue;
      const line = r.stderr.split('\n').filter(Boolean).pop() ?? 'network create failed';
      throw new ComposeError(`networks.${key}: ${line.replace(/^Error: /, '')}`, r.code);
    }
    ctx.progress('Network', name, 'Created');
  }
}

/** down: the project's own networks (not external, labelled for it). */
export async function removeNetworks(ctx: ComposeContext): Promise<void> {
  const p = ctx.project;
  const have = await existingNetworks(ctx.engine);
  const names = new Set<string>();
  for (const n of Object.values(p.networks)) if (!n.external && n.name !== undefined) names.add(n.name);
  for (const name of [...names].sort()) {
    const found = have.get(name);
    if (!found || (found.labels ?? {})[L.project] !== p.name) continue;
    ctx.progress('Network', name, 'Removing');
    const r = await ctx.engine.capture(['network', 'rm', name]);
    if (r.code !== 0) {
      const line = r.stderr.split('\n').filter(Boolean).pop() ?? 'network rm failed';
      ctx.warn(`network ${name}: ${line.replace(/^Error: /, '')}`);
      continue;
    }
    ctx.progress('Network', name, 'Removed');
  }
}
