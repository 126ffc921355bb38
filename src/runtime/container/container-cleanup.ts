// `container cleanup ID`: the exit command a detached monitor runs after its
// container's final exit (docs/helper-protocol.md). Under the container's
// lock: fold exit.json into container.json (exited, code, time, restart
// count), the rest of the exit's work (exit-cleanup.ts); then, for --rm
// containers (or `cleanup --rm`), remove it.
// Idempotent: stop, wait and a second cleanup may have folded it already.

import { NoSuchContainerError, type ContainerStore } from '../../storage/containers.js';
import { syncContainer } from './container-observe.js';
import { removeContainer, type RemoveContext } from './container-remove.js';
import { cleanupAfterExit } from './exit-cleanup.js';

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
  await cleanupAfterExit(ctx, rec);
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
