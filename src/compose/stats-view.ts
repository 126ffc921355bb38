// `compose stats` as docker's `stats` prints it (docker compose hands it to
// the docker CLI): CONTAINER ID, NAME, CPU %, MEM USAGE / LIMIT, MEM %,
// NET I/O, BLOCK I/O, PIDS; memory in binary units (go-units BytesSize),
// network and block I/O in decimal ones with 3 digits. CPU % is over the
// time since the previous reading of the container. Pure.

import { bytesSize, goHumanSize } from '../format/human.js';
import type { StatsSample } from '../format/stats-sample.js';
import { dockerList } from './docker-format.js';

export { bytesSize };

const pct = (f: number) => `${(Number.isFinite(f) ? f : 0).toFixed(2)}%`;

export function statsRow(r: StatsSample, prev: StatsSample | undefined, noTrunc: boolean): Record<string, string> {
  const usable = prev && prev.live && r.live && prev.cpuNs <= r.cpuNs && r.takenAtMs > prev.takenAtMs ? prev : undefined;
  const base = usable ?? { cpuNs: 0, takenAtMs: r.startedAtMs };
  const wall = r.takenAtMs - base.takenAtMs;
  const cpu = r.live && wall > 0 ? ((r.cpuNs - base.cpuNs) / (wall * 1e6)) * 100 : 0;
  const id = noTrunc ? r.id : r.id.slice(0, 12);
  return {
    BlockIO: `${goHumanSize(r.blockInput, 3)} / ${goHumanSize(r.blockOutput, 3)}`,
    CPUPerc: pct(cpu),
    Container: id,
    ID: id,
    MemPerc: pct(r.memLimit ? (r.memUsage / r.memLimit) * 100 : 0),
    MemUsage: `${bytesSize(r.memUsage)} / ${bytesSize(r.memLimit)}`,
    Name: r.name,
    NetIO: `${goHumanSize(r.netInput, 3)} / ${goHumanSize(r.netOutput, 3)}`,
    PIDs: String(r.pids),
  };
}

export function statsOutput(rows: ReadonlyArray<Record<string, string>>, format: string | undefined): string {
  return dockerList(rows, format, {
    table: 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}',
    headers: { Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' },
  });
}
