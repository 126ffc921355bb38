// The pod commands that act on members: start (infra first), stop and kill
// (members, then the infra), restart, pause, unpause, rm, prune, and the
// exit policy. Each acts through the container lifecycle (src/runtime/), so
// a pod's state is always its containers' state; nothing pod-level is
// stored that could disagree with them.

import type { Roots } from '../config/paths.js';
import { MultipleErrors, TscRunError, UsageError } from '../errors.js';
import { ContainerStore, NoSuchContainerError, type ContainerRecord } from '../storage/containers.js';
import type { TreeOps } from '../storage/layers/layer-store.js';
import { emitPod } from './pod-events.js';
import { PodStore, type PodRecord } from './pod-store.js';
import { withLock } from '../storage/lock.js';
import { podStatus } from './pod-views.js';

export interface PodContext {
  roots: Roots;
  treeOps: TreeOps;
  warn: (msg: string) => void;
}

export interface PodTargetOptions {
  all?: boolean;
  latest?: boolean;
  ignore?: boolean;
}

/** The pod's containers as they are now (liveRecord), infra first, then by creation. */
export async function podMembers(roots: Roots, pod: PodRecord, all?: readonly ContainerRecord[]): Promise<ContainerRecord[]> {
  const { liveRecord } = await import('../runtime/container/container-observe.js');
  const list = all ?? (await new ContainerStore(roots.dataRoot).list());
  return list
    .filter((c) => c.pod === pod.id)
    .map((c) => liveRecord(roots.runRoot, c))
    .sort((a, b) => (a.id === pod.infraId ? -1 : b.id === pod.infraId ? 1 : Date.parse(a.created) - Date.parse(b.created)));
}

export function resolvePods(roots: Roots, names: readonly string[], o: PodTargetOptions): PodRecord[] {
  const store = new PodStore(roots.dataRoot);
  // podman 4.3's words, in its order of checks.
  if (o.all && o.latest) throw new UsageError('--all and --latest cannot be used together');
  if (o.all && names.length) throw new UsageError('no arguments are needed with --all');
  if (o.latest && names.length) throw new UsageError('--latest and containers cannot be used together');
  if (!o.all && !o.latest && names.length === 0) throw new UsageError('you must provide at least one name or id');
  if (o.all) return store.list().sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
  if (o.latest) {
    const l = store.list().sort((a, b) => Date.parse(b.created) - Date.parse(a.created))[0];
    if (!l) throw new TscRunError('no pods to act on: no such pod');
    return [l];
  }
  const out: PodRecord[] = [];
  for (const n of names) {
    try {
      out.push(store.lookup(n));
    } catch (err) {
      if (!o.ignore) throw err;
    }
  }
  return out;
}

async function lifecycle(ctx: PodContext) {
  const { lifecycleContext } = await import('../runtime/container/lifecycle-context.js');
  return lifecycleContext(ctx.roots, ctx.warn);
}

const isUp = (c: ContainerRecord) => c.state.status === 'running' || c.state.status === 'paused';

/**
 * Start the infra, then every member not running (podman: "Error: ... starting
 * container"); first, unless `restart`, the init containers run to completion
 * (pod-init.ts: podman's pod restart skips them).
 */
export async function startPod(ctx: PodContext, pod: PodRecord, o: { restart?: boolean } = {}): Promise<void> {
  const { startContainer } = await import('../runtime/container/container-start.js');
  const { isInitCtr, runInitContainers } = await import('./pod-init.js');
  // kube play --service-container: it runs whenever one of its pods does (podman starts it first).
  await (await import('./pod-service.js')).startServiceOf(ctx.roots, pod, ctx.treeOps);
  if (!o.restart) await runInitContainers(ctx.roots, ctx.treeOps, await podMembers(ctx.roots, pod), ctx.warn);
  const members = await podMembers(ctx.roots, pod);
  const errors: TscRunError[] = [];
  for (const c of members) {
    if (c.state.status === 'running' || isInitCtr(c)) continue;
    try {
      // A member's start starts the infra too (pod-member.ts); the infra is first in the list anyway.
      await startContainer({ roots: ctx.roots, container: c, treeOps: ctx.treeOps, detach: true, attachStdin: false, sigProxy: true });
    } catch (err) {
      errors.push(new TscRunError(`starting container ${c.id}: ${(err as Error).message}`));
    }
  }
  emitPod(ctx.roots.dataRoot, pod, 'start');
  if (errors.length) throw errors.length === 1 ? errors[0]! : new MultipleErrors(errors);
}

