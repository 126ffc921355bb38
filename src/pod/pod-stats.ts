// `pod stats`: one reading of every running container of the pods asked
// for (the infra too), podman 4.3's PodStatsReport: POD, CID, NAME, CPU %,
// MEM USAGE/ LIMIT, MEM %, NET IO, BLOCK IO, PIDS; `--` where a value is 0.
// The readings are `stats`' (runtime/stats: /proc sums, a container's own
// cgroup v2 where it has one), so they work on this host's cgroup v1, where
// rootless podman refuses `pod stats`. As podman's, CPU % is the average
// since the container started (podman passes no previous reading).

import type { Roots } from '../config/paths.js';
import { containerPidsInMountNamespace } from '../runtime/procfs/container-pids.js';
import type { ContainerRecord } from '../storage/containers.js';
import { alignColumns, formatList } from '../format/output.js';
import { sampleContainerPids } from '../runtime/stats/stats-sample.js';
import { statsRow } from '../runtime/stats/stats-view.js';
import { podMembers } from './pod-lifecycle.js';
import type { PodRecord } from './pod-store.js';

/** The fields a --format template sees, named as podman's. */
export interface PodStatsReport {
  CPU: string;
  MemUsage: string;
  MemUsageBytes: string;
  Mem: string;
  NetIO: string;
  BlockIO: string;
  PIDS: string;
  Pod: string;
  CID: string;
  Name: string;
}

export const POD_STATS_HEADERS: Record<string, string> = {
  CPU: 'CPU %',
  MemUsage: 'MEM USAGE/ LIMIT',
  MemUsageBytes: 'MEM USAGE/ LIMIT',
  Mem: 'MEM %',
  NetIO: 'NET IO',
  BlockIO: 'BLOCK IO',
  PIDS: 'PIDS',
  Pod: 'POD',
  CID: 'CID',
  Name: 'NAME',
};

const DEFAULT_COLUMNS = ['Pod', 'CID', 'Name', 'CPU', 'MemUsage', 'Mem', 'NetIO', 'BlockIO', 'PIDS'] as const;

/** podman's combineHumanValues: both 0 is `-- / --`. */
function both(a: number, b: number, text: string): string {
  return a === 0 && b === 0 ? '-- / --' : text;
}

/** podman's floatToPercentString: 0 (or nothing measurable) is `--`. */
function percent(f: number): string {
  return Number.isFinite(f) && f !== 0 ? `${f.toFixed(2)}%` : '--';
}

/** A member's processes when the pod's members share one pid namespace (`--share +pid`, or the host's with `--pid host`). */
export function memberPids(c: ContainerRecord): number[] | undefined {
  return c.state.pid === undefined ? undefined : containerPidsInMountNamespace(c.state.pid);
}

export async function podStatsReports(roots: Roots, pods: readonly PodRecord[]): Promise<PodStatsReport[]> {
  const out: PodStatsReport[] = [];
  for (const pod of pods) {
    const sharedPid = pod.share.includes('pid') || pod.namespaces?.pid === 'host';
    for (const c of await podMembers(roots, pod)) {
      if (c.state.status !== 'running' && c.state.status !== 'paused') continue;
      const s = sampleContainerPids(c, sharedPid ? memberPids(c) : undefined);
      if (!s.live) continue;
      const r = statsRow(s, undefined, true);
      out.push({
        CPU: percent(r.AvgCPU),
        MemUsage: both(s.memUsage, s.memLimit, r.MemUsage),
        MemUsageBytes: both(s.memUsage, s.memLimit, r.MemUsageBytes),
        Mem: percent(s.memLimit ? (s.memUsage / s.memLimit) * 100 : 0),
        NetIO: both(s.netInput, s.netOutput, r.NetIO),
        BlockIO: both(s.blockInput, s.blockOutput, r.BlockIO),
        PIDS: s.pids ? String(s.pids) : '--',
        Pod: pod.id.slice(0, 12),
        CID: c.id.slice(0, 12),
        Name: c.name,
      });
    }
  }
  return out;
}

/** What one reading prints: podman's table (a row of `--` when empty), a user template, or JSON. */
export function renderPodStats(rows: readonly PodStatsReport[], o: { format?: string | undefined; json: boolean }): string {
  if (o.json) return `${JSON.stringify(rows, null, 5)}\n`;
  if (o.format !== undefined) {
    if (!rows.length) return '';
    return formatList(rows, { format: o.format, columns: DEFAULT_COLUMNS.map((f) => ({ field: f, header: POD_STATS_HEADERS[f] })), headers: POD_STATS_HEADERS });
  }
  const cells = rows.length ? rows.map((r) => DEFAULT_COLUMNS.map((f) => r[f])) : [DEFAULT_COLUMNS.map(() => '--')];
  const lines = [DEFAULT_COLUMNS.map((f) => POD_STATS_HEADERS[f]!), ...cells].map((l) => l.join('\t'));
  return `${alignColumns(lines.join('\n'))}\n`;
}
