// What the lifecycle commands share: the container store, the runtime root,
// a place for podman-style warnings, and the helper's rmtree (loaded only
// when something is actually removed).

import type { Roots } from '../../config/paths.js';
import { ContainerStore } from '../../storage/containers.js';
import type { RemoveContext } from './container-remove.js';

export interface LifecycleContext extends RemoveContext {
  dataRoot: string;
}

export function lifecycleContext(roots: Roots, warn: (msg: string) => void): LifecycleContext {
  return {
    store: new ContainerStore(roots.dataRoot),
    dataRoot: roots.dataRoot,
    runRoot: roots.runRoot,
    warn,
    rmtree: async (...paths) => {
      const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
      await helperTreeOps().rmtree(...paths);
    },
  };
}
