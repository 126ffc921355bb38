// --runtime-flag: podman hands each flag (as `--FLAG`) to its OCI runtime
// whenever it invokes it (to start, exec into or signal a container); other
// commands never use them. Our runtime, the helper, takes no flags, so the
// commands that would invoke it fail as podman's do when its runtime does
// not know a flag, and the others run as podman's do.

import { engineConfig, RUNTIME_NAME } from '../../host/engine-config.js';
import { CommandInvokeError, TscRunError } from '../../errors.js';

/** The runtime's complaint about the first flag; undefined without --runtime-flag. */
export function runtimeFlagComplaint(flags: readonly string[] | undefined = engineConfig().runtimeFlags): string | undefined {
  const f = flags?.[0];
  return f === undefined ? undefined : `${RUNTIME_NAME}: unrecognized option '--${f}'`;
}

/** Before a container's process starts (run 126; start turns it into its 125). */
export function refuseRuntimeFlagsAtStart(): void {
  const c = runtimeFlagComplaint();
  if (c) throw new CommandInvokeError(`OCI runtime error: ${c}`, false);
}

/** Before exec (podman: 255). */
export function refuseRuntimeFlagsAtExec(): void {
  const c = runtimeFlagComplaint();
  if (c) throw new TscRunError(`OCI runtime error: ${c}`, 255);
}

/** Before a signal (kill, stop: podman 125). */
export function refuseRuntimeFlagsAtSignal(id: string): void {
  const c = runtimeFlagComplaint();
  if (c) throw new TscRunError(`sending signal to container ${id}: ${c}`);
}
