// `pod inspect` and `pod ps` views: podman 4.3's InspectPodData and
// ListPodsReport keys, in their order. The pod's state follows podman's
// createPodStatusResults over every container (infra included). Pure: the
// containers come in reconciled (liveRecord).

import { GoTime } from '../format/go-time.js';
import { humanDuration } from '../format/human.js';
import type { ContainerRecord, ContainerStatus } from '../storage/containers.js';
import type { PodRecord } from './pod-store.js';
import { portBindings } from '../runtime/views/inspect-view.js';
import type { InspectMount } from '../volume/mount-views.js';

/** A container's state word as podman prints it in pod views. */
export function memberState(s: ContainerStatus): string {
  return s === 'removing' ? 'removing' : s;
}

export function podStatus(all: readonly ContainerRecord[]): string {
  // podman leaves init containers out of a pod's status.
  const members = all.filter((m) => m.config.initContainerType === undefined);
  const n = members.length;
  if (n === 0) return 'Created';
  let running = 0;
  let exited = 0;
  let paused = 0;
  let created = 0;
  let errored = 0;
  for (const m of members) {
    const s = m.state.status;
    if (s === 'running') running++;
    else if (s === 'exited') exited++;
    else if (s === 'paused') paused++;
    else if (s === 'created') created++;
    else errored++;
  }
  if (running > 0 && running < n) return 'Degraded';
  if (running === n) return 'Running';
  if (exited === n) return 'Exited';
  if (paused === n) return 'Paused';
  if (created === n) return 'Created';
  if (errored > 0) return 'Error';
  return 'Created';
}


function orNull<T>(a: readonly T[] | undefined): T[] | null {
  return a?.length ? [...a] : null;
}

/** podman's cgroupfs parent of pods; no such cgroup is made here (rootless podman on cgroup v1 prints it and makes none either). */
const POD_CGROUP_PARENT = '/libpod_parent';

/** `mounts`: the pod's -v and --volumes-from mounts as container inspect shows them (resolved by the caller). */
export function inspectPod(pod: PodRecord, members: readonly ContainerRecord[], extra: { mounts?: readonly InspectMount[] } = {}): Record<string, unknown> {
  const infra = members.find((m) => m.id === pod.infraId);
  const out: Record<string, unknown> = {
    Id: pod.id,
    Name: pod.name,
    Created: GoTime.parseOrZero(pod.created),
    CreateCommand: pod.createCommand,
    ExitPolicy: pod.exitPolicy,
    State: podStatus(members),
    // podman shows only a --hostname given (its members still get the pod's name).
    Hostname: pod.hostnameSet ? pod.hostname : '',
  };
  if (Object.keys(pod.labels).length) out.Labels = pod.labels;
  out.CreateCgroup = true;
  out.CgroupParent = POD_CGROUP_PARENT;
  if (pod.shareParent !== false) out.CgroupPath = `${POD_CGROUP_PARENT}/${pod.id}`;
  out.CreateInfra = infra !== undefined;
  if (infra) {
    out.InfraContainerID = infra.id;
    const c = infra.config;
    out.InfraConfig = {
      PortBindings: portBindings(infra),
      HostNetwork: c.network === 'host',
      StaticIP: Object.values(c.networks ?? {})[0]?.staticIps?.find((ip) => ip.includes('.')) ?? '',
      StaticMAC: Object.values(c.networks ?? {})[0]?.staticMac ?? '',
      NoManageResolvConf: false,
      DNSServer: orNull(c.dns),
      DNSSearch: orNull(c.dnsSearch),
      DNSOption: orNull(c.dnsOptions),
      NoManageHosts: c.noHosts === true,
      HostAdd: orNull(c.addHosts),
      Networks: c.networks && Object.keys(c.networks).length ? Object.keys(c.networks) : null,
      NetworkOptions: c.networkOptions?.length ? { [c.network]: c.networkOptions } : null,
      // The infra's own namespace modes (podman's NamespaceMode of the infra), whatever members share.
      ...pick(pod.limits, ['cpu_period', 'cpu_quota', 'cpuset_cpus']),
      pid_ns: pod.namespaces?.pid ?? 'private',
      userns: c.userns || 'host',
      uts_ns: pod.namespaces?.uts ?? 'private',
    };
    out.SharedNamespaces = pod.share;
  }
  out.NumContainers = members.length;
  if (members.length) out.Containers = members.map((m) => ({ Id: m.id, Name: m.name, State: memberState(m.state.status) }));
  const lim = pod.limits ?? {};
  Object.assign(out, pick(lim, ['cpu_period', 'cpu_quota', 'cpu_shares', 'cpuset_cpus', 'cpuset_mems']));
  if (extra.mounts?.length) out.mounts = extra.mounts;
  if (pod.volumesFrom?.length) out.volumes_from = pod.volumesFrom;
  // podman lists the infra's security options (GetSecurityOptions); there are none without an infra.
  if (infra && pod.securityOpt?.length) out.security_opt = securityOptView(pod.securityOpt);
  // podman's key order: device_read_bps, device_write_bps (before), memory, then blkio.
  Object.assign(out, pick(lim, ['device_read_bps', 'device_write_bps', 'memory_limit', 'memory_swap', 'blkio_weight']));
  return out;
}

