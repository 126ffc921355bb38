// A container's volumes through its life:
//   create  planContainerMounts() checks the flags and host paths and names
//           the anonymous volumes; withContainerVolumes() makes the volumes
//           that do not exist yet (named ones as podman does, anonymous
//           ones) under the containers lock, so a `volume rm` cannot slip
//           between the volume and the record that uses it;
//   start   volumeHelperArgs(): the helper's --bind/--tmpfs options, with a
//           new volume's first-use work (copy-up, chown) claimed under the
//           volumes lock, so only one container ever does it;
//   rm      removeAnonymousVolumes() (rm -v, --rm): the anonymous volumes
//           no other container uses.

import fs from 'node:fs';
import path from 'node:path';
import { getSystemErrorMessage } from 'node:util';
import { TscRunError } from '../errors.js';
import { errnoCode } from '../storage/atomic-file.js';
import type { ContainerRecord } from '../storage/containers.js';
import type { TreeOps } from '../storage/layers/layer-store.js';
import { withLock } from '../storage/lock.js';
import { NoSuchVolumeError } from './errors.js';
import { mountHelperArgs, type VolumeFirstUse, type VolumeMountSource } from './helper-args.js';
import { planMounts, volumeOptsOf } from './mount-plan.js';
import { parseMountFlags, type MountFlags } from './mount-spec.js';
import { anonymousVolumeName } from './names.js';
import { sourceFlags } from './source-flags.js';
import type { ContainerMount, VolumeRecord } from '../storage/volume-types.js';
import { volumeCreateSettings } from './volume-options.js';
import { VolumeStore } from './volume-store.js';

/** Go's text for an errno (`no such file or directory`). */
function goErrno(err: unknown): string {
  const n = (err as NodeJS.ErrnoException).errno;
  return typeof n === 'number' ? getSystemErrorMessage(n) : (err as Error).message;
}

/** A bind source: absolute, existing (podman's statfs check), with its filesystem's flags. */
export function resolveBindSource(source: string, cwd: string): { path: string; flags: ReturnType<typeof sourceFlags> } {
  let p = source;
  if (p.startsWith('./')) {
    // podman resolves `./x` with EvalSymlinks, which names what is missing.
    try {
      p = fs.realpathSync(path.resolve(cwd, p));
    } catch (err) {
      throw new TscRunError(`lstat ${path.posix.normalize(source)}: ${goErrno(err)}`);
    }
  }
  p = path.resolve(cwd, p);
  try {
    fs.statfsSync(p);
  } catch (err) {
    throw new TscRunError(`statfs ${p}: ${goErrno(err)}`);
  }
  let real = p;
  try {
    real = fs.realpathSync(p);
  } catch {
    // statfs worked: the path exists; keep it as given for the flags lookup
  }
  return { path: p, flags: sourceFlags(real) };
}

export interface PlanInput {
  dataRoot: string;
  flags: MountFlags;
  /** Relative bind sources are resolved against it. */
  cwd: string;
  /** The image config's Volumes keys. */
  imageVolumes: readonly string[];
}

/** Parse, check and complete every mount of a new container (nothing is written). */
export function planContainerMounts(i: PlanInput): ContainerMount[] {
  const store = new VolumeStore(i.dataRoot);
  return planMounts(parseMountFlags(i.flags), {
    bindSource: (s) => resolveBindSource(s, i.cwd),
    volumeSource: (name) => store.dataDir(name),
    newName: anonymousVolumeName,
    imageVolumes: i.imageVolumes,
  });
}

