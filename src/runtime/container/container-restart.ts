// `restart`: stop the container if it runs (stop signal, timeout, SIGKILL),
// then start it again under a detached monitor, as podman does.

import { TscRunError } from '../../errors.js';
import { emitContainer } from '../../events/emit.js';
import type { Roots } from '../../config/paths.js';
import { startContainer } from './container-start.js';
import { stopContainer } from './container-stop.js';
import type { LifecycleContext } from './lifecycle-context.js';

export async function restartContainer(ctx: LifecycleContext, roots: Roots, id: string, timeout: number | undefined): Promise<void> {
  const stopped = await stopContainer(ctx, id, timeout);
  if (!stopped) throw new TscRunError(`container ${id} was removed when it stopped (--rm): it cannot be restarted`);
  const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
  // Detached, as `start`: the monitor lets go of us once the start is recorded.
  await startContainer({ roots, container: stopped, treeOps: helperTreeOps(), detach: true, attachStdin: false, sigProxy: true });
  emitContainer(roots.dataRoot, stopped, 'restart');
}
