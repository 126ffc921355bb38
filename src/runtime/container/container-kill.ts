// `kill`: one signal to a running container. With a monitor that has a
// control FIFO the signal goes through it (`kill SIGNUM`): the monitor knows
// the current process even after a restart made the recorded pid stale.
// Otherwise straight to the recorded process, start time checked first.

import { TscRunError } from '../../errors.js';
import { emitContainer, storeRoot } from '../../events/emit.js';
import type { ContainerRecord, ContainerStore } from '../../storage/containers.js';
import { monitorAlive, syncContainer } from './container-observe.js';
import { signalContainer } from './container-signal.js';
import { sendControl } from '../monitor/monitor-control.js';
import { refuseRuntimeFlagsAtSignal } from './runtime-flags.js';

/** podman's refusal to signal a container that is not running. */
export class NotRunningError extends TscRunError {
  constructor(rec: ContainerRecord) {
    super(`can only kill running containers. ${rec.id} is in state ${rec.state.status}: container state improper`);
  }
}

/** Deliver signo to the container's current process; false if it is already gone. */
export function deliverSignal(runRoot: string, rec: ContainerRecord, signo: number): boolean {
  if (rec.state.monitor && monitorAlive(rec) && sendControl(runRoot, rec.id, `kill ${signo}`)) return true;
  return signalContainer(rec, signo);
}

export async function killContainer(store: ContainerStore, runRoot: string, id: string, signo: number): Promise<void> {
  const rec = await syncContainer(store, runRoot, id);
  const alive = (s: string) => s === 'running' || s === 'paused';
  if (!alive(rec.state.status)) throw new NotRunningError(rec);
  refuseRuntimeFlagsAtSignal(rec.id);
  if (!deliverSignal(runRoot, rec, signo)) {
    // It died between our look and the signal: what it is now is the answer.
    const now = await syncContainer(store, runRoot, id);
    if (!alive(now.state.status)) throw new NotRunningError(now);
  }
  emitContainer(storeRoot(store), rec, 'kill');
}
