// `ps` / `container ls`: read every record (no locks, they are replaced
// atomically), reconcile running ones against their witnesses without
// writing (ps stays read-only and fast), filter, order, and render as podman.

import { alignColumns, formatList } from '../../format/output.js';
import type { Roots } from '../../config/paths.js';
import { ContainerStore, type ContainerSummary } from '../../storage/containers.js';
import { shownRecord } from '../container/stopping-mark.js';
import { containerSize } from '../container/container-size.js';
import { matchesFilters, parsePsFilters } from './ps-filter.js';
import { readlinkSync } from 'node:fs';
import { byCreated, lastCreated, psDefaultCells, psJson, psRow, PS_COLUMNS, PS_HEADERS, PS_NS_COLUMNS, type PsNamespaces, type PsSize } from './ps-view.js';

export interface PsOptions {
  all: boolean;
  filters: readonly string[];
  /** -n; -1 = all. */
  last: number;
  latest: boolean;
  noTrunc: boolean;
  quiet: boolean;
  size: boolean;
  format?: string | undefined;
  noHeading: boolean;
  sort?: string | undefined;
  /** --pod: the POD ID and PODNAME columns. */
  pod?: boolean | undefined;
  /** --ns: the namespace columns, read from /proc/PID/ns. */
  ns?: boolean | undefined;
}

/** `ipc:[4026532201]` -> `4026532201`, as podman's getNamespaceInfo; '' when it cannot be read. */
function namespaceOf(pid: number, name: string): string {
  if (pid <= 0) return '';
  try {
    return readlinkSync(`/proc/${pid}/ns/${name}`).replace(/^.*\[|\].*$/g, '');
  } catch {
    return '';
  }
}

function namespacesOf(rec: ContainerSummary): PsNamespaces {
  const s = rec.state.status;
  const pid = s === 'running' || s === 'paused' || s === 'stopping' ? (rec.state.pid ?? 0) : 0;
  return {
    MNT: namespaceOf(pid, 'mnt'),
    Cgroup: namespaceOf(pid, 'cgroup'),
    IPC: namespaceOf(pid, 'ipc'),
    NET: namespaceOf(pid, 'net'),
    PIDNS: namespaceOf(pid, 'pid'),
    UTS: namespaceOf(pid, 'uts'),
    User: namespaceOf(pid, 'user'),
  };
}

const JSON_FORMAT_RE = /^\s*(?:json|\{\{\s*json\s*\.?\s*\}\})\s*$/;

/** The containers ps lists, reconciled, filtered and in output order. */
export function selectContainers<R extends ContainerSummary>(
  records: readonly R[],
  o: Pick<PsOptions, 'all' | 'filters' | 'last' | 'latest'>,
  runRoot: string,
  now: Date,
  podNames?: ReadonlyMap<string, string>,
): R[] {
  const filters = parsePsFilters(o.filters);
  const live = records.map((r) => shownRecord(runRoot, r, now));
  const last = o.latest ? 1 : o.last;
  // podman 4.3: -n/-l and a status filter look at every container; other filters only narrow.
  const all = o.all || last >= 0 || filters.has('status');
  const picked = live.filter((r) => (all || r.state.status === 'running') && matchesFilters(r, filters, podNames ? { all: live, podNames } : { all: live }));
  return lastCreated(picked, last);
}

const SORTS: Record<string, (a: ContainerSummary, b: ContainerSummary) => number> = {
  created: byCreated,
  id: (a, b) => cmp(a.id, b.id),
  names: (a, b) => cmp(a.name, b.name),
  image: (a, b) => cmp(a.imageName, b.imageName),
  command: (a, b) => cmp(a.config.command.join(' '), b.config.command.join(' ')),
  status: (a, b) => cmp(a.state.status, b.state.status),
  runningfor: byCreated,
};

async function loadPodNames(dataRoot: string): Promise<Map<string, string>> {
  const { PodStore } = await import('../../pod/pod-store.js');
  return new Map(new PodStore(dataRoot).list().map((p) => [p.id, p.name]));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function psText(roots: Roots, o: PsOptions, now: Date = new Date()): Promise<string> {
  const store = new ContainerStore(roots.dataRoot);
  // --size needs the whole record (layers, mounts); everything else is in the summary index.
  const full = o.size ? await store.list() : undefined;
  const records: readonly ContainerSummary[] = full ?? (await store.listSummaries());
  // Pod names only when some container is in a pod (src/pod/).
  const podNames = records.some((r) => r.pod) ? await loadPodNames(roots.dataRoot) : undefined;
  let recs = selectContainers(records, o, roots.runRoot, now, podNames);
  if (o.sort && o.sort !== 'created') recs = [...recs].sort(SORTS[o.sort] ?? byCreated);
  const sizes = new Map<string, PsSize>();
  if (o.size) {
    const cache = new Map<string, number>();
    const byId = new Map(full?.map((r) => [r.id, r]));
    for (const r of recs) {
      const rec = byId.get(r.id);
      if (rec) sizes.set(r.id, await containerSize(roots.dataRoot, store.upperDir(r.id), rec, cache));
    }
  }
  const view = (r: ContainerSummary) => ({ now, noTrunc: o.noTrunc, size: o.size ? sizes.get(r.id) : undefined, podNames, namespaces: o.ns ? namespacesOf(r) : undefined });
  if (o.format !== undefined && JSON_FORMAT_RE.test(o.format)) {
    // podman 4.3 prints ps JSON with two-space indentation.
    return JSON.stringify(recs.map((r) => psJson(r, view(r))), null, 2) + '\n';
  }
  if (o.quiet && o.format === undefined) {
    return recs.map((r) => (o.noTrunc ? r.id : r.id.slice(0, 12)) + '\n').join('');
  }
  const columns: Array<{ field: string; header?: string }> = o.ns ? [...PS_NS_COLUMNS] : o.size ? [...PS_COLUMNS, { field: 'Size' }] : [...PS_COLUMNS];
  if (o.pod && !o.ns) columns.push({ field: 'Pod', header: 'POD ID' }, { field: 'PodName', header: 'PODNAME' });
  if ((o.format === undefined || o.format.trim() === 'table') && !o.pod && !o.ns) {
    // The common case, without the template engine (same output as the template of `columns`).
    const lines = recs.map((r) => psDefaultCells(r, view(r)).join('\t'));
    if (!o.noHeading) lines.unshift(columns.map((c) => ('header' in c && c.header) || c.field.toUpperCase()).join('\t'));
    return alignColumns(lines.join('\n')) + '\n';
  }
  // podman reads `.Namespaces.X` as its `.X` accessor.
  const format = o.format?.replaceAll('.Namespaces.', '.');
  return formatList(
    recs.map((r) => psRow(r, view(r))),
    { format, columns, headers: PS_HEADERS, noHeading: o.noHeading },
  );
}
