// What a container's final exit leaves to do: the `cleanup` event, its
// poststop hooks, its port forwarder, a pod member's /etc/hosts entry and
// its pod's exit policy, a joiner's entry in the shared /etc/hosts. Done by
// `container cleanup` (the monitor's exit command) and, in-process, by
// `stop`, as podman's stop cleans up before it returns: the monitor then
// starts no exit command (docs/helper-protocol.md, ctl `stopper`).
// Idempotent: each step claims its work or finds it done.

import fs from 'node:fs';
import { emitContainer, storeRoot } from '../../events/emit.js';
import type { ContainerRecord, ContainerStore } from '../../storage/containers.js';
import { POSTSTOP_FILE } from '../hooks/container-hooks.js';
import { containerRuntimePaths } from '../monitor/runtime-dir.js';

export interface ExitCleanupContext {
  store: ContainerStore;
  runRoot: string;
  warn: (msg: string) => void;
}

/**
 * A stopped container's port forwarder (bridge networks) notices on its own
 * that the container is gone, but only within seconds: its host ports are
 * freed now, so a container made at once with the same ports (compose's
 * recreate) can bind them.
 */
export async function stopPortForwarder(runRoot: string, id: string): Promise<void> {
  // The state file's place (bridge-ports.ts's forwarderStateFile), checked before that module loads.
  if (!fs.existsSync(`${runRoot}/networks/ports/${id}.json`)) return;
  const { stopForwarder } = await import('../../network/ports/bridge-ports.js');
  await stopForwarder(runRoot, id);
}

/** After the container (rec, as stored exited) is gone for good. */
export async function cleanupAfterExit(ctx: ExitCleanupContext, rec: ContainerRecord): Promise<void> {
  const roots = { dataRoot: storeRoot(ctx.store), runRoot: ctx.runRoot };
  emitContainer(roots.dataRoot, rec, 'cleanup');
  const dir = containerRuntimePaths(ctx.runRoot, rec.id).dir;
  if (fs.existsSync(`${dir}/${POSTSTOP_FILE}`)) await (await import('../hooks/poststop.js')).runPoststopHooks(dir, ctx.warn);
  await stopPortForwarder(ctx.runRoot, rec.id);
  // A pod member leaves the pod's /etc/hosts (podman's cleanup); with --exit-policy stop, the last one out stops the pod (src/pod/).
  if (rec.pod && !rec.config.pause) await (await import('../../pod/pod-member.js')).releasePodHosts(roots, rec);
  if (rec.config.network.startsWith('container:')) await (await import('../../network/shared-etc-files.js')).releaseJoinerHosts(roots, rec);
  if (rec.pod && !rec.config.pause) await (await import('../../pod/pod-lifecycle.js')).applyExitPolicy(roots, rec.pod, ctx.warn);
}
