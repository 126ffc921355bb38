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
  let outcome: { code: number } | { error: unknown };
  try {
    container = await createContainer({ ...input, treeOps });
    // Interrupted while creating: do not start it at all.
    outcome = interrupted
      ? { code: 128 + constants.signals[interrupted] }
      : { code: await startContainerForeground(input.dataRoot, container, treeOps) };
  } catch (err) {
    outcome = { error: err };
  }
  try {
    if (container && input.autoRemove) await new ContainerStore(input.dataRoot).remove(container.id, treeOps.rmtree);
  } catch (err) {
    // The first failure is the one to report; a failed cleanup only when all else went well.
    if ('code' in outcome) outcome = { error: err };
  } finally {
    for (const s of GUARDED) process.off(s, note);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.code;
}
