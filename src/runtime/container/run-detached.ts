// `run -d`: create the container and start it under a detached monitor,
// which outlives us (and our terminal); returns the container. --rm is the
// exit command's job (`container cleanup` removes it when it exits).

import type { Roots } from '../../config/paths.js';
import type { ContainerRecord } from '../../storage/containers.js';
import { createContainer, type CreateContainerInput } from './container-create.js';
import { startContainer } from './container-start.js';
import { removeFinished } from './run-foreground.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';

export type RunDetachedInput = Omit<CreateContainerInput, 'treeOps' | 'dataRoot'> & {
  roots: Roots;
  onCreate?: (c: ContainerRecord) => Promise<void>;
  /** --preserve-fds N. */
  preserveFds?: number | undefined;
};

export async function runDetached(input: RunDetachedInput): Promise<ContainerRecord> {
  const treeOps = helperTreeOps();
  const container = await createContainer({ ...input, dataRoot: input.roots.dataRoot, treeOps });
  try {
    await input.onCreate?.(container);
    await startContainer({ roots: input.roots, container, treeOps, detach: true, attachStdin: false, sigProxy: true, preserveFds: input.preserveFds });
  } catch (err) {
    // podman leaves a failed --rm container removed, others exited with the code.
    if (input.autoRemove) await removeFinished(input.roots, container.id, treeOps).catch(() => undefined);
    throw err;
  }
  return container;
}