/**
 * Record that the pod is being stopped, under its start lock: a member start
 * made for a healthcheck's restart action (which began earlier) sees it and
 * does not start the member, and so the infra, again (pod-member.ts).
 */
async function markStopping(roots: Roots, pod: PodRecord): Promise<void> {
  const pods = new PodStore(roots.dataRoot);
  const { nowRfc3339Nano } = await import('../format/go-time.js');
  await withLock(pods.startLock(pod.id), () =>
    pods.update(pod.id, (p) => {
      p.stoppedAt = nowRfc3339Nano();
    }),
  );
}

/** Members first, the infra last (its namespaces outlive them). */
export async function stopPod(ctx: PodContext, pod: PodRecord, timeout: number | undefined): Promise<void> {
  const { stopContainer } = await import('../runtime/container/container-stop.js');
  await markStopping(ctx.roots, pod);
  const lc = await lifecycle(ctx);
  const members = await podMembers(ctx.roots, pod);
  const order = [...members.filter((c) => c.id !== pod.infraId), ...members.filter((c) => c.id === pod.infraId)];
  for (const c of order) {
    if (!isUp(c)) continue;
    try {
      await stopContainer(lc, c.id, timeout);
    } catch (err) {
      if (!(err instanceof NoSuchContainerError)) throw err;
    }
  }
  emitPod(ctx.roots.dataRoot, pod, 'stop');
  await (await import('./pod-service.js')).maybeStopServiceOf(ctx.roots, pod, ctx.warn);
}

export async function killPod(ctx: PodContext, pod: PodRecord, signo: number): Promise<void> {
  const { killContainer } = await import('../runtime/container/container-kill.js');
  const store = new ContainerStore(ctx.roots.dataRoot);
  const members = (await podMembers(ctx.roots, pod)).filter(isUp);
  if (members.length === 0) throw new TscRunError(`pod ${pod.id} has no running containers: no such container`);
  await markStopping(ctx.roots, pod);
  for (const c of [...members.filter((m) => m.id !== pod.infraId), ...members.filter((m) => m.id === pod.infraId)]) {
    await killContainer(store, ctx.roots.runRoot, c.id, signo);
  }
  emitPod(ctx.roots.dataRoot, pod, 'kill');
  if (pod.serviceContainerId) {
    // The service container stops once the pod is down: give the signalled members a moment to go.
    const end = Date.now() + 5000;
    while (Date.now() < end && (await podMembers(ctx.roots, pod)).some(isUp)) await new Promise((r) => setTimeout(r, 50));
    await (await import('./pod-service.js')).maybeStopServiceOf(ctx.roots, pod, ctx.warn);
  }
}

export async function pausePod(ctx: PodContext, pod: PodRecord, pause: boolean): Promise<void> {
  const p = await import('../runtime/pause/container-pause.js');
  const store = new ContainerStore(ctx.roots.dataRoot);
  for (const c of await podMembers(ctx.roots, pod)) {
    if (pause && c.state.status === 'running') await p.pauseContainer(store, ctx.roots.runRoot, c.id);
    if (!pause && c.state.status === 'paused') await p.unpauseContainer(store, ctx.roots.runRoot, c.id);
  }
  emitPod(ctx.roots.dataRoot, pod, pause ? 'pause' : 'unpause');
}

/** rm: refused while a container runs unless force; members go before the infra, the record last. */
export async function removePod(ctx: PodContext, pod: PodRecord, o: { force: boolean; timeout?: number | undefined }): Promise<void> {
  const { removeContainer } = await import('../runtime/container/container-remove.js');
  const lc = await lifecycle(ctx);
  const members = await podMembers(ctx.roots, pod);
  if (!o.force) {
    // podman's checkReadyForRemoval: a running infra does not keep its pod (nor itself) from going.
    const up = members.find((c) => isUp(c) && c.id !== pod.infraId);
    if (up) {
      throw new TscRunError(
        `not all containers could be removed from pod ${pod.id}: removing pod containers: cannot remove container ${up.id} as it is running - running or paused containers cannot be removed without force: container state improper`,
      );
    }
  }
  await markStopping(ctx.roots, pod).catch(() => undefined);
  for (const c of [...members.filter((m) => m.id !== pod.infraId), ...members.filter((m) => m.id === pod.infraId)]) {
    try {
      await removeContainer(lc, c.id, { force: o.force || c.id === pod.infraId, timeout: o.timeout, podRemoval: true });
    } catch (err) {
      if (!(err instanceof NoSuchContainerError)) throw err;
    }
  }
  await new PodStore(ctx.roots.dataRoot).remove(pod.id);
  emitPod(ctx.roots.dataRoot, pod, 'remove');
  await (await import('./pod-service.js')).maybeRemoveServiceOf(ctx.roots, pod, ctx.warn);
}

