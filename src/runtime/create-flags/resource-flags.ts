// The cgroup and resource flags of run/create (--cpu-*, --cpuset-*,
// --memory-*, --blkio-*, --device-*-bps/iops, --oom-kill-disable,
// --cgroup-conf, --device-cgroup-rule, --cgroups, --cgroup-parent), parsed
// with podman 4.3's rules and messages. Pure: what can be applied where is
// decided by the caller (docs/run-flags.md).

import { TscRunError, UsageError } from '../../errors.js';

export interface ResourceFlagValues {
  memory?: string | undefined;
  cpus?: string | undefined;
  'pids-limit'?: string | undefined;
  'cpu-shares'?: string | undefined;
  'cpu-period'?: string | undefined;
  'cpu-quota'?: string | undefined;
  'cpu-rt-period'?: string | undefined;
  'cpu-rt-runtime'?: string | undefined;
  'cpuset-cpus'?: string | undefined;
  'cpuset-mems'?: string | undefined;
  'memory-reservation'?: string | undefined;
  'memory-swap'?: string | undefined;
  'memory-swappiness'?: string | undefined;
  'oom-kill-disable'?: boolean | undefined;
  'blkio-weight'?: string | undefined;
  'blkio-weight-device'?: readonly string[] | undefined;
  'device-read-bps'?: readonly string[] | undefined;
  'device-write-bps'?: readonly string[] | undefined;
  'device-read-iops'?: readonly string[] | undefined;
  'device-write-iops'?: readonly string[] | undefined;
  'cgroup-conf'?: readonly string[] | undefined;
  'device-cgroup-rule'?: readonly string[] | undefined;
}

/** What the flags ask for; `memory`, `cpus` and `pidsLimit` are what a delegated cgroup v2 applies today. */
export interface ResourceRequest {
  memory?: number;
  cpus?: number;
  pidsLimit?: number;
  /** Every other limit given, by flag name (shown in the refusal where it cannot be applied). */
  others: string[];
  /** --memory=0 given: no limit, but podman 4.3 still warns on cgroup v1 rootless. */
  memoryUnlimited?: true;
  /** --device-cgroup-rule given: no resource limit to podman (no warning); a device cgroup rootless has nothing to restrict. */
  deviceRules?: true;
  /** A value out of its range (parseResourceFlags' lenient mode): the error to give where limits apply. */
  rangeError?: string;
}

const BINARY: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4 };

/** docker/go-units RAMInBytes: a number (may be fractional) and a binary unit; podman's message when it is not. */
export function ramInBytes(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
  if (!m) return undefined;
  const unit = BINARY[m[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.floor(Number(m[1]) * unit);
}

function flagError(value: string, flag: string, kind: 'ParseUint' | 'ParseInt' | 'ParseFloat'): UsageError {
  return new UsageError(`invalid argument ${JSON.stringify(value)} for "${flag}" flag: strconv.${kind}: parsing ${JSON.stringify(value)}: invalid syntax`);
}

function uint(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw flagError(value, flag, 'ParseUint');
  return Number(value);
}

function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[-+]?\d+$/.test(value)) throw flagError(value, flag, 'ParseInt');
  return Number(value);
}

function memoryValue(value: string): number {
  const n = ramInBytes(value);
  if (n === undefined) throw new UsageError(`invalid value for memory: invalid size: '${value}'`);
  return n;
}

/** DEVICE:VALUE lists (blkio-weight-device, device-*-bps/iops): the device must exist on the host, as podman checks. */
function deviceValues(values: readonly string[] | undefined, kind: 'weight' | 'bps' | 'iops', exists: (p: string) => boolean): boolean {
  for (const v of values ?? []) {
    const colon = v.lastIndexOf(':');
    const dev = colon < 0 ? v : v.slice(0, colon);
    const rate = colon < 0 ? '' : v.slice(colon + 1);
    if (colon < 0 || !dev.startsWith('/dev/')) {
      throw new UsageError(kind === 'weight' ? `bad format: ${v}` : `bad format for device path: ${v}`);
    }
    if (kind === 'weight') {
      if (!/^\d+$/.test(rate) || Number(rate) < 10 || Number(rate) > 1000) throw new UsageError(`invalid weight for device: ${v}`);
    } else if (kind === 'bps') {
      if (ramInBytes(rate) === undefined) throw new UsageError(`invalid rate for device: ${v}. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb`);
    } else if (!/^\d+$/.test(rate)) {
      throw new UsageError(`invalid rate for device: ${v}. The correct format is <device-path>:<number>. Number must be a positive integer`);
    }
    if (!exists(dev)) throw new TscRunError(`could not parse throttle device at ${dev}: no such file or directory`);
  }
  return (values?.length ?? 0) > 0;
}

