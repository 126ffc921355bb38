// Remove a container. Crash-safe at every step: the record is first marked
// `removing` (a killed rm leaves that, `ps -a` shows it, and the next rm
// finishes the job), then the volatile runtime dir goes, then the record and
// finally the directory tree (upper/ holds sub-id-owned files: the helper's
// rmtree). A directory left without its record is invisible to every
// command and is a leftover for `system check`.

import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { TscRunError } from '../../errors.js';
import { emitContainer, storeRoot } from '../../events/emit.js';
import type { ContainerRecord } from '../../storage/containers.js';
import { liveRecord, syncContainer } from './container-observe.js';
import { stopContainer, type StopContext } from './container-stop.js';
import { containerRuntimePaths } from '../monitor/runtime-dir.js';
import { removeAnonymousVolumes } from '../../volume/container-volumes.js';
import { POSTSTOP_FILE } from '../hooks/container-hooks.js';
import { stopPortForwarder } from './exit-cleanup.js';

/** Podman's refusal (exit code 2) to remove a running container without --force. */
export class ContainerRunningError extends TscRunError {
  constructor(id: string) {
    super(
      `cannot remove container ${id} as it is running - running or paused containers cannot be removed without force: container state improper`,
      2,
    );
  }
}

export interface RemoveContext extends StopContext {
  /** Deletes trees whose files belong to sub-ids (the helper's rmtree). */
  rmtree: (...paths: string[]) => Promise<void>;
}

export interface RemoveOptions {
  /** Stop a running container first (-f). */
  force: boolean;
  /** -t for that stop. */
  timeout?: number | undefined;
  /** rm -v, --rm: its anonymous volumes go too (those no other container uses). */
  volumes?: boolean | undefined;
  /** `pod rm`: a pod's infra may go (otherwise refused, as podman). */
  podRemoval?: boolean | undefined;
}

/** Podman's refusal to remove a pod's infra container alone. */
export class InfraContainerError extends TscRunError {
  constructor(id: string, pod: string) {
    super(`container ${id} is the infra container of pod ${pod} and cannot be removed without removing the pod`);
  }
}

/** Remove one container by full id; the record may already be gone when an --rm cleanup won the race. */
export async function removeContainer(ctx: RemoveContext, id: string, o: RemoveOptions): Promise<void> {
  let rec: ContainerRecord | undefined = await syncContainer(ctx.store, ctx.runRoot, id);
  if (rec.config.pause && rec.pod && !o.podRemoval) throw new InfraContainerError(rec.id, rec.pod);
  if (rec.config.isService && !o.podRemoval) await (await import('../../pod/pod-service.js')).checkServiceRemovable({ dataRoot: storeRoot(ctx.store), runRoot: ctx.runRoot }, rec);
  if (rec.state.status === 'running' || rec.state.status === 'paused') {
    if (!o.force) throw new ContainerRunningError(rec.id);
    rec = await stopContainer(ctx, id, o.timeout);
    if (!rec) return;
  }
  await ctx.store.update(id, (r) => {
    // Started again since we looked (restart, start): not ours to remove.
    const s = liveRecord(ctx.runRoot, r).state.status;
    if (s === 'running' || s === 'paused') throw new ContainerRunningError(r.id);
    r.state = { ...r.state, status: 'removing' };
  });
  await stopPortForwarder(ctx.runRoot, id);
  await removeRuntimeDir(ctx, id);
  await ctx.store.remove(id, ctx.rmtree);
  await removeNetworkFiles(ctx.runRoot, path.dirname(ctx.store.dir), id);
  if (o.volumes) await removeAnonymousVolumes(path.dirname(ctx.store.dir), rec.config.mounts, () => ctx.store.list(), ctx.rmtree);
  emitContainer(storeRoot(ctx.store), rec, 'remove');
}

/** Its bridge network runtime files (networks/pids/ID...), checked before that module loads. */
async function removeNetworkFiles(runRoot: string, dataRoot: string, id: string): Promise<void> {
  const dir = path.join(runRoot, 'networks');
  if (![`pids/${id}`, `pids/${id}.monitor`, `ports/${id}.json`, `ports/${id}.log`].some((f) => fsSync.existsSync(path.join(dir, f)))) return;
  const { sweepNetworkFiles } = await import('../../network/bridge/runtime-files.js');
  await sweepNetworkFiles({ runRoot, dataRoot }, new Set([id]));
}

async function removeRuntimeDir(ctx: RemoveContext, id: string): Promise<void> {
  const dir = containerRuntimePaths(ctx.runRoot, id).dir;
  // Removed before a cleanup ran its poststop hooks (rm -f): they run now.
  if (fsSync.existsSync(path.join(dir, POSTSTOP_FILE))) await (await import('../hooks/poststop.js')).runPoststopHooks(dir, ctx.warn);
  try {
    await fs.rm(dir, { recursive: true, force: true });
  } catch {
    // Something in it belongs to a sub-id: the helper can remove it.
    await ctx.rmtree(dir);
  }
}
