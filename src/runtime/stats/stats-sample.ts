// One `stats` reading of a container, without cgroups: the sum over its
// processes (procfs/container-pids.ts) of CPU time (their own and that of
// the children they reaped), resident memory, storage I/O and tasks; the
// network counters of its own network namespace (none with the host's);
// the host's memory as the limit. A container with a cgroup v2 of its own
// (a delegated subtree: container-cgroup.ts) is read from it instead, as
// podman does: every task it ever had, page cache and its memory limit.

import fs from 'node:fs';
import type { ContainerRecord } from '../../storage/containers.js';
import { containerPids, containerPidsInMountNamespace } from '../procfs/container-pids.js';
import { containerCgroupDir } from '../procfs/own-cgroup.js';
import { parseIo, parseMemTotal, parseNetDev } from '../procfs/proc-files.js';
import { readProcess, readProcText } from '../procfs/read-process.js';
import type { StatsSample } from '../../format/stats-sample.js';

/** USER_HZ: /proc counts CPU time in these. */
const NS_PER_TICK = 10_000_000;

export type { StatsSample };

function ownNetwork(pid: number): boolean {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/net`) !== fs.readlinkSync('/proc/self/ns/net');
  } catch {
    return false;
  }
}

/** cgroup v2 interface files over the /proc sums, where they can be read. */
function readCgroup(dir: string, out: StatsSample): void {
  const text = (f: string) => readProcText(`${dir}/${f}`);
  const usage = /^usage_usec (\d+)/m.exec(text('cpu.stat') ?? '')?.[1];
  if (usage !== undefined) out.cpuNs = Number(usage) * 1000;
  const system = /^system_usec (\d+)/m.exec(text('cpu.stat') ?? '')?.[1];
  if (system !== undefined) out.cpuSystemNs = Number(system) * 1000;
  const mem = Number(text('memory.current'));
  if (Number.isFinite(mem) && mem > 0) out.memUsage = mem;
  const max = Number(text('memory.max'));
  if (Number.isFinite(max) && max > 0 && max < out.memLimit) out.memLimit = max;
  const pids = Number(text('pids.current'));
  if (Number.isFinite(pids) && pids > 0) out.pids = pids;
  const io = text('io.stat');
  if (io !== undefined) {
    out.blockInput = [...io.matchAll(/rbytes=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    out.blockOutput = [...io.matchAll(/wbytes=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  }
}

/**
 * Whether other processes than the container's live in its pid namespace:
 * the host's (`--pid host`), one it joined or that others joined (`--pid
 * container:`, a pod's `--share +pid`). Then its own are told apart by its
 * mount namespace (podman counts its cgroup: its own processes only).
 */
export function sharesPidNamespace(rec: ContainerRecord, all: readonly ContainerRecord[]): boolean {
  const pid = rec.config.namespaces?.pid;
  if (pid !== undefined && (pid === 'host' || /^(container|ns):/.test(pid))) return true;
  if (rec.config.netJoin?.includes('pid')) return true;
  return all.some(
    (o) => o.id !== rec.id && (o.config.namespaces?.pid === `container:${rec.id}` || (o.config.netJoin?.includes('pid') === true && o.config.network === `container:${rec.id}`)),
  );
}

/** rec must be reconciled (liveRecord); `shared`: its pid namespace holds others' processes too (sharesPidNamespace). */
export function sampleContainer(rec: ContainerRecord, shared = false): StatsSample {
  const pid = rec.state.pid;
  return sampleContainerPids(rec, shared && pid !== undefined ? containerPidsInMountNamespace(pid) : undefined);
}

/** sampleContainer over `pids` when the caller knows the container's processes better (a pod's shared pid namespace). */
export function sampleContainerPids(rec: ContainerRecord, pids: readonly number[] | undefined): StatsSample {
  const s = rec.state;
  const out: StatsSample = {
    id: rec.id,
    name: rec.name,
    live: false,
    cpuNs: 0,
    cpuSystemNs: 0,
    memUsage: 0,
    memLimit: 0,
    netInput: 0,
    netOutput: 0,
    blockInput: 0,
    blockOutput: 0,
    pids: 0,
    startedAtMs: Date.parse(s.startedAt ?? '') || 0,
    takenAtMs: Date.now(),
  };
  if ((s.status !== 'running' && s.status !== 'paused') || s.pid === undefined) return out;
  out.live = true;
  out.memLimit = parseMemTotal(readProcText('/proc/meminfo') ?? '');
  for (const pid of pids ?? containerPids(s.pid)) {
    const f = readProcess(pid);
    if (!f) continue;
    out.cpuNs += (f.stat.utime + f.stat.stime + f.stat.cutime + f.stat.cstime) * NS_PER_TICK;
    out.cpuSystemNs += (f.stat.stime + f.stat.cstime) * NS_PER_TICK;
    out.memUsage += f.status.rss;
    out.pids += f.status.threads;
    const io = parseIo(readProcText(`/proc/${pid}/io`) ?? '');
    out.blockInput += io.read;
    out.blockOutput += io.write;
  }
  const cgroup = containerCgroupDir(rec.id, s.pid);
  if (cgroup) readCgroup(cgroup, out);
  if (ownNetwork(s.pid)) {
    const net = parseNetDev(readProcText(`/proc/${s.pid}/net/dev`) ?? '');
    // podman reports the container's transmit as input and its receive as output.
    out.netInput = net.tx;
    out.netOutput = net.rx;
  }
  return out;
}