function pick<T extends object, K extends keyof T>(o: T | undefined, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o?.[k] !== undefined) out[k] = o[k];
  return out;
}

/** pod inspect's Go field names for keys its JSON spells otherwise, as a --format template reads them. */
const GO_FIELDS: Record<string, string> = {
  cpu_period: 'CPUPeriod',
  cpu_quota: 'CPUQuota',
  cpu_shares: 'CPUShares',
  cpuset_cpus: 'CPUSetCPUs',
  cpuset_mems: 'CPUSetMems',
  mounts: 'Mounts',
  devices: 'Devices',
  device_read_bps: 'BlkioDeviceReadBps',
  device_write_bps: 'BlkioDeviceWriteBps',
  volumes_from: 'VolumesFrom',
  security_opt: 'SecurityOpts',
  memory_limit: 'MemoryLimit',
  memory_swap: 'MemorySwap',
  blkio_weight: 'BlkioWeight',
  blkio_weight_device: 'BlkioWeightDevice',
  pid_ns: 'PidNS',
  userns: 'UserNS',
  uts_ns: 'UtsNS',
};
/** Go's zero values of those fields (and of the omitempty ones), which a template prints when they are unset. */
const GO_ZERO: Record<string, unknown> = {
  CPUPeriod: 0, CPUQuota: 0, CPUShares: 0, CPUSetCPUs: '', CPUSetMems: '', Mounts: [], Devices: [], BlkioDeviceReadBps: [], BlkioDeviceWriteBps: [],
  VolumesFrom: [], SecurityOpts: [], MemoryLimit: 0, MemorySwap: 0, BlkioWeight: 0, BlkioWeightDevice: [], Labels: {}, CgroupParent: '', CgroupPath: '',
  InfraContainerID: '', SharedNamespaces: [], Containers: [], Namespace: '', ExitPolicy: '',
};
const GO_ZERO_INFRA: Record<string, unknown> = { CPUPeriod: 0, CPUQuota: 0, CPUSetCPUs: '', PidNS: '', UserNS: '', UtsNS: '' };

/** The object a --format template sees: podman's Go field names (with their zero values) beside the JSON keys. */
export function podTemplateView(o: Record<string, unknown>): Record<string, unknown> {
  const rename = (src: Record<string, unknown>, zero: Record<string, unknown>) => {
    const out: Record<string, unknown> = { ...zero, ...src };
    for (const [k, v] of Object.entries(src)) if (GO_FIELDS[k]) out[GO_FIELDS[k]] = v;
    return out;
  };
  const out = rename(o, GO_ZERO);
  if (o.InfraConfig && typeof o.InfraConfig === 'object') out.InfraConfig = rename(o.InfraConfig as Record<string, unknown>, GO_ZERO_INFRA);
  return out;
}

