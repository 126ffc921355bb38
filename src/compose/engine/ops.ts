// The other project-wide commands: down, start, stop, restart, kill, rm,
// pause, unpause — each over the project's containers (by label), in
// dependency order (start) or its reverse (stop, down).

import { ComposeError } from '../errors.js';
import { L } from '../labels.js';
import { dependencyLevels } from '../plan.js';
import { dependentsOf } from '../dependents.js';
import { sharedNamespaceServices } from '../normalize.js';
import type { ComposeContext } from './up.js';
import { removeNetworks } from './networks.js';
import { existingVolumes, projectContainers, type ProjectContainer } from './state.js';

/** Containers of the named services (all when none), one-off ones left out unless asked. */
export async function containersOf(ctx: ComposeContext, services: readonly string[], o: { oneoff?: boolean } = {}): Promise<ProjectContainer[]> {
  const p = ctx.project;
  for (const s of services) if (!(s in p.services) && !(s in p.disabledServices)) throw new ComposeError(`no such service: ${s}`);
  const all = await projectContainers(ctx.engine, p.name);
  return all.filter((c) => (services.length === 0 || services.includes(c.service)) && (o.oneoff || !c.oneoff));
}

/** Service order for stopping: dependents first. */
function reverseOrder(ctx: ComposeContext, cs: ProjectContainer[]): ProjectContainer[][] {
  const levels = dependencyLevels(ctx.project);
  const rank = new Map<string, number>();
  levels.forEach((l, i) => l.forEach((s) => rank.set(s, i)));
  const groups = new Map<number, ProjectContainer[]>();
  for (const c of cs) {
    const r = rank.get(c.service) ?? levels.length;
    groups.set(r, [...(groups.get(r) ?? []), c]);
  }
  return [...groups.entries()].sort(([a], [b]) => b - a).map(([, g]) => g);
}

/** The containers in the order to remove them: dependents first. */
export function dependentsFirst(ctx: ComposeContext, cs: ProjectContainer[]): ProjectContainer[] {
  return reverseOrder(ctx, cs).flat();
}

const isUp = (c: ProjectContainer) => c.state === 'running' || c.state === 'paused';

/**
 * restart: the named services and those that depend on them with
 * `restart: true` (docker compose; network_mode service:X is one), unless
 * noDeps. A container that shares another's namespaces leaves them before
 * that one restarts (it makes new ones) and joins them after: stop in
 * reverse dependency order, start in order; without such a pair, `restart`
 * each (one process).
 */
export async function restartServices(ctx: ComposeContext, services: readonly string[], o: { timeout?: number | undefined; noDeps?: boolean | undefined }): Promise<void> {
  const p = ctx.project;
  const named = services.length && !o.noDeps ? [...services, ...dependentsOf(p, services, 'restart')] : [...services];
  const cs = await containersOf(ctx, named);
  const t = o.timeout !== undefined ? ['-t', String(o.timeout)] : [];
  const owners = new Set(cs.map((c) => c.service).filter((s) => dependentsOf(p, [s], 'namespaces').length > 0));
  if (!owners.size) return eachContainer(ctx, cs, (c) => ['restart', ...t, c.id], 'Restarting', 'Started');
  const inside = new Set(dependentsOf(p, owners, 'namespaces'));
  const left = (await containersOf(ctx, [...inside])).filter((c) => isUp(c) && !cs.some((x) => x.id === c.id));
  if (left.length) throw new ComposeError(`cannot restart ${[...owners].join(', ')} alone: ${left.map((c) => c.name).join(', ')} shares its namespaces (restart them together, without --no-deps)`);
  for (const group of reverseOrder(ctx, cs)) {
    await Promise.all(
      group.map(async (c) => {
        ctx.progress('Container', c.name, 'Restarting');
        if (isUp(c)) await ctx.engine.must(['stop', ...t, c.id]);
      }),
    );
  }
  for (const level of dependencyLevels(p)) {
    await Promise.all(
      cs.filter((c) => level.includes(c.service)).map(async (c) => {
        await ctx.engine.must(['start', c.id]);
        ctx.progress('Container', c.name, 'Started');
      }),
    );
  }
}

/**
 * rm: the containers of the named services (all when none) that are
 * stopped, or all of them with stop. The engine, as podman, removes no
 * container whose namespaces another uses: those others (network_mode
 * service:X) go with it, dependents first; a running one without stop is
 * refused (docker compose leaves it in namespaces that are gone).
 */
