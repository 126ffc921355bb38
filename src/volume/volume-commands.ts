// The `volume` commands' work, podman 4.3's behaviour: create, ls, inspect,
// rm, prune, exists. Each returns what to print; the CLI module parses flags.

import { emitVolume } from '../events/emit.js';
import type { Roots } from '../config/paths.js';
import { errnoText, MultipleErrors, TscRunError, UsageError } from '../errors.js';
import { formatInspect, formatList } from '../format/output.js';
import { isJsonFormat } from '../format/is-json.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import type { TreeOps } from '../storage/layers/layer-store.js';
import { withLock } from '../storage/lock.js';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createVolume, newVolumeRecord, volumeUsers } from './container-volumes.js';
import { NoSuchVolumeError, VolumeExistsError, VolumeInUseError } from './errors.js';
import { anonymousVolumeName, checkVolumeName } from './names.js';
import type { VolumeRecord } from '../storage/volume-types.js';
import { parseVolumeFilters, volumeMatches } from './volume-filters.js';
import { volumeCreateSettings } from './volume-options.js';
import { VolumeStore } from './volume-store.js';
import { jsoniterIndent, volumeRow } from './volume-view.js';

export interface VolumeContext {
  roots: Roots;
  treeOps: () => TreeOps;
  /** Remove a container that uses a volume being force-removed (rm -f). */
  removeContainer: (id: string, timeout: number | undefined) => Promise<void>;
}

export interface CreateOptions {
  name?: string | undefined;
  driver?: string | undefined;
  labels: readonly string[];
  opts: readonly string[];
  ignore: boolean;
}

export async function volumeCreate(ctx: VolumeContext, o: CreateOptions): Promise<string> {
  const store = new VolumeStore(ctx.roots.dataRoot);
  const name = o.name ?? anonymousVolumeName();
  if (o.name !== undefined) checkVolumeName(name);
  const settings = volumeCreateSettings(name, o.driver, o.labels, o.opts);
  // podman: a bind volume's device must exist when the volume is created.
  const device = settings.options.device;
  if (device !== undefined && settings.options.type?.toLowerCase() === 'bind') {
    await fs.stat(device).catch((e: unknown) => {
      throw new TscRunError(`invalid volume option device for driver 'local': stat ${device}: ${errnoText(e)}`);
    });
  }
  try {
    await createVolume(store, newVolumeRecord(name, settings), ctx.treeOps());
    emitVolume(ctx.roots.dataRoot, 'create', name);
  } catch (err) {
    if (!(o.ignore && err instanceof VolumeExistsError)) throw err;
  }
  return `${name}\n`;
}

async function containersOf(dataRoot: string): Promise<ContainerRecord[]> {
  return new ContainerStore(dataRoot).list();
}

export interface ListOptions {
  filters: readonly string[];
  format?: string | undefined;
  quiet: boolean;
  noHeading: boolean;
}

export async function volumeList(ctx: VolumeContext, o: ListOptions): Promise<string> {
  const filters = parseVolumeFilters(o.filters);
  const store = new VolumeStore(ctx.roots.dataRoot);
  const containers = filters.has('dangling') ? await containersOf(ctx.roots.dataRoot) : [];
  const now = new Date();
  const vols = (await store.list()).filter((v) => volumeMatches(v, filters, volumeUsers(containers, v.name).length > 0, now));
  if (isJsonFormat(o.format)) return jsoniterIndent(vols.map((v) => volumeRow(v, store.dataDir(v.name)))) + '\n';
  // podman prints nothing at all (no header) when no volume is listed.
  if (!vols.length) return '';
  if (o.quiet) return vols.map((v) => `${v.name}\n`).join('');
  return formatList(
    vols.map((v) => volumeRow(v, store.dataDir(v.name))),
    { format: o.format, noHeading: o.noHeading, columns: [{ field: 'Driver' }, { field: 'Name', header: 'VOLUME NAME' }] },
  );
}

