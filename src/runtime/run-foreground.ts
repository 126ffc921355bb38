// `run` in the foreground: create the container, run it with the terminal
// passed through, and with --rm remove it afterwards, also when interrupted
// (Ctrl-C, SIGTERM, SIGHUP): those are relayed to the container while it
// runs, and never kill us before the cleanup is done.

import { constants } from 'node:os';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import { createContainer, type CreateContainerInput } from './container-create.js';
import { startContainerForeground } from './container-start.js';
import { helperTreeOps } from './tree-ops.js';

export type RunForegroundInput = Omit<CreateContainerInput, 'treeOps'>;

const GUARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The container's exit code. */
export async function runForeground(input: RunForegroundInput): Promise<number> {
  const treeOps = helperTreeOps();
  let interrupted: NodeJS.Signals | undefined;
  const note = (sig: NodeJS.Signals) => {
    interrupted ??= sig;
  };
  for (const s of GUARDED) process.on(s, note);
  let container: ContainerRecord | undefined;
  try {
    container = await createContainer({ ...input, treeOps });
    // Interrupted while creating: do not start it at all.
    if (interrupted) return 128 + constants.signals[interrupted];
    return await startContainerForeground(input.dataRoot, container, treeOps);
  } finally {
    try {
      if (container && input.autoRemove) await new ContainerStore(input.dataRoot).remove(container.id, treeOps.rmtree);
    } finally {
      for (const s of GUARDED) process.off(s, note);
    }
  }
}