/** `rm -a` reaching an infra: its pod goes (a pod already gone is not an error). */
export async function removePodOf(roots: Roots, podId: string, o: { force: boolean; timeout?: number | undefined }, warn: (msg: string) => void): Promise<void> {
  const pod = await new PodStore(roots.dataRoot).get(podId);
  if (!pod) return;
  const { helperTreeOps } = await import('../host/helper/tree-ops.js');
  await removePod({ roots, treeOps: helperTreeOps(), warn }, pod, o);
}

/** prune: pods none of whose containers runs (podman: stopped, exited or created pods... with at least their state settled). */
export async function prunablePods(roots: Roots): Promise<PodRecord[]> {
  const all = await new ContainerStore(roots.dataRoot).list();
  const out: PodRecord[] = [];
  for (const p of new PodStore(roots.dataRoot).list()) {
    const s = podStatus(await podMembers(roots, p, all));
    if (s === 'Exited' || s === 'Created' || s === 'Stopped') out.push(p);
  }
  return out;
}

/** `system prune`'s first step, as podman's: the pods `pod prune` removes; their ids, and what failed. */
export async function prunePods(ctx: PodContext): Promise<{ removed: string[]; errors: TscRunError[] }> {
  const removed: string[] = [];
  const errors: TscRunError[] = [];
  for (const p of await prunablePods(ctx.roots)) {
    try {
      await removePod(ctx, p, { force: false });
      removed.push(p.id);
    } catch (err) {
      if (!(err instanceof TscRunError)) throw err;
      errors.push(err);
    }
  }
  return { removed, errors };
}

/** `system reset`: every pod, running or not, with its containers (best effort: reset removes the store after). */
export async function removeAllPods(ctx: PodContext): Promise<string[]> {
  const removed: string[] = [];
  for (const p of new PodStore(ctx.roots.dataRoot).list()) {
    try {
      await removePod(ctx, p, { force: true, timeout: 0 });
      removed.push(p.id);
    } catch {
      // whatever stays is killed and removed with the store
    }
  }
  return removed;
}

/**
 * --exit-policy stop: once the last member has exited, the infra stops
 * (called when a member's exit is folded: container cleanup and the
 * foreground run). Never throws: the member's exit is already recorded.
 */
export async function applyExitPolicy(roots: Roots, podId: string, warn: (msg: string) => void): Promise<void> {
  try {
    const { helperTreeOps } = await import('../host/helper/tree-ops.js');
    const ctx: PodContext = { roots, treeOps: helperTreeOps(), warn };
    const pods = new PodStore(ctx.roots.dataRoot);
    const pod = await pods.get(podId);
    if (!pod || pod.exitPolicy !== 'stop' || !pod.infraId) return;
    await withLock(pods.startLock(pod.id), () => stopIfLastOut(ctx, pod));
  } catch {
    // Best effort: `pod stop` still works.
  }
}

async function stopIfLastOut(ctx: PodContext, pod: PodRecord): Promise<void> {
  {
    const members = await podMembers(ctx.roots, pod);
    const others = members.filter((c) => c.id !== pod.infraId);
    // Called after a member's exit (or its --rm removal): the pod is done once every other
    // member has exited (podman's stopIfOnlyInfraRemains: one merely created, such as a
    // member waiting for the pod's init containers, keeps it up).
    if (others.some((c) => c.state.status !== 'exited' && c.state.status !== 'removing')) return;
    const infra = members.find((c) => c.id === pod.infraId);
    if (!infra || !isUp(infra)) return;
    const { stopContainer } = await import('../runtime/container/container-stop.js');
    await stopContainer(await lifecycle(ctx), infra.id);
    emitPod(ctx.roots.dataRoot, pod, 'stop');
    await (await import('./pod-service.js')).maybeStopServiceOf(ctx.roots, pod, ctx.warn);
  }
}