/** Parse every resource flag given; throws podman's message for a malformed one. */
export function parseResourceFlags(f: ResourceFlagValues, deviceExists: (p: string) => boolean, lenient = false): ResourceRequest {
  const out: ResourceRequest = { others: [] };
  const other = (flag: string) => out.others.push(`--${flag}`);
  if (f['cpu-period'] !== undefined && f.cpus !== undefined) throw new UsageError('--cpu-period and --cpus cannot be set together');
  if (f['cpu-quota'] !== undefined && f.cpus !== undefined) throw new UsageError('--cpu-quota and --cpus cannot be set together');

  if (f.memory !== undefined) {
    const n = memoryValue(f.memory);
    // --memory=0: no limit (podman sets none).
    if (n > 0) {
      if (n < 6 * 1024 * 1024) throw new UsageError('minimum memory limit allowed is 6MB');
      out.memory = n;
    } else out.memoryUnlimited = true;
  }
  if (f.cpus !== undefined) {
    const n = Number(f.cpus);
    if (!/^[-+]?\d*\.?\d+(e[-+]?\d+)?$/i.test(f.cpus) || Number.isNaN(n)) throw flagError(f.cpus, '--cpus', 'ParseFloat');
    if (n > 0) out.cpus = n;
  }
  if (f['pids-limit'] !== undefined) {
    const n = int(f['pids-limit'], '--pids-limit')!;
    out.pidsLimit = n < 0 ? 0 : n; // -1 (and 0): unlimited
  }
  if (uint(f['cpu-shares'], '-c, --cpu-shares')) other('cpu-shares');
  if (uint(f['cpu-period'], '--cpu-period')) other('cpu-period');
  if ((int(f['cpu-quota'], '--cpu-quota') ?? 0) > 0) other('cpu-quota');
  if (uint(f['cpu-rt-period'], '--cpu-rt-period')) other('cpu-rt-period');
  if ((int(f['cpu-rt-runtime'], '--cpu-rt-runtime') ?? 0) > 0) other('cpu-rt-runtime');
  if (f['cpuset-cpus']) other('cpuset-cpus');
  if (f['cpuset-mems']) other('cpuset-mems');
  if (f['memory-reservation'] !== undefined) {
    memoryValue(f['memory-reservation']);
    other('memory-reservation');
  }
  if (f['memory-swap'] !== undefined && f['memory-swap'] !== '-1') {
    memoryValue(f['memory-swap']);
    other('memory-swap');
  }
  if (f['memory-swappiness'] !== undefined) {
    const n = int(f['memory-swappiness'], '--memory-swappiness')!;
    if (n >= 0) {
      // Checked where limits apply (podman drops them unchecked on cgroup v1 rootless, with its warning).
      if (n > 100) out.rangeError = `invalid value: ${n}, valid memory swappiness range is 0-100`;
      other('memory-swappiness');
    }
  }
  if (f['oom-kill-disable']) other('oom-kill-disable');
  if (f['blkio-weight'] !== undefined) {
    const v = f['blkio-weight'];
    if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`invalid value for blkio-weight: strconv.ParseUint: parsing ${JSON.stringify(v)}: ${/^\d+$/.test(v) ? 'value out of range' : 'invalid syntax'}`);
    other('blkio-weight');
  }
  if (deviceValues(f['blkio-weight-device'], 'weight', deviceExists)) other('blkio-weight-device');
  if (deviceValues(f['device-read-bps'], 'bps', deviceExists)) other('device-read-bps');
  if (deviceValues(f['device-write-bps'], 'bps', deviceExists)) other('device-write-bps');
  if (deviceValues(f['device-read-iops'], 'iops', deviceExists)) other('device-read-iops');
  if (deviceValues(f['device-write-iops'], 'iops', deviceExists)) other('device-write-iops');
  for (const c of f['cgroup-conf'] ?? []) {
    if (!/^[^=]+=/.test(c)) throw new UsageError('--cgroup-conf must be formatted KEY=VALUE');
  }
  if (f['cgroup-conf']?.length) other('cgroup-conf');
  for (const r of f['device-cgroup-rule'] ?? []) {
    if (!/^[abc] (\*|\d+):(\*|\d+) [rwm]{1,3}$/.test(r)) throw new UsageError(`invalid device cgroup rule requires type, major:Minor, and access rules: ${JSON.stringify(r)}`);
  }
  if (f['device-cgroup-rule']?.length) out.deviceRules = true;
  if (out.rangeError && !lenient) throw new UsageError(out.rangeError);
  return out;
}

/** Whether any limit at all was asked for (podman's warning on cgroup v1 covers them all). */
export function anyResource(r: ResourceRequest): boolean {
  return r.memory !== undefined || r.cpus !== undefined || r.pidsLimit !== undefined || r.others.length > 0 || r.memoryUnlimited === true;
}

/** --cgroups: podman's modes; `split` needs a systemd cgroup we do not have (podman's message and 126 on this kind of host). */
export function parseCgroupsMode(value: string | undefined): 'enabled' | 'disabled' | 'no-conmon' | undefined {
  if (value === undefined) return undefined;
  if (value === 'enabled' || value === 'disabled' || value === 'no-conmon') return value;
  if (value === 'split') throw new TscRunError('could not find cgroup mount in "/proc/self/cgroup"', 126);
  throw new UsageError(`running container create option: invalid cgroup mode ${JSON.stringify(value)}: invalid argument`);
}

/** The one line rootless podman prints on a cgroup v1 host, where every limit is dropped. */
export const CGROUP_V1_ROOTLESS_WARNING = 'Resource limits are not supported and ignored on cgroups V1 rootless systems';
