// Which containers a lifecycle command acts on: the names/ids given, every
// container (-a), or the newest one (-l). Like podman, every name is looked
// up before anything is done, so `rm a nosuch` removes nothing.

import fs from 'node:fs';
import { MultipleErrors, TscRunError, UsageError } from '../../errors.js';
import { NoSuchContainerError, type ContainerRecord, type ContainerStore } from '../../storage/containers.js';
import { lastCreated } from '../views/ps-view.js';

export interface Target {
  /** What to print for it: the name or id as typed, the full id for -a/-l. */
  label: string;
  rec: ContainerRecord;
}

/**
 * `--cidfile FILE`: the container ids written by `create/run --cidfile`. A
 * missing file is podman's error, or skipped with --ignore.
 */
export function readCidFiles(files: readonly string[], ignore: boolean | undefined): string[] {
  const out: string[] = [];
  for (const f of files) {
    try {
      const id = fs.readFileSync(f, 'utf8').trim();
      if (id) out.push(id);
    } catch (err) {
      if (ignore && (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new TscRunError(`reading CIDFile: ${(err as Error).message.replace(/^[A-Z]+: /, '')}`);
    }
  }
  return out;
}

export interface TargetOptions {
  all?: boolean | undefined;
  latest?: boolean | undefined;
  /** --ignore: names that match nothing are skipped. */
  ignore?: boolean | undefined;
  /** Exit code for a name that matches nothing (rm: 1; most commands 125). */
  missingExitCode?: number;
  /** --filter KEY=VALUE (ps's keys): every container that matches, seen live. */
  filter?: readonly string[] | undefined;
  /** The runtime root, to see filtered containers' live state. */
  runRoot?: string | undefined;
}

/** podman's usage errors for the name/-a/-l combinations. */
export function checkTargetArgs(names: readonly string[], o: TargetOptions): void {
  if (o.filter?.length) {
    if (names.length) throw new UsageError('--filter takes no arguments');
    return;
  }
  if (o.all && names.length) throw new UsageError('no arguments are needed with --all');
  if (o.latest && names.length) throw new UsageError('--latest and containers cannot be used together');
  if (o.all && o.latest) throw new UsageError('--all and --latest cannot be used together');
  if (!o.all && !o.latest && names.length === 0) throw new UsageError('you must provide at least one name or id');
}

export async function resolveTargets(store: ContainerStore, names: readonly string[], o: TargetOptions): Promise<Target[]> {
  if (o.filter?.length) {
    const { matchesFilters, parsePsFilters } = await import('../views/ps-filter.js');
    const { liveRecord } = await import('./container-observe.js');
    const filters = parsePsFilters(o.filter);
    const all = (await store.list()).map((r) => (o.runRoot ? liveRecord(o.runRoot, r) : r));
    return lastCreated(all.filter((r) => matchesFilters(r, filters, { all })), -1).map((rec) => ({ label: rec.id, rec }));
  }
  if (o.all || o.latest) {
    const recs = lastCreated(await store.list(), o.latest ? 1 : -1);
    return recs.map((rec) => ({ label: rec.id, rec }));
  }
  const out: Target[] = [];
  for (const name of names) {
    try {
      out.push({ label: name, rec: await store.lookup(name) });
    } catch (err) {
      if (!(err instanceof NoSuchContainerError)) throw err;
      if (o.ignore) continue;
      throw o.missingExitCode === undefined ? err : new TscRunError(err.message, o.missingExitCode);
    }
  }
  return out;
}

/**
 * Run fn for every target, carrying on past failures like podman; each
 * failure becomes its own `Error:` line, the last one's code the exit code.
 */
export async function forEachTarget(targets: readonly Target[], fn: (t: Target) => Promise<void>): Promise<void> {
  const errors: TscRunError[] = [];
  for (const t of targets) {
    try {
      await fn(t);
    } catch (err) {
      if (!(err instanceof TscRunError)) throw err;
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new MultipleErrors(errors);
}
