// What `stats` prints for a sample, as podman 4.3 does: CPU % since the
// previous reading (the first one: since the container started, which is
// also AVG CPU %), sizes in go-units' decimal units, percentages with two
// decimals, CPU TIME as a Go duration; `--format json` with podman's
// lower-case keys. Pure.

import { bytesSize, goHumanSize } from '../../format/human.js';
import { goDuration } from '../procfs/go-duration.js';
import type { StatsSample } from './stats-sample.js';

/** The fields a --format template sees (podman's containerStats). */
export interface StatsRow {
  ID: string;
  ContainerID: string;
  Name: string;
  CPUPerc: string;
  AVGCPU: string;
  MemUsage: string;
  MemUsageBytes: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDS: string;
  UpTime: string;
  CPU: number;
  AvgCPU: number;
  CPUNano: number;
  MemLimit: number;
  PIDs: number;
  /** podman's ContainerStats fields and accessors that the columns above do not show. */
  Up: string;
  PerCPU: number[] | null;
  CPUSystemNano: number;
  SystemNano: bigint;
  NetInput: number;
  NetOutput: number;
  BlockInput: number;
  BlockOutput: number;
  Duration: number;
}

/** Headers podman gives these fields. */
export const STATS_HEADERS: Record<string, string> = {
  ID: 'ID',
  Name: 'NAME',
  UpTime: 'CPU TIME',
  CPUPerc: 'CPU %',
  AVGCPU: 'AVG CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemUsageBytes: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET IO',
  BlockIO: 'BLOCK IO',
  PIDS: 'PIDS',
};

export const STATS_COLUMNS = ['ID', 'Name', 'CPUPerc', 'MemUsage', 'MemPerc', 'NetIO', 'BlockIO', 'PIDS', 'UpTime', 'AVGCPU'];

function percent(f: number): string {
  return `${(Number.isFinite(f) ? f : 0).toFixed(2)}%`;
}

function pair(a: number, b: number, f: (n: number) => string): string {
  return `${f(a)} / ${f(b)}`;
}

/** CPU use in % of one CPU over an interval. */
function cpuPercent(cpuDeltaNs: number, wallDeltaMs: number): number {
  return cpuDeltaNs > 0 && wallDeltaMs > 0 ? (cpuDeltaNs / (wallDeltaMs * 1e6)) * 100 : 0;
}

export function statsRow(s: StatsSample, prev: StatsSample | undefined, noTrunc: boolean): StatsRow {
  const avg = s.live ? cpuPercent(s.cpuNs, s.takenAtMs - s.startedAtMs) : 0;
  // A restarted container counts from zero again: no previous reading then.
  const usable = prev && prev.live && prev.cpuNs <= s.cpuNs ? prev : undefined;
  const cpu = !s.live ? 0 : usable ? cpuPercent(s.cpuNs - usable.cpuNs, s.takenAtMs - usable.takenAtMs) : avg;
  return {
    ID: noTrunc ? s.id : s.id.slice(0, 12),
    ContainerID: s.id,
    Name: s.name,
    CPUPerc: percent(cpu),
    AVGCPU: percent(avg),
    MemUsage: pair(s.memUsage, s.memLimit, goHumanSize),
    MemUsageBytes: pair(s.memUsage, s.memLimit, bytesSize),
    MemPerc: percent(s.memLimit ? (s.memUsage / s.memLimit) * 100 : 0),
    NetIO: pair(s.netInput, s.netOutput, goHumanSize),
    BlockIO: pair(s.blockInput, s.blockOutput, goHumanSize),
    PIDS: String(s.pids),
    UpTime: goDuration(BigInt(s.cpuNs)),
    CPU: cpu,
    AvgCPU: avg,
    CPUNano: s.cpuNs,
    MemLimit: s.memLimit,
    PIDs: s.pids,
    Up: goDuration(BigInt(s.cpuNs)),
    // Neither cgroup v2 nor the /proc sums have per-CPU times: a nil slice, as podman on cgroup v2.
    PerCPU: null,
    CPUSystemNano: s.cpuSystemNs,
    SystemNano: BigInt(s.takenAtMs) * 1_000_000n,
    NetInput: s.netInput,
    NetOutput: s.netOutput,
    BlockInput: s.blockInput,
    BlockOutput: s.blockOutput,
    Duration: s.cpuNs,
  };
}

/** podman 4.3's `stats --format json`: an array, one-space indent. */
export function statsJson(rows: readonly StatsRow[]): string {
  const out = rows.map((r) => ({
    id: r.ID,
    name: r.Name,
    cpu_time: r.UpTime,
    cpu_percent: r.CPUPerc,
    avg_cpu: r.AVGCPU,
    mem_usage: r.MemUsage,
    mem_percent: r.MemPerc,
    net_io: r.NetIO,
    block_io: r.BlockIO,
    pids: r.PIDS,
  }));
  return `${JSON.stringify(out, null, ' ')}\n`;
}
