// Stop a container as podman does: its stop signal (config, else SIGTERM),
// up to the timeout for it to exit, then SIGKILL. "Exited" is what the
// witnesses say (exit.json, or the monitor gone; container-state.ts), and the
// final state is stored before we return.

import { constants } from 'node:os';
import { TscRunError } from '../../errors.js';
import { emitContainer, storeRoot } from '../../events/emit.js';
import { NoSuchContainerError, type ContainerRecord, type ContainerStore } from '../../storage/containers.js';
import { liveRecord, syncContainer } from './container-observe.js';
import { deliverSignal } from './container-kill.js';
import { signalName, stopSignalOf } from './container-signal.js';
import { announceStopper, cleanupLeftToUs, sendControl } from '../monitor/monitor-control.js';
import { cleanupAfterExit } from './exit-cleanup.js';
import { containerRuntimePaths } from '../monitor/runtime-dir.js';
import { pollUntil } from './poll.js';
import { markStopping } from './stopping-mark.js';
import { refuseRuntimeFlagsAtSignal } from './runtime-flags.js';

/** Podman's default for -t/--time. */
export const DEFAULT_STOP_TIMEOUT = 10;
/** How long a SIGKILLed container may take to be seen gone. */
const KILL_GRACE_MS = 10_000;

export interface StopContext {
  store: ContainerStore;
  runRoot: string;
  /** Podman-style warnings (stderr); the CLI decides how they look. */
  warn: (msg: string) => void;
}

/** Seconds to wait: -t if given, else the container's own stop timeout, else 10. */
export function stopTimeoutOf(rec: ContainerRecord, flag: number | undefined): number {
  if (flag !== undefined) return flag;
  const own = rec.config.stopTimeout;
  return typeof own === 'number' && own >= 0 ? own : DEFAULT_STOP_TIMEOUT;
}

/** Whether the container's process is still there, per the latest record and the witnesses. */
async function stillRunning(ctx: StopContext, id: string): Promise<boolean> {
  const rec = await ctx.store.get(id);
  if (!rec) return false; // removed meanwhile (--rm cleanup)
  const s = liveRecord(ctx.runRoot, rec).state.status;
  return s === 'running' || s === 'paused';
}

async function waitStopped(ctx: StopContext, id: string, timeoutMs: number): Promise<boolean> {
  // The monitor renames exit.json into place when the container is gone: woken by it, not by the next tick.
  const wakeOn = { dir: containerRuntimePaths(ctx.runRoot, id).dir, name: 'exit.json' };
  const done = await pollUntil(async () => !(await stillRunning(ctx, id)), { timeoutMs, intervalMs: 25, wakeOn });
  return done === true;
}

/**
 * Stop one container; returns its stored record afterwards (undefined if an
 * --rm cleanup removed it meanwhile). A container that is not running is
 * left as it is, like podman (no error).
 */
export async function stopContainer(ctx: StopContext, id: string, timeoutFlag?: number): Promise<ContainerRecord | undefined> {
  let rec = await syncContainer(ctx.store, ctx.runRoot, id);
  if (rec.state.status === 'paused') {
    // Its processes must run to act on the stop signal.
    const { unpauseContainer } = await import('../pause/container-pause.js');
    await unpauseContainer(ctx.store, ctx.runRoot, id, { event: false });
    rec = await syncContainer(ctx.store, ctx.runRoot, id);
  }
  if (rec.state.status !== 'running') return rec;
  refuseRuntimeFlagsAtSignal(rec.id);
  const timeout = stopTimeoutOf(rec, timeoutFlag);
  const sig = stopSignalOf(rec);
  let stopped = false;
  // A monitor with a restart policy must not bring it back.
  sendControl(ctx.runRoot, id, 'stop');
  // We clean up after the exit ourselves, as podman's stop does, and the
  // monitor starts no `container cleanup` (a whole Node process) after it.
  // Pod members (their pod's exit policy may stop the pod) and --rm
  // containers (removed by their cleanup) keep the exit command.
  const cleansHere = rec.state.monitor !== undefined && !rec.autoRemove && !rec.pod && announceStopper(ctx.runRoot, id);
  if (timeout > 0) {
    // Shown as "stopping" while we wait (and only while this process lives).
    const unmark = markStopping(ctx.runRoot, id);
    try {
      deliverSignal(ctx.runRoot, rec, sig);
      stopped = await waitStopped(ctx, id, timeout * 1000);
    } finally {
      unmark();
    }
  }
  if (!stopped) {
    if (timeout > 0) {
      ctx.warn(`StopSignal ${signalName(sig)} failed to stop container ${rec.name} in ${timeout} seconds, resorting to SIGKILL`);
    }
    deliverSignal(ctx.runRoot, rec, constants.signals.SIGKILL);
    if (!(await waitStopped(ctx, id, KILL_GRACE_MS))) {
      throw new TscRunError(`given PID did not die within timeout: container ${rec.id} is still running after SIGKILL`);
    }
  }
  emitContainer(storeRoot(ctx.store), rec, 'stop');
  if (!cleansHere) {
    // As podman's stop (its cleanup runs before it returns): a pod member has left the pod's /etc/hosts.
    if (rec.pod && !rec.config.pause) await (await import('../../pod/pod-member.js')).releasePodHosts({ dataRoot: storeRoot(ctx.store), runRoot: ctx.runRoot }, rec);
    if (rec.config.network.startsWith('container:')) await (await import('../../network/shared-etc-files.js')).releaseJoinerHosts({ dataRoot: storeRoot(ctx.store), runRoot: ctx.runRoot }, rec);
  }
  let after: ContainerRecord;
  try {
    after = await syncContainer(ctx.store, ctx.runRoot, id);
  } catch (err) {
    if (err instanceof NoSuchContainerError) return undefined; // an --rm cleanup removed it
    throw err;
  }
  // Only when the monitor said it waits for us (a foreground run's caller cleans up itself).
  if (cleansHere && after.state.status === 'exited' && cleanupLeftToUs(ctx.runRoot, id)) {
    await cleanupAfterExit(ctx, after);
    sendControl(ctx.runRoot, id, 'cleaned'); // not on a failure: the exit command then runs at our exit
  }
  return after;
}