function nowRfc3339Nano(): string {
  const ms = Date.now();
  const subMs = Number(process.hrtime.bigint() % 1_000_000n);
  const nanos = (ms % 1000) * 1_000_000 + subMs;
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(nanos).padStart(9, '0')}Z`;
}

/** A new volume's record (podman: first use copies up and chowns, unless an owner was given). */
export function newVolumeRecord(name: string, s: ReturnType<typeof volumeCreateSettings>, anonymous = false): VolumeRecord {
  const r: VolumeRecord = {
    name,
    driver: s.driver,
    createdAt: nowRfc3339Nano(),
    labels: s.labels,
    options: s.options,
    needsCopyUp: true,
    needsChown: s.uid === undefined && s.gid === undefined,
  };
  if (s.uid !== undefined) r.uid = s.uid;
  if (s.gid !== undefined) r.gid = s.gid;
  if (anonymous) r.anonymous = true;
  return r;
}

/** Create a volume: the record, then (o=uid=/gid=) its data's owner, set inside the user namespace. */
export async function createVolume(store: VolumeStore, record: VolumeRecord, treeOps: TreeOps): Promise<VolumeRecord> {
  const created = await store.create(record, (dir) => treeOps.rmtree(dir));
  if (record.uid !== undefined || record.gid !== undefined) {
    try {
      await treeOps.fixup(store.dataDir(record.name), `chown . ${record.uid ?? 0} ${record.gid ?? 0}\n`);
    } catch (err) {
      await store.remove(record.name, treeOps.rmtree).catch(() => undefined);
      throw err;
    }
  }
  return created;
}

/**
 * Run `create` (which stores the container) with the container's volumes
 * in place: missing named volumes and the anonymous ones are made first,
 * all under the containers lock (taken before the volumes lock, as
 * `volume rm` does). If `create` fails, the volumes made here go again.
 */
export async function withContainerVolumes<T>(dataRoot: string, mounts: readonly ContainerMount[], treeOps: TreeOps, create: () => Promise<T>): Promise<T> {
  const volumes = mounts.filter((m): m is Extract<ContainerMount, { type: 'volume' }> => m.type === 'volume');
  if (!volumes.length) return create();
  const store = new VolumeStore(dataRoot);
  // The containers lock of ContainerStore (re-entrant: its create() takes it again).
  return withLock(path.join(dataRoot, 'locks', 'containers.lock'), async () => {
    const made: string[] = [];
    try {
      await store.locked(async () => {
        for (const m of volumes) {
          if (!m.anonymous && (await store.get(m.name))) continue;
          const settings = volumeCreateSettings(m.name, 'local', [], volumeOptsOf(m.options));
          await createVolume(store, newVolumeRecord(m.name, settings, m.anonymous === true), treeOps);
          made.push(m.name);
        }
      });
      return await create();
    } catch (err) {
      for (const name of made) await store.remove(name, treeOps.rmtree).catch(() => undefined);
      throw err;
    }
  });
}

/** Whether a volume's _data has an entry (unreadable, as sub-id owned, counts as empty: the helper checks again inside). */
async function holdsFiles(dir: string): Promise<boolean> {
  try {
    const d = await fs.promises.opendir(dir);
    try {
      return (await d.read()) !== null;
    } finally {
      await d.close();
    }
  } catch {
    return false;
  }
}

/** What volumeHelperArgs needs of a container record. */
export interface MountedRecord {
  config: Pick<ContainerRecord['config'], 'uid' | 'gid'> & { mounts?: ContainerMount[] | undefined };
  /** Absent or `created`: its first start. */
  state?: { status: string } | undefined;
}

/** What volumeHelperArgs needs of a container record. */
export interface MountedRecord {
  config: Pick<ContainerRecord['config'], 'uid' | 'gid'> & { mounts?: ContainerMount[] | undefined };
  /** Absent or `created`: its first start. */
  state?: { status: string } | undefined;
}

/** A volume whose copy-up a start claimed, and the directory it copies into. */
export interface ClaimedCopyUp {
  name: string;
  source: string;
}

/**
 * The helper's mount options for a start; a new volume's first-use work is
 * claimed (and recorded done) here. `rootHasEntries(dest)`: whether the
 * container's root has a directory with entries there (absent: assumed).
 */
export async function volumeHelperArgs(dataRoot: string, c: MountedRecord, rootHasEntries?: (dest: string) => Promise<boolean>): Promise<string[]> {
  const mounts = c.config.mounts ?? [];
  if (!mounts.length) return [];
  const firstUse = new Map<string, VolumeFirstUse>();
  const typed = new Map<string, VolumeMountSource>();
  const names = [...new Set(mounts.flatMap((m) => (m.type === 'volume' ? [m.name] : [])))];
  if (names.length) {
    const store = new VolumeStore(dataRoot);
    await store.locked(async () => {
      for (const name of names) {
        const v = await store.get(name);
        if (!v) throw new NoSuchVolumeError(name);
        if (v.options.type) typed.set(name, { type: v.options.type, device: v.options.device, o: (v.options.o ?? '').split(',').filter(Boolean) });
        if (!v.needsCopyUp && !v.needsChown) continue;
        // As podman: a mount with nocopy, or a volume that already holds files, copies
        // nothing and leaves NeedsCopyUp set for a later container.
        const own = mounts.filter((m): m is Extract<ContainerMount, { type: 'volume' }> => m.type === 'volume' && m.name === name);
        // Nothing to copy (the image has no such directory, or an empty one) leaves it set too.
        const copyFrom = own.find((m) => !m.options.includes('nocopy'));
        const copyUp =
          v.needsCopyUp && copyFrom !== undefined && !(await holdsFiles(copyFrom.source)) && (rootHasEntries === undefined || (await rootHasEntries(copyFrom.destination)));
        firstUse.set(name, { copyUp, chown: v.needsChown });
        await store.update(name, (r) => {
          if (copyUp) r.needsCopyUp = false;
          r.needsChown = false;
        });
      }
    });
  }
  const firstStart = c.state === undefined || c.state.status === 'created';
  return mountHelperArgs({ mounts, firstUse, typed, user: { uid: c.config.uid, gid: c.config.gid }, firstStart });
}

/** Ids of the containers whose mounts use volume `name`. */
export function volumeUsers(containers: readonly ContainerRecord[], name: string): string[] {
  return containers.filter((c) => (c.config.mounts ?? []).some((m) => m.type === 'volume' && m.name === name)).map((c) => c.id);
}

/**
 * rm -v / --rm: remove the anonymous volumes of a removed container that no
 * other container uses (named volumes are never removed with a container).
 * Anonymous is the volume's own mark, as podman's: an anonymous volume a
 * container mounted by its name (compose's recreate hands the old
 * container's on) goes too.
 */
export async function removeAnonymousVolumes(
  dataRoot: string,
  mounts: readonly ContainerMount[] | undefined,
  others: () => Promise<readonly ContainerRecord[]>,
  rmtree: (...paths: string[]) => Promise<void>,
): Promise<void> {
  const candidates = (mounts ?? []).flatMap((m) => (m.type === 'volume' ? [{ name: m.name, anonymous: m.anonymous === true }] : []));
  if (!candidates.length) return;
  const store = new VolumeStore(dataRoot);
  const containers = await others();
  await store.locked(async () => {
    for (const { name, anonymous } of candidates) {
      if (!anonymous && !(await store.get(name))?.anonymous) continue;
      if (volumeUsers(containers, name).length) continue;
      try {
        await store.remove(name, rmtree);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
      }
    }
  });
}
