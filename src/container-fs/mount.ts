// `mount` / `unmount`: a stopped container's root filesystem on
// <root>/containers/<id>/merged, in the caller's mount namespace. Rootless,
// as podman, only inside `tsc-run unshare` (root in the user's namespace,
// where the mount then stays until unmounted or the session ends); as root,
// on the host. Native overlay through the helper's `mount-rootfs`, a mount
// program (fuse-overlayfs) started as its own daemon, vfs needs no mount
// (its rootfs/ directory is the path). A counter per container (podman's
// mount count) lets several users share one mount.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Roots } from '../config/paths.js';
import { TscRunError } from '../errors.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import { LayerStore } from '../storage/layers/layer-store.js';
import { ensureShortLink, shortLinkPath } from '../storage/layers/short-links.js';
import { runHelper } from '../host/helper/helper.js';
import { helperTreeOps } from '../host/helper/tree-ops.js';
import { USERNS_CONFIGURED_ENV } from '../host/preflight.js';
import { currentMountNamespace, isMountPoint, readMountRecord, writeMountRecord } from './mount-state.js';

/** podman's refusal outside its user namespace. */
export function checkMountAllowed(prog: string, env: NodeJS.ProcessEnv = process.env): void {
  if (process.geteuid!() !== 0 && !env[USERNS_CONFIGURED_ENV]) {
    throw new TscRunError(`cannot run command "${prog}" in rootless mode, must execute \`tsc-run unshare\` first`);
  }
}

export function mergedDir(dataRoot: string, id: string): string {
  return path.join(new ContainerStore(dataRoot).containerDir(id), 'merged');
}

async function lowerDirs(dataRoot: string, rec: ContainerRecord): Promise<string[]> {
  const layers = await new LayerStore(dataRoot, helperTreeOps()).stack(rec.layers);
  const out: string[] = [];
  for (const l of [...layers].reverse()) {
    await ensureShortLink(dataRoot, l.id);
    out.push(shortLinkPath(dataRoot, l.id));
  }
  return out;
}

/** fuse-overlayfs daemonizes itself once it serves the mount; its own message on failure. */
async function mountWithProgram(program: string, lower: string[], upper: string, work: string, target: string): Promise<void> {
  for (const p of [...lower, upper, work]) {
    if (/[,:]/.test(p)) throw new TscRunError(`cannot mount with ${program}: the path ${p} holds ',' or ':'`);
  }
  const child = spawn(program, ['-o', `lowerdir=${lower.join(':')},upperdir=${upper},workdir=${work}`, target], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const code = await new Promise<number>((resolve) => {
    child.on('error', (e) => {
      out ||= e.message;
      resolve(127);
    });
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new TscRunError(`mounting with ${program}: ${out.trim().split('\n').pop() ?? `exit status ${code}`}`);
}

async function mountRootfs(roots: Roots, rec: ContainerRecord, target: string): Promise<void> {
  const store = new ContainerStore(roots.dataRoot);
  await fs.promises.mkdir(target, { recursive: true, mode: 0o700 });
  const lower = await lowerDirs(roots.dataRoot, rec);
  const upper = store.upperDir(rec.id);
  const work = store.workDir(rec.id);
  if (rec.storage?.mountProgram !== undefined) return mountWithProgram(rec.storage.mountProgram, lower, upper, work, target);
  const esc = (p: string) => p.replace(/[\\:]/g, (c) => `\\${c}`);
  await runHelper({ mode: 'mount-rootfs', args: [target, '--lower', lower.map(esc).join(':'), '--upper', upper, '--work', work], userns: { kind: 'none' } });
}

export interface MountResult {
  id: string;
  name: string;
  path: string;
}

/** Mount one container (or count one more user of its mount); returns where. */
export async function mountContainer(roots: Roots, rec: ContainerRecord): Promise<MountResult> {
  const store = new ContainerStore(roots.dataRoot);
  return store.locked(rec.id, async () => {
    const { liveRecord } = await import('../runtime/container/container-observe.js');
    const live = liveRecord(roots.runRoot, (await store.get(rec.id)) ?? rec);
    const status: string = live.state.status;
    if (status === 'running' || status === 'paused') {
      throw new TscRunError(`container ${rec.name} is running: its root filesystem is mounted in its own namespace only; stop it to mount it`);
    }
    const ns = currentMountNamespace();
    const vfs = rec.storage?.driver === 'vfs';
    const target = vfs ? store.rootfsDir(rec.id) : mergedDir(roots.dataRoot, rec.id);
    const prev = await readMountRecord(roots.runRoot, rec.id);
    const mounted = vfs || isMountPoint(target);
    if (!mounted) await mountRootfs(roots, rec, target);
    const count = prev && prev.mntns === ns && mounted ? prev.count + 1 : 1;
    await writeMountRecord(roots.runRoot, rec.id, { count, path: target, mntns: ns });
    return { id: rec.id, name: rec.name, path: target };
  });
}

/** One user less of a container's mount; unmounted when none is left (or with force). */
export async function unmountContainer(roots: Roots, rec: ContainerRecord, force: boolean): Promise<void> {
  const store = new ContainerStore(roots.dataRoot);
  await store.locked(rec.id, async () => {
    const prev = await readMountRecord(roots.runRoot, rec.id);
    if (!prev) return;
    const count = force ? 0 : prev.count - 1;
    if (count > 0) {
      await writeMountRecord(roots.runRoot, rec.id, { ...prev, count });
      return;
    }
    // Only a mount in our own namespace can (and must) be taken down here.
    if (prev.mntns === currentMountNamespace() && rec.storage?.driver !== 'vfs' && isMountPoint(prev.path)) {
      await runHelper({ mode: 'umount-rootfs', args: [prev.path], userns: { kind: 'none' } });
    }
    await writeMountRecord(roots.runRoot, rec.id, undefined);
  });
}

/** Containers mounted in this namespace (podman's `mount` without arguments). */
export async function mountedContainers(roots: Roots): Promise<MountResult[]> {
  const ns = currentMountNamespace();
  const out: MountResult[] = [];
  for (const rec of await new ContainerStore(roots.dataRoot).list()) {
    const r = await readMountRecord(roots.runRoot, rec.id);
    if (r && r.mntns === ns && (rec.storage?.driver === 'vfs' || isMountPoint(r.path))) out.push({ id: rec.id, name: rec.name, path: r.path });
  }
  return out;
}
