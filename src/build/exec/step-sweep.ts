// Step containers a killed build left behind (their build process is gone)
// are removed by the next build. Kept apart from step-container.ts so a
// build that finds nothing to remove never loads the runtime.

import type { Roots } from '../../config/paths.js';
import { ContainerStore } from '../../storage/containers.js';

export const BUILD_LABEL = 'io.tsc-run.build.pid';

/** Remove step containers whose build process is gone (a build killed mid-step). */
export async function sweepStepContainers(roots: Roots): Promise<void> {
  const store = new ContainerStore(roots.dataRoot);
  const { pidIsRunning } = await import('../../storage/proc-stamp.js');
  const dead = (await store.list()).filter((c) => {
    const pid = Number(c.config.labels?.[BUILD_LABEL]);
    return pid && pid !== process.pid && !pidIsRunning(pid);
  });
  if (dead.length === 0) return;
  const [{ removeFinished }, { helperTreeOps }] = await Promise.all([import('../../runtime/container/run-foreground.js'), import('../../host/helper/tree-ops.js')]);
  for (const c of dead) await removeFinished(roots, c.id, helperTreeOps()).catch(() => undefined);
}
