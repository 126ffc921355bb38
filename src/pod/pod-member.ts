// A pod member's start (called by runtime/container-start.ts before the
// member's network is prepared): the infra must run, since the member joins
// its namespaces, and the pod's shared /etc/hosts must list the member.

import type { Roots } from '../config/paths.js';
import { TscRunError } from '../errors.js';
import { userdataDir } from '../runtime/container/container-files.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import type { TreeOps } from '../storage/layers/layer-store.js';
import { editPodHosts } from './pod-hosts.js';
import { PodStore } from './pod-store.js';
import { withLock } from '../storage/lock.js';

/** Start the pod's infra if it is not running (podman starts it with any member). */
export async function ensureInfraRunning(roots: Roots, infra: ContainerRecord, treeOps: TreeOps): Promise<void> {
  const { liveRecord } = await import('../runtime/container/container-observe.js');
  const live = liveRecord(roots.runRoot, infra).state.status;
  if (live === 'running') return;
  if (live === 'paused') throw new TscRunError(`the infra container of the pod is paused: unpause the pod first`);
  const { startContainer } = await import('../runtime/container/container-start.js');
  await startContainer({ roots, container: infra, treeOps, detach: true, attachStdin: false, sigProxy: true });
}

/** The infra's hosts file, which every member of the pod binds. */
function podHostsFile(store: ContainerStore, infra: ContainerRecord): string {
  return `${userdataDir(store.containerDir(infra.id))}/hosts`;
}

/** At a member's start: its line in the pod's hosts file, and none for members that no longer run. */
export async function syncPodHosts(roots: Roots, infra: ContainerRecord, member: ContainerRecord): Promise<void> {
  const store = new ContainerStore(roots.dataRoot);
  const { liveRecord } = await import('../runtime/container/container-observe.js');
  const others = (await store.list()).filter((c) => c.pod === infra.pod && c.id !== infra.id && c.id !== member.id);
  const gone = others.filter((c) => !['running', 'paused'].includes(liveRecord(roots.runRoot, c).state.status)).map((c) => c.name);
  await store.locked(infra.id, () => editPodHosts(podHostsFile(store, infra), [...gone, member.name], [member.config.hostname, member.name]));
}

/** At a member's exit (podman's cleanup): its line leaves the pod's hosts file. */
export async function releasePodHosts(roots: Roots, member: ContainerRecord): Promise<void> {
  if (!member.pod) return;
  const store = new ContainerStore(roots.dataRoot);
  const pod = await new PodStore(roots.dataRoot).get(member.pod);
  const infra = pod?.infraId ? await store.get(pod.infraId) : undefined;
  if (!infra || infra.id === member.id) return;
  await store.locked(infra.id, () => editPodHosts(podHostsFile(store, infra), [member.name]));
}

/**
 * A member's whole start (infra, hosts, the member itself) under the pod's
 * start lock, which the exit policy takes too: the last member's exit
 * cannot stop the infra between a new member's check and its start.
 */
export async function withMemberStart<T>(roots: Roots, member: ContainerRecord, treeOps: TreeOps, start: () => Promise<T>): Promise<T> {
  return withLock(new PodStore(roots.dataRoot).startLock(member.pod!), async () => {
    await prepareMemberStart(roots, member, treeOps);
    return start();
  });
}

/**
 * Set by a healthcheck's restart action (src/health/health-run.ts) to the
 * time its check began: the member is not started again if its pod was
 * stopped (or killed, or removed) since, so a restart racing `pod stop`
 * cannot bring the member and the infra back up.
 */
export const HEALTH_RESTART_ENV = 'TSC_RUN_HEALTH_RESTART_SINCE';

export async function prepareMemberStart(roots: Roots, member: ContainerRecord, treeOps: TreeOps): Promise<void> {
  const pod = await new PodStore(roots.dataRoot).get(member.pod!);
  if (!pod) throw new TscRunError(`pod ${member.pod!.slice(0, 12)} of container ${member.name} no longer exists`);
  const since = process.env[HEALTH_RESTART_ENV];
  // Not passed on to what this start spawns (the monitor, its exit command, the next healthcheck loop).
  delete process.env[HEALTH_RESTART_ENV];
  if (since !== undefined && pod.stoppedAt !== undefined && Date.parse(pod.stoppedAt) >= Date.parse(since)) {
    throw new TscRunError(`pod ${pod.name} was stopped after the healthcheck of ${member.name} began: its restart action is dropped`);
  }
  if (!pod.infraId) return;
  const infra = await new ContainerStore(roots.dataRoot).get(pod.infraId);
  if (!infra) throw new TscRunError(`the infra container of pod ${pod.name} no longer exists`);
  await ensureInfraRunning(roots, infra, treeOps);
  await syncPodHosts(roots, infra, member);
}