/** podman's GetSecurityOptions of the infra: no-new-privileges, then the last label, seccomp and apparmor values. */
function securityOptView(opts: readonly string[]): string[] {
  const last = (k: string) => opts.filter((o) => o.startsWith(`${k}=`) || o.startsWith(`${k}:`)).at(-1)?.slice(k.length + 1);
  const nnp = opts.filter((o) => o === 'no-new-privileges' || /^no-new-privileges[=:]/.test(o)).at(-1);
  const out: string[] = [];
  if (nnp !== undefined && !/[=:](false|0)$/i.test(nnp)) out.push('no-new-privileges');
  for (const k of ['label', 'seccomp', 'apparmor']) {
    const v = last(k);
    if (v !== undefined) out.push(`${k}=${v}`);
  }
  return out;
}

/** The named networks the pod's infra is attached to (podman's ListPodsReport.Networks). */
function infraNetworks(pod: PodRecord, members: readonly ContainerRecord[]): string[] {
  return Object.keys(members.find((m) => m.id === pod.infraId)?.config.networks ?? {});
}

/** `pod ps --format json`: ListPodsReport. */
export function podListJson(pod: PodRecord, members: readonly ContainerRecord[]): Record<string, unknown> {
  return {
    Cgroup: '',
    Containers: members.map((m) => ({ Id: m.id, Names: m.name, Status: memberState(m.state.status) })),
    Created: GoTime.parseOrZero(pod.created),
    Id: pod.id,
    InfraId: pod.infraId ?? '',
    Name: pod.name,
    Namespace: '',
    Networks: infraNetworks(pod, members),
    Status: podStatus(members),
    Labels: pod.labels,
  };
}

/** The fields `pod ps` templates read (podman's ListPodReporter). */
export function podListRow(pod: PodRecord, members: readonly ContainerRecord[], o: { now: Date; noTrunc: boolean }): Record<string, unknown> {
  const t = (id: string) => (o.noTrunc ? id : id.slice(0, 12));
  const created = GoTime.parseOrZero(pod.created);
  return {
    Id: t(pod.id),
    ID: t(pod.id),
    Name: pod.name,
    Status: podStatus(members),
    Created: `${humanDuration(o.now.getTime() - created.getTime())} ago`,
    InfraId: pod.infraId ? t(pod.infraId) : '',
    InfraID: pod.infraId ? t(pod.infraId) : '',
    ContainerIds: members.map((m) => t(m.id)).join(','),
    ContainerNames: members.map((m) => m.name).join(','),
    ContainerStatuses: members.map((m) => memberState(m.state.status)).join(','),
    Cgroup: '',
    Namespace: '',
    Networks: infraNetworks(pod, members).join(','),
    NumberOfContainers: members.length,
    Labels: pod.labels,
  };
}

export const POD_PS_HEADERS: Record<string, string> = {
  Id: 'POD ID',
  ID: 'POD ID',
  Name: 'NAME',
  Status: 'STATUS',
  Labels: 'LABELS',
  NumberOfContainers: '# OF CONTAINERS',
  Created: 'CREATED',
  InfraID: 'INFRA ID',
  InfraId: 'INFRA ID',
  ContainerIds: 'IDS',
  ContainerNames: 'NAMES',
  ContainerStatuses: 'STATUS',
  Cgroup: 'CGROUP',
  Namespace: 'NAMESPACES',
};

/** The default columns (podman's podPsFormat). */
export function podPsColumns(o: { ctrIds: boolean; ctrNames: boolean; ctrStatus: boolean; ns: boolean }): Array<{ field: string; header: string }> {
  const f = ['Id', 'Name', 'Status', 'Created', 'InfraID'];
  if (o.ctrIds) f.push('ContainerIds');
  if (o.ctrNames) f.push('ContainerNames');
  if (o.ctrStatus) f.push('ContainerStatuses');
  if (o.ns) f.push('Cgroup', 'Namespace');
  if (!o.ctrIds && !o.ctrNames && !o.ctrStatus) f.push('NumberOfContainers');
  return f.map((field) => ({ field, header: POD_PS_HEADERS[field]! }));
}
