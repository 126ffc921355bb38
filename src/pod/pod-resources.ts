// `pod create`'s resource flags (--cpus, --memory, --cpu-shares, --cpuset-*,
// --memory-swap, --blkio-weight*, --device-read/write-bps) and -v. Limits
// are parsed with run's rules and messages (runtime/create-flags); podman
// puts them on the pod's cgroup, which a rootless cgroup v1 host does not
// have: rootless podman then drops them (silently, for a pod). We say so
// with the line run prints there, and refuse them where they would have to
// act (a cgroup v2 subtree, root), as tsc-run makes no pod cgroup.
// -v values are recorded on the pod and given to every member (podman
// mounts them in the infra and members inherit them).

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError, UsageError } from '../errors.js';
import { probeCgroups } from '../host/cgroup-probe.js';
import { anyResource, CGROUP_V1_ROOTLESS_WARNING, parseResourceFlags, ramInBytes, type ResourceFlagValues } from '../runtime/create-flags/resource-flags.js';
import { parseVolumeFlag } from '../volume/mount-spec.js';
import type { InspectMount } from '../volume/mount-views.js';

export type PodResourceFlags = Pick<
  ResourceFlagValues,
  'cpus' | 'memory' | 'cpu-shares' | 'cpuset-cpus' | 'cpuset-mems' | 'memory-swap' | 'blkio-weight' | 'blkio-weight-device' | 'device-read-bps' | 'device-write-bps'
>;

/**
 * The limits as `pod inspect` shows them (podman 4.3's keys, each left out
 * when zero or unset). podman hides the memory and blkio ones unless a CPU
 * limit was given too (its ResourceLim() returns an empty set when the CPU
 * part is nil); we show what was asked. `--blkio-weight-device` podman
 * never shows. Pure; the flags were checked (parseResourceFlags).
 */
export interface PodLimits {
  cpu_period?: number;
  cpu_quota?: number;
  cpu_shares?: number;
  cpuset_cpus?: string;
  cpuset_mems?: string;
  device_read_bps?: Array<{ Path: string; Rate: number }>;
  device_write_bps?: Array<{ Path: string; Rate: number }>;
  memory_limit?: number;
  memory_swap?: number;
  blkio_weight?: number;
}

export function podLimits(f: PodResourceFlags): PodLimits {
  const out: PodLimits = {};
  const cpus = f.cpus === undefined ? 0 : Number(f.cpus);
  // podman: period 100000 µs, quota = cpus × period.
  if (cpus > 0) {
    out.cpu_period = 100_000;
    out.cpu_quota = Math.round(cpus * 100_000);
  }
  const shares = f['cpu-shares'] === undefined ? 0 : Number(f['cpu-shares']);
  if (shares > 0) out.cpu_shares = shares;
  if (f['cpuset-cpus']) out.cpuset_cpus = f['cpuset-cpus'];
  if (f['cpuset-mems']) out.cpuset_mems = f['cpuset-mems'];
  const rates = (v: readonly string[] | undefined) =>
    (v ?? []).map((d) => {
      const colon = d.lastIndexOf(':');
      return { Path: d.slice(0, colon), Rate: ramInBytes(d.slice(colon + 1)) ?? 0 };
    });
  if (f['device-read-bps']?.length) out.device_read_bps = rates(f['device-read-bps']);
  if (f['device-write-bps']?.length) out.device_write_bps = rates(f['device-write-bps']);
  const memory = f.memory === undefined ? 0 : (ramInBytes(f.memory) ?? 0);
  if (memory > 0) out.memory_limit = memory;
  const swap = f['memory-swap'] === undefined || f['memory-swap'] === '-1' ? 0 : (ramInBytes(f['memory-swap']) ?? 0);
  if (swap > 0) out.memory_swap = swap;
  const weight = f['blkio-weight'] === undefined ? 0 : Number(f['blkio-weight']);
  if (weight > 0) out.blkio_weight = weight;
  return out;
}

/** Check the limits; warn (rootless cgroup v1: nothing can apply them) or refuse with the reason. What pod inspect shows of them. */
export function checkPodResources(f: PodResourceFlags, warn: (line: string) => void, host = { uid: process.getuid!(), probe: probeCgroups }): PodLimits {
  const r = parseResourceFlags(f, (p) => fs.existsSync(p));
  if (!anyResource(r)) return {};
  const facts = host.probe(host.uid);
  if (host.uid !== 0 && facts.layout !== 'unified' && !facts.delegation.delegated) {
    warn(CGROUP_V1_ROOTLESS_WARNING);
    return podLimits(f);
  }
  const given = [r.memory !== undefined && '--memory', r.cpus !== undefined && '--cpus', ...r.others].filter(Boolean).join(', ');
  if (!given) return podLimits(f); // --memory=0 alone: no limit
  throw new TscRunError(`${given}: a pod's limits need a cgroup for the whole pod, which tsc-run does not make: give the limits to its containers (run --pod POD --memory ...)`);
}

/** The pod's -v values, checked as run checks them; relative host paths made absolute (members are created elsewhere). */
export function podVolumes(specs: readonly string[], cwd = process.cwd()): string[] {
  return specs.map((spec) => {
    const m = parseVolumeFlag(spec);
    if (m.kind === 'volume' && m.name === '') {
      throw new UsageError(`${spec}: an anonymous volume cannot be shared by a pod's containers here: name it (-v NAME:${m.destination})`);
    }
    if (m.kind === 'bind' && m.source.startsWith('.')) return [path.resolve(cwd, m.source), ...spec.split(':').slice(1)].join(':');
    return spec;
  });
}

/** Destinations of -v values (a member's own mount at one of them wins over the pod's). */
export function volumeDestinations(specs: readonly string[]): Set<string> {
  return new Set(specs.map((s) => parseVolumeFlag(s).destination.replace(/(.)\/+$/, '$1')));
}

/** The pod's volumes a member gets: those whose destination its own -v/--volumes-from does not take. */
export function memberPodVolumes(pod: readonly string[], own: readonly string[]): string[] {
  const taken = volumeDestinations(own);
  return pod.filter((s) => !taken.has(parseVolumeFlag(s).destination.replace(/(.)\/+$/, '$1')));
}

/** `pod inspect`'s mounts: the pod's -v values planned as a member's would be (a bind source gone since is left out). */
export async function podInspectMounts(dataRoot: string, specs: readonly string[]): Promise<InspectMount[]> {
  const { planContainerMounts } = await import('../volume/container-volumes.js');
  const { inspectMounts } = await import('../volume/mount-views.js');
  const mounts = specs.flatMap((spec) => {
    try {
      return planContainerMounts({ dataRoot, flags: { volume: [spec] }, cwd: '/', imageVolumes: [] });
    } catch {
      return [];
    }
  });
  return inspectMounts(mounts);
}