export async function volumeInspect(ctx: VolumeContext, names: readonly string[], o: { all: boolean; format?: string | undefined }): Promise<{ text: string; error?: TscRunError }> {
  if (o.all === (names.length > 0)) throw new UsageError('provide one or more volume names or use --all');
  const store = new VolumeStore(ctx.roots.dataRoot);
  const found: VolumeRecord[] = o.all ? await store.list() : [];
  const errors: TscRunError[] = [];
  for (const n of names) {
    const v = await store.get(n);
    if (v) found.push(v);
    else errors.push(new TscRunError(`inspecting object: no such volume ${n}`));
  }
  const views = found.map((v) => volumeRow(v, store.dataDir(v.name)));
  // podman prints what it found, then the error for what it did not.
  const text = formatInspect(views, o.format === undefined || isJsonFormat(o.format) ? undefined : o.format);
  const error = errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : new MultipleErrors(errors);
  return error ? { text, error } : { text };
}

/**
 * Remove one volume: refused while a container uses it (exit 2), unless
 * forced, which removes those containers first (stopping running ones).
 * Lock order as everywhere: containers, then volumes.
 */
async function removeVolume(ctx: VolumeContext, name: string, force: boolean, timeout: number | undefined): Promise<void> {
  const dataRoot = ctx.roots.dataRoot;
  if (force) {
    for (const id of volumeUsers(await containersOf(dataRoot), name)) await ctx.removeContainer(id, timeout);
  }
  const store = new VolumeStore(dataRoot);
  await withLock(path.join(dataRoot, 'locks', 'containers.lock'), async () => {
    const users = volumeUsers(await containersOf(dataRoot), name);
    if (users.length) throw new VolumeInUseError(name, users);
    if (!(await store.get(name))) throw new NoSuchVolumeError(name, 1);
    await store.remove(name, ctx.treeOps().rmtree);
  });
  emitVolume(dataRoot, 'remove', name);
}

export interface RemoveOptions {
  all: boolean;
  force: boolean;
  timeout?: number | undefined;
}

/** `volume rm`: prints each removed name; every failure becomes its own error line, the last one's code wins. */
export async function volumeRemove(ctx: VolumeContext, names: readonly string[], o: RemoveOptions, print: (line: string) => void): Promise<void> {
  if (o.all === (names.length > 0)) throw new UsageError('choose either one or more volumes or all');
  const store = new VolumeStore(ctx.roots.dataRoot);
  const errors: TscRunError[] = [];
  const targets: string[] = [];
  if (o.all) targets.push(...(await store.list()).map((v) => v.name));
  for (const n of names) {
    if (await store.get(n)) targets.push(n);
    else if (!o.force) errors.push(new NoSuchVolumeError(n, 1));
  }
  for (const n of targets) {
    try {
      await removeVolume(ctx, n, o.force, o.timeout);
      print(n);
    } catch (err) {
      if (!(err instanceof TscRunError)) throw err;
      if (o.force && err instanceof NoSuchVolumeError) continue;
      errors.push(err);
    }
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new MultipleErrors(errors);
}

/** The volumes `volume prune` would remove: unused ones matching the filters. */
export async function pruneCandidates(ctx: VolumeContext, filters: readonly string[]): Promise<string[]> {
  const f = parseVolumeFilters(filters);
  const containers = await containersOf(ctx.roots.dataRoot);
  const now = new Date();
  return (await new VolumeStore(ctx.roots.dataRoot).list())
    .filter((v) => volumeUsers(containers, v.name).length === 0 && volumeMatches(v, f, false, now))
    .map((v) => v.name);
}

/** Remove the given unused volumes (a container may have taken one meanwhile: skipped). */
export async function volumePrune(ctx: VolumeContext, names: readonly string[], print: (line: string) => void): Promise<void> {
  const errors: TscRunError[] = [];
  for (const n of names) {
    try {
      await removeVolume(ctx, n, false, undefined);
      print(n);
    } catch (err) {
      if (err instanceof VolumeInUseError || err instanceof NoSuchVolumeError) continue;
      if (!(err instanceof TscRunError)) throw err;
      errors.push(err);
    }
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new MultipleErrors(errors);
}

export async function volumeExists(ctx: VolumeContext, name: string): Promise<boolean> {
  return (await new VolumeStore(ctx.roots.dataRoot).get(name)) !== undefined;
}

/** `inspect --type volume|all`: the views of the named volumes that exist (others are left to the caller). */
export async function volumeInspectObjects(dataRoot: string, names: readonly string[]): Promise<{ found: object[]; missing: string[] }> {
  const store = new VolumeStore(dataRoot);
  const found: object[] = [];
  const missing: string[] = [];
  for (const n of names) {
    const v = await store.get(n);
    if (v) found.push(volumeRow(v, store.dataDir(v.name)));
    else missing.push(n);
  }
  return { found, missing };
}
