// `container cleanup ID`: the exit command a detached monitor runs after its
// container's final exit (docs/helper-protocol.md). Under the container's
// lock: fold exit.json into container.json (exited, code, time, restart
// count); then, for --rm containers (or `cleanup --rm`), remove it.
// Idempotent: stop, wait and a second cleanup may have folded it already.

import { emitContainer, storeRoot } from '../../events/emit.js';
import { NoSuchContainerError, type ContainerStore } from '../../storage/containers.js';
import { syncContainer } from './container-observe.js';
import { runPoststopHooks } from '../hooks/poststop.js';
import { containerRuntimePaths } from '../monitor/runtime-dir.js';
import { removeContainer, stopPortForwarder, type RemoveContext } from './container-remove.js';

export interface CleanupOptions {
  /** Remove the container even without --rm at create. */
  rm: boolean;
}

/** True when the container is still there afterwards. */
export async function cleanupContainer(ctx: RemoveContext & { store: ContainerStore }, id: string, o: CleanupOptions): Promise<boolean> {
  let rec;
  try {
    rec = await syncContainer(ctx.store, ctx.runRoot, id);
  } catch (err) {
    if (err instanceof NoSuchContainerError) return false; // removed meanwhile (rm, a racing cleanup)
    throw err;
  }
  if (rec.state.status === 'running' || rec.state.status === 'paused') return true; // not exited (yet): nothing to clean
  emitContainer(storeRoot(ctx.store), rec, 'cleanup');
  await runPoststopHooks(containerRuntimePaths(ctx.runRoot, id).dir, ctx.warn);
  await stopPortForwarder(ctx.runRoot, id);
  // A pod member leaves the pod's /etc/hosts (podman's cleanup); with --exit-policy stop, the last one out stops the pod (src/pod/).
  if (rec.pod && !rec.config.pause) await (await import('../../pod/pod-member.js')).releasePodHosts({ dataRoot: storeRoot(ctx.store), runRoot: ctx.runRoot }, rec);
  if (rec.config.network.startsWith('container:')) await (await import('../../network/shared-etc-files.js')).releaseJoinerHosts({ dataRoot: storeRoot(ctx.store), runRoot: ctx.runRoot }, rec);
  if (rec.pod && !rec.config.pause) await (await import('../../pod/pod-lifecycle.js')).applyExitPolicy({ dataRoot: storeRoot(ctx.store), runRoot: ctx.runRoot }, rec.pod, ctx.warn);
  if (!(rec.autoRemove || o.rm)) return true;
  try {
    // As podman's cleanup of an --rm container: its anonymous volumes go too.
    await removeContainer(ctx, id, { force: false, volumes: true });
  } catch (err) {
    if (err instanceof NoSuchContainerError) return false;
    throw err;
  }
  return false;
}