export async function removableContainers(ctx: ComposeContext, services: readonly string[], stop: boolean): Promise<ProjectContainer[]> {
  const followers = dependentsOf(ctx.project, services.length ? services : [], 'namespaces');
  if (!services.length) followers.push(...Object.keys(ctx.project.services).filter((s) => sharedNamespaceServices(ctx.project.services[s]!).length > 0));
  const cs = await containersOf(ctx, services.length ? [...services, ...followers] : [], { oneoff: true });
  if (stop) return dependentsFirst(ctx, cs);
  const running = cs.filter((c) => followers.includes(c.service) && isUp(c));
  const owners = cs.filter((c) => !isUp(c) && dependentsOf(ctx.project, [c.service], 'namespaces').length > 0);
  if (running.length && owners.length) {
    throw new ComposeError(`cannot remove ${owners.map((c) => c.name).join(', ')}: ${running.map((c) => c.name).join(', ')} shares its namespaces and is running (stop it first, or use --stop)`);
  }
  return dependentsFirst(ctx, cs.filter((c) => !isUp(c)));
}

export async function stopContainers(ctx: ComposeContext, cs: ProjectContainer[], timeout: number | undefined): Promise<void> {
  for (const group of reverseOrder(ctx, cs)) {
    await Promise.all(
      group.map(async (c) => {
        if (c.state !== 'running' && c.state !== 'paused') return;
        ctx.progress('Container', c.name, 'Stopping');
        await ctx.engine.must(['stop', ...(timeout !== undefined ? ['-t', String(timeout)] : []), c.id]);
        ctx.progress('Container', c.name, 'Stopped');
      }),
    );
  }
}

export interface DownOptions {
  volumes?: boolean;
  removeOrphans?: boolean;
  rmi?: 'local' | 'all';
  timeout?: number;
}

export async function down(ctx: ComposeContext, o: DownOptions): Promise<void> {
  const p = ctx.project;
  const all = await projectContainers(ctx.engine, p.name);
  const known = new Set([...Object.keys(p.services), ...Object.keys(p.disabledServices)]);
  const orphans = all.filter((c) => !known.has(c.service) && !c.oneoff);
  if (orphans.length && !o.removeOrphans) {
    ctx.warn(`Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
  }
  const targets = all.filter((c) => known.has(c.service) || c.oneoff || o.removeOrphans);
  // Dependents first; `rm -f -t` stops and removes in one process.
  for (const group of reverseOrder(ctx, targets)) {
    await Promise.all(
      group.map(async (c) => {
        const running = c.state === 'running' || c.state === 'paused';
        if (running) ctx.progress('Container', c.name, 'Stopping');
        await ctx.engine.must(['rm', '-f', ...(o.volumes ? ['-v'] : []), ...(o.timeout !== undefined ? ['-t', String(o.timeout)] : []), c.id]);
        if (running) ctx.progress('Container', c.name, 'Stopped');
        ctx.progress('Container', c.name, 'Removing');
        ctx.progress('Container', c.name, 'Removed');
      }),
    );
  }
  await removeNetworks(ctx);
  if (o.volumes) {
    const have = await existingVolumes(ctx.engine);
    for (const [key, v] of Object.entries(p.volumes)) {
      if (v.external || !have.has(v.name!)) continue;
      if (have.get(v.name!)!.labels[L.project] !== p.name) continue;
      ctx.progress('Volume', v.name!, 'Removing');
      await ctx.engine.must(['volume', 'rm', '-f', v.name!]);
      ctx.progress('Volume', v.name!, 'Removed');
      void key;
    }
  }
  if (o.rmi) {
    const images = new Set<string>();
    for (const [name, s] of Object.entries(p.services)) {
      if (o.rmi === 'all' || !s.image) images.add(s.image ?? `${p.name}${p.separator ?? '-'}${name}`);
    }
    for (const img of [...images].sort()) {
      const r = await ctx.engine.capture(['rmi', img]);
      if (r.code === 0) ctx.progress('Image', img, 'Removed');
    }
  }
}

/** start: existing containers in dependency order. */
export async function startServices(ctx: ComposeContext, services: readonly string[]): Promise<void> {
  const cs = await containersOf(ctx, services);
  if (!cs.length) throw new ComposeError('no containers to start');
  for (const level of dependencyLevels(ctx.project)) {
    for (const c of cs.filter((x) => level.includes(x.service))) {
      if (c.state === 'running') continue;
      ctx.progress('Container', c.name, 'Starting');
      await ctx.engine.must(['start', c.id]);
      ctx.progress('Container', c.name, 'Started');
    }
  }
}

/** kill, pause, unpause, restart, rm: the engine's command on each container. */
export async function eachContainer(
  ctx: ComposeContext,
  cs: ProjectContainer[],
  args: (c: ProjectContainer) => string[],
  before: string,
  after: string,
): Promise<void> {
  for (const c of cs) {
    ctx.progress('Container', c.name, before);
    await ctx.engine.must(args(c));
    ctx.progress('Container', c.name, after);
  }
}
