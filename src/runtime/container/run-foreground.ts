// `run` (and `start -a`) in the foreground: the monitor's stdio is ours, we
// wait for the container's exit, fold it into the record and, with --rm,
// remove the container ourselves, also when interrupted (Ctrl-C, SIGTERM,
// SIGHUP): those reach the container through the monitor while it runs and
// never kill us before the cleanup is done. A detach (ctrl-p ctrl-q) leaves
// the container to its monitor.

import fs from 'node:fs/promises';
import path from 'node:path';
import { constants } from 'node:os';
import type { Roots } from '../../config/paths.js';
import { emitContainer } from '../../events/emit.js';
import { ContainerStore, type ContainerRecord } from '../../storage/containers.js';
import type { TreeOps } from '../../storage/layers/layer-store.js';
import { createContainer, type CreateContainerInput } from './container-create.js';
import { AlreadyRunning, finishForeground, startContainer } from './container-start.js';
import { runPoststopHooks } from '../hooks/poststop.js';
import type { MonitorSession } from '../monitor/monitor-session.js';
import { containerRuntimePaths } from '../monitor/runtime-dir.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { removeAnonymousVolumes } from '../../volume/container-volumes.js';

export type RunForegroundInput = Omit<CreateContainerInput, 'treeOps' | 'dataRoot'> & {
  roots: Roots;
  sigProxy: boolean;
  /** run -a: the streams attached (absent: all three). */
  attach?: { stdin: boolean; stdout: boolean; stderr: boolean } | undefined;
  /** --preserve-fds N. */
  preserveFds?: number | undefined;
  /** Called with the new container, before it starts (--cidfile). */
  onCreate?: (c: ContainerRecord) => Promise<void>;
};

const GUARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Remove a finished container (its runtime dir too), quickly when nothing in it belongs to a sub-id. */
export async function removeFinished(roots: Roots, id: string, treeOps: TreeOps): Promise<void> {
  const { removeContainer } = await import('./container-remove.js');
  await removeContainer({ store: new ContainerStore(roots.dataRoot), runRoot: roots.runRoot, warn: () => {}, rmtree: treeOps.rmtree }, id, { force: true, volumes: true });
}

/**
 * --rm right after our own container exited: nothing to fold into a record
 * that goes anyway. The record goes first (one unlink: a kill -9 after it
 * leaves only an invisible directory), then the trees. A kill -9 before it
 * is covered by the monitor, which runs the exit command (cleanup, --rm)
 * when we go without saying `done`.
 */
async function removeExited(roots: Roots, id: string, treeOps: TreeOps, exitCode: number): Promise<void> {
  const store = new ContainerStore(roots.dataRoot);
  const rec = await store.get(id);
  if (rec) for (const ev of ['died', 'cleanup']) emitContainer(roots.dataRoot, rec, ev, { exitCode: ev === 'died' ? exitCode : undefined });
  await runPoststopHooks(containerRuntimePaths(roots.runRoot, id).dir);
  if (rec?.pod && !rec.config.pause) await (await import('../../pod/pod-member.js')).releasePodHosts(roots, rec);
  if (rec?.config.network.startsWith('container:')) await (await import('../../network/shared-etc-files.js')).releaseJoinerHosts(roots, rec);
  await store.remove(id, treeOps.rmtree);
  if (rec) emitContainer(roots.dataRoot, rec, 'remove');
  await fs.rm(containerRuntimePaths(roots.runRoot, id).dir, { recursive: true, force: true });
  // Its bridge network stamps (networks/pids/ID, .monitor): no lock needed, nothing writes them for a removed id.
  if (rec?.config.network === 'bridge') {
    for (const f of [id, `${id}.monitor`]) await fs.rm(path.join(roots.runRoot, 'networks', 'pids', f), { force: true });
  }
}

/** Run a started foreground session to its end; the exit code (0 after a detach). With autoRemove the container is removed. */
export async function awaitForeground(
  roots: Roots,
  id: string,
  session: MonitorSession,
  autoRemove?: { treeOps: TreeOps },
): Promise<{ code: number; detached: boolean }> {
  const end = await session.end;
  // --rm: its anonymous volumes go too; their names are in the record about to go.
  const before = autoRemove && 'exit' in end ? await new ContainerStore(roots.dataRoot).get(id) : undefined;
  const mounts = before?.config.mounts;
  if (autoRemove && 'exit' in end) {
    await removeExited(roots, id, autoRemove.treeOps, end.exit.exitCode);
    await removeAnonymousVolumes(roots.dataRoot, mounts, () => new ContainerStore(roots.dataRoot).list(), autoRemove.treeOps.rmtree);
    // A pod member with --exit-policy stop (src/pod/): gone now, it still was the last one out.
    if (before?.pod) await (await import('../../pod/pod-lifecycle.js')).applyExitPolicy(roots, before.pod, () => undefined);
    return { code: end.exit.exitCode, detached: false };
  }
  const code = await finishForeground(roots, id, end);
  if (code !== undefined && autoRemove) await removeFinished(roots, id, autoRemove.treeOps);
  return code === undefined ? { code: 0, detached: true } : { code, detached: false };
}

/** The container's exit code. */
export async function runForeground(input: RunForegroundInput): Promise<number> {
  const treeOps = helperTreeOps();
  let interrupted: NodeJS.Signals | undefined;
  const note = (sig: NodeJS.Signals) => {
    interrupted ??= sig;
  };
  for (const s of GUARDED) process.on(s, note);
  let container: ContainerRecord | undefined;
  let session: MonitorSession | undefined;
  let detached = false;
  let removed = false;
  let outcome: { code: number } | { error: unknown };
  try {
    container = await createContainer({ ...input, dataRoot: input.roots.dataRoot, treeOps });
    await input.onCreate?.(container);
    if (interrupted) {
      // Interrupted while creating: do not start it at all.
      outcome = { code: 128 + constants.signals[interrupted] };
    } else {
      const started = await startContainer({
        roots: input.roots,
        container,
        treeOps,
        detach: false,
        attachStdin: container.config.stdin === true && input.attach?.stdin !== false,
        sigProxy: input.sigProxy,
        ...(input.attach ? { streams: { stdout: input.attach.stdout, stderr: input.attach.stderr } } : {}),
        preserveFds: input.preserveFds,
      });
      if (started instanceof AlreadyRunning) throw new Error('a new container cannot be running already');
      session = started;
      const r = await awaitForeground(input.roots, container.id, session, input.autoRemove ? { treeOps } : undefined);
      detached = r.detached;
      removed = input.autoRemove && !r.detached;
      outcome = { code: r.code };
    }
  } catch (err) {
    outcome = { error: err };
  }
  try {
    if (container && input.autoRemove && !detached && !removed) await removeFinished(input.roots, container.id, treeOps);
  } catch (err) {
    // The first failure is the one to report; a failed cleanup only when all else went well.
    if ('code' in outcome) outcome = { error: err };
  } finally {
    session?.done();
    for (const s of GUARDED) process.off(s, note);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.code;
}
