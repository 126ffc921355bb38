// Which root the helper's `fs` mode works on for a container, so cp and
// export see exactly what the container sees:
//   running (any driver but vfs)  join its namespaces and clone its root mount
//                                 (cp: with the mounts on it): a second overlay on
//                                 the same upper dir is not allowed while the
//                                 container's own is mounted
//   stopped overlay               its layers and upper dir mounted privately, under
//                                 the container's lock so no start races the mount
//   vfs                           its rootfs/ directory as it is (no mount needed)

import { TscRunError } from '../errors.js';
import type { Roots } from '../config/paths.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import { LayerStore } from '../storage/layers/layer-store.js';
import { ensureShortLink, shortLinkPath } from '../storage/layers/short-links.js';
import { helperTreeOps } from '../host/helper/tree-ops.js';
import { storageUserNamespace } from '../runtime/userns/container-userns.js';
import { hostUserNamespace } from '../host/preflight.js';
import type { FsRoot } from './fs-session.js';

/** The container's current process (after restarts: process.json), if it is live. */
async function liveProcess(roots: Roots, rec: ContainerRecord): Promise<{ pid: number; startTime: number } | undefined> {
  const { liveRecord, readProcessRecord } = await import('../runtime/container/container-observe.js');
  const live = liveRecord(roots.runRoot, rec);
  const status: string = live.state.status;
  if (status !== 'running' && status !== 'paused') return undefined;
  const p = readProcessRecord(roots.runRoot, rec.id);
  if (p) return { pid: p.pid, startTime: p.pidStartTime };
  if (live.state.pid !== undefined && live.state.pidStartTime !== undefined) return { pid: live.state.pid, startTime: live.state.pidStartTime };
  throw new TscRunError(`container ${rec.name} is running but its process is not recorded`);
}

/** `--lower` joins layers with ':'; the helper reads `\:` and `\\` as literal characters. */
function escapeLower(p: string): string {
  return p.replace(/[\\:]/g, (c) => `\\${c}`);
}

/** Overlay options for the container's stopped root: its layers' short links (top-most first), upper and work. */
async function overlayArgs(dataRoot: string, rec: ContainerRecord): Promise<string[]> {
  const store = new ContainerStore(dataRoot);
  const layers = await new LayerStore(dataRoot, helperTreeOps()).stack(rec.layers);
  // --rootfs DIR:O: the directory is the one lower layer.
  const lower: string[] = rec.config.rootfs ? [rec.config.rootfs] : [];
  for (const l of [...layers].reverse()) {
    await ensureShortLink(dataRoot, l.id);
    lower.push(shortLinkPath(dataRoot, l.id));
  }
  const args = ['--lower', lower.map(escapeLower).join(':'), '--upper', store.upperDir(rec.id), '--work', store.workDir(rec.id)];
  if (rec.storage?.mountProgram !== undefined) args.push('--mount-program', rec.storage.mountProgram);
  return args;
}

export interface ContainerRootInfo {
  root: FsRoot;
  /** Whether the container was running (its own mount was joined). */
  running: boolean;
}

/** Whether the container runs now (its root would be joined). */
export async function containerIsLive(roots: Roots, rec: ContainerRecord): Promise<boolean> {
  return (await liveProcess(roots, rec)) !== undefined;
}

export interface ContainerRootOptions {
  /**
   * A running container's root with every mount on it (tmpfs, volumes,
   * binds, the /etc files), as cp sees it through podman's mount namespace;
   * otherwise its root filesystem alone (export, diff, commit).
   */
  withMounts?: boolean;
}

/**
 * Run fn with the `fs` root of the container. A stopped container stays
 * locked meanwhile (start waits), so its private mount never coexists with
 * the container's own.
 */
export async function withContainerRoot<T>(roots: Roots, rec: ContainerRecord, fn: (r: ContainerRootInfo) => Promise<T>, opts: ContainerRootOptions = {}): Promise<T> {
  const join = (p: { pid: number; startTime: number }): FsRoot => ({
    args: ['--join', `${p.pid}:${p.startTime}`, ...(opts.withMounts === true ? ['--with-mounts'] : [])],
    userns: { kind: 'none' },
  });
  const store = new ContainerStore(roots.dataRoot);
  const userns = storageUserNamespace(rec, hostUserNamespace());
  // --rootfs DIR (without :O): the directory itself is the root.
  const plainDir = rec.config.rootfs && !rec.config.rootfsOverlay ? rec.config.rootfs : rec.storage?.driver === 'vfs' ? store.rootfsDir(rec.id) : undefined;
  if (plainDir !== undefined) {
    return fn({ root: { args: ['--dir', plainDir], userns }, running: (await liveProcess(roots, rec)) !== undefined });
  }
  const proc = await liveProcess(roots, rec);
  if (proc) return fn({ root: join(proc), running: true });
  return store.locked(rec.id, async () => {
    // Started meanwhile (before we held the lock): join it instead.
    const now = (await store.get(rec.id)) ?? rec;
    const again = await liveProcess(roots, now);
    if (again) return fn({ root: join(again), running: true });
    return fn({ root: { args: await overlayArgs(roots.dataRoot, now), userns }, running: false });
  });
}

/** The `fs` root of one plain directory (an upper dir, a layer) in a user namespace. */
export function dirRoot(dir: string, userns = hostUserNamespace()): FsRoot {
  return { args: ['--dir', dir], userns };
}
