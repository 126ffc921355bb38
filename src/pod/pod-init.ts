// Pod init containers (`create --init-ctr always|once`, kube play's
// initContainers), as podman 4.3's libpod: at each `pod start`, before the
// other members, every init container runs to completion in creation order
// (its start starts the infra); a non-zero exit stops the pod start with
// podman's error; a `once` container is removed after its first run. `pod
// restart` and a member's own start do not run them; the pod's status leaves
// them out (pod-views.ts podStatus).

import type { Roots } from '../config/paths.js';
import { TscRunError } from '../errors.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import type { TreeOps } from '../storage/layers/layer-store.js';
import type { PodRecord } from './pod-store.js';

export const isInitCtr = (c: ContainerRecord): boolean => c.config.initContainerType !== undefined;

/** Pure: a pod's init containers in the order they run (creation time; podman sorts them so). */
export function initOrder(members: readonly ContainerRecord[]): ContainerRecord[] {
  return members.filter(isInitCtr).sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
}

/** podman refuses an init container for a pod whose members run ("it creates confusion"). */
export async function checkInitCtrJoin(roots: Roots, pod: PodRecord): Promise<void> {
  const { podMembers } = await import('./pod-lifecycle.js');
  if ((await podMembers(roots, pod)).some((c) => !isInitCtr(c) && c.state.status === 'running')) {
    throw new TscRunError('cannot add init-ctr to a running pod');
  }
}

/** Run each init container to its exit; a non-zero exit is podman's error; `once` ones are removed after. */
export async function runInitContainers(roots: Roots, treeOps: TreeOps, members: readonly ContainerRecord[], warn: (msg: string) => void): Promise<void> {
  const inits = initOrder(members);
  if (inits.length === 0) return;
  const { startContainer } = await import('../runtime/container/container-start.js');
  const { waitContainer } = await import('../runtime/container/container-wait.js');
  const { removeContainer } = await import('../runtime/container/container-remove.js');
  const { lifecycleContext } = await import('../runtime/container/lifecycle-context.js');
  const store = new ContainerStore(roots.dataRoot);
  for (const c of inits) {
    await startContainer({ roots, container: c, treeOps, detach: true, attachStdin: false, sigProxy: true });
    const rc = await waitContainer(store, roots.runRoot, c.id, { exit: true, states: [] }, 50);
    if (rc !== 0) throw new TscRunError(`init container ${c.id} exited with code ${rc}`);
    if (c.config.initContainerType === 'once') {
      await removeContainer(lifecycleContext(roots, warn), c.id, { force: false }).catch((err: unknown) => {
        throw new TscRunError(`failed to remove once init container ${c.id}: ${(err as Error).message}`);
      });
    }
  }
}
