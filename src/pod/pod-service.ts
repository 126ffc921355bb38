// kube play --service-container (podman 4.3's libpod/service.go): one pause
// container, not in any pod, that runs as long as the workload of a YAML
// file. kube play makes it (named by the file's hash) and links each of the
// file's pods to it; it starts with any of its pods, stops once none of them
// runs (pod stop, kill, or the exit policy's stop), and goes with the last
// of them. `rm` refuses it while one of its pods runs. The link is the pod
// record's serviceContainerId: one truth, as for a pod's members.

import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Roots } from '../config/paths.js';
import { emitContainer } from '../events/emit.js';
import { TscRunError } from '../errors.js';
import { planContainerSecurity, writeContainerSecurity } from '../runtime/security/security-args.js';
import { userdataDir } from '../runtime/container/container-files.js';
import { ContainerStore, newContainerId, type ContainerRecord } from '../storage/containers.js';
import type { TreeOps } from '../storage/layers/layer-store.js';
import { PodStore, type PodRecord } from './pod-store.js';

/** podman's name for it: the first 12 hex digits of the YAML's sha256, then `-service`. Pure. */
export function serviceContainerName(yaml: string): string {
  return `${createHash('sha256').update(yaml).digest('hex').slice(0, 12)}-service`;
}

/** Make the service container (created, not started): the helper's pause process, no network (podman: NoNetwork). */
export async function createServiceContainer(dataRoot: string, name: string, rmtree: (...paths: string[]) => Promise<void>): Promise<ContainerRecord> {
  const store = new ContainerStore(dataRoot);
  const id = newContainerId();
  const rec: ContainerRecord = {
    id,
    name,
    image: '',
    imageName: '',
    layers: [],
    created: new Date().toISOString(),
    autoRemove: false,
    config: { command: [], entrypoint: [], cmd: [], env: [], workingDir: '/', user: '', uid: 0, gid: 0, hostname: id.slice(0, 12), network: 'none', pause: true, isService: true, logDriver: 'none', stopSignal: 15, stopTimeout: 10 },
    state: { status: 'created' },
    storage: { driver: 'vfs' },
  };
  const security = await planContainerSecurity({}, { uid: 0 });
  await store.create(rec);
  try {
    await fs.mkdir(store.rootfsDir(id), { mode: 0o755 });
    await writeContainerSecurity(userdataDir(store.containerDir(id)), security);
  } catch (err) {
    await store.remove(id, rmtree).catch(() => undefined);
    throw new TscRunError(`creating service container: ${(err as Error).message}`, undefined, { cause: err });
  }
  emitContainer(dataRoot, rec, 'create');
  return rec;
}

/** Link a pod to its service container (kube play, after `pod create`). */
export async function linkServiceContainer(dataRoot: string, podId: string, serviceId: string): Promise<void> {
  await new PodStore(dataRoot).update(podId, (p) => {
    p.serviceContainerId = serviceId;
  });
}

/** The pods that name this service container. */
export function servicePods(dataRoot: string, serviceId: string): PodRecord[] {
  return new PodStore(dataRoot).list().filter((p) => p.serviceContainerId === serviceId);
}

async function serviceOf(roots: Roots, pod: PodRecord): Promise<ContainerRecord | undefined> {
  if (!pod.serviceContainerId) return undefined;
  const rec = await new ContainerStore(roots.dataRoot).get(pod.serviceContainerId);
  if (!rec) return undefined;
  const { liveRecord } = await import('../runtime/container/container-observe.js');
  return liveRecord(roots.runRoot, rec);
}

/** Whether every pod of the service is down (podman: Stopped, Exited or Errored; a merely created pod keeps it). */
async function allPodsDown(roots: Roots, serviceId: string): Promise<boolean> {
  const { podMembers } = await import('./pod-lifecycle.js');
  const { podStatus } = await import('./pod-views.js');
  for (const p of servicePods(roots.dataRoot, serviceId)) {
    const status = podStatus(await podMembers(roots, p));
    if (status !== 'Exited' && status !== 'Stopped' && status !== 'Error') return false;
  }
  return true;
}

/** At a pod's start: its service container runs too. */
export async function startServiceOf(roots: Roots, pod: PodRecord, treeOps: TreeOps): Promise<void> {
  const svc = await serviceOf(roots, pod);
  if (!svc || svc.state.status === 'running') return;
  const { startContainer } = await import('../runtime/container/container-start.js');
  await startContainer({ roots, container: svc, treeOps, detach: true, attachStdin: false, sigProxy: true });
}

/** After a pod stopped: the service container stops once none of its pods runs. Best effort, as podman's queued work. */
export async function maybeStopServiceOf(roots: Roots, pod: PodRecord, warn: (msg: string) => void): Promise<void> {
  try {
    const svc = await serviceOf(roots, pod);
    if (!svc || (svc.state.status !== 'running' && svc.state.status !== 'paused')) return;
    if (!(await allPodsDown(roots, svc.id))) return;
    const { stopContainer } = await import('../runtime/container/container-stop.js');
    const { lifecycleContext } = await import('../runtime/container/lifecycle-context.js');
    await stopContainer(lifecycleContext(roots, warn), svc.id);
  } catch (err) {
    warn(`Stopping service container of pod ${pod.id}: ${(err as Error).message}`);
  }
}

/** After a pod's removal: the service container goes with the last of its pods. */
export async function maybeRemoveServiceOf(roots: Roots, pod: PodRecord, warn: (msg: string) => void): Promise<void> {
  if (!pod.serviceContainerId || servicePods(roots.dataRoot, pod.serviceContainerId).length) return;
  try {
    const { removeContainer } = await import('../runtime/container/container-remove.js');
    const { lifecycleContext } = await import('../runtime/container/lifecycle-context.js');
    await removeContainer(lifecycleContext(roots, warn), pod.serviceContainerId, { force: true, timeout: 0, podRemoval: true });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT' || /no such container/.test((err as Error).message)) return;
    warn(`Removing service container ${pod.serviceContainerId}: ${(err as Error).message}`);
  }
}

/** `rm` of a service container: refused while one of its pods runs (podman's canStopServiceContainer). */
export async function checkServiceRemovable(roots: Roots, rec: ContainerRecord): Promise<void> {
  if (!rec.config.isService) return;
  if (await allPodsDown(roots, rec.id)) return;
  const pods = servicePods(roots.dataRoot, rec.id).map((p) => p.id);
  throw new TscRunError(`container ${rec.id} is the service container of pod(s) ${pods.join(',')} and cannot be removed without removing the pod(s)`);
}
