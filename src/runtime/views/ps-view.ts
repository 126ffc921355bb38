// What `ps` shows for a container, as podman 4.3 shows it. Two views of one
// container: the JSON object of `--format json` (entities.ListContainer, same
// keys in the same order, Created as Unix seconds, Go's zero time as
// -62135596800) and the row that table and Go templates read (podman's
// psReporter: ID and ImageID cut to 12 characters, Command to 17 + "...",
// Names as one string, State and Status both the human status). Pure: the
// records come in already reconciled (container-state.ts).

import { goHumanSize, humanDuration } from '../../format/human.js';
import { GO_ZERO_UNIX, GoTime } from '../../format/go-time.js';
import type { ContainerStatus, ContainerSummary } from '../../storage/containers.js';

export interface PsSize {
  /** Bytes of the container's writable layer (upper dir). */
  rw: number;
  /** Bytes of the image beneath it plus the writable layer. */
  rootFs: number;
}

/** podman's types.PortMapping as it appears in JSON. */
export interface PsPortMapping {
  host_ip: string;
  container_port: number;
  host_port: number;
  range: number;
  protocol: string;
}

/** The inode numbers of a running container's namespaces (`ps --ns`), by podman's Go field names. */
export interface PsNamespaces {
  MNT: string;
  Cgroup: string;
  IPC: string;
  NET: string;
  PIDNS: string;
  UTS: string;
  User: string;
}

/** ListContainerNamespaces through JSON: its own keys, each left out when empty. */
function namespacesJson(ns: PsNamespaces | undefined): Record<string, string> {
  if (!ns) return {};
  const out: Record<string, string> = {};
  const keys: Array<[string, keyof PsNamespaces]> = [['Mnt', 'MNT'], ['Cgroup', 'Cgroup'], ['Ipc', 'IPC'], ['Net', 'NET'], ['Pidns', 'PIDNS'], ['Uts', 'UTS'], ['User', 'User']];
  for (const [k, f] of keys) if (ns[f]) out[k] = ns[f];
  return out;
}

const NO_NAMESPACES: PsNamespaces = { MNT: '', Cgroup: '', IPC: '', NET: '', PIDNS: '', UTS: '', User: '' };

/** entities.ListContainer as `ps --format json` prints it (key order = podman's). */
export interface PsJson {
  AutoRemove: boolean;
  Command: string[];
  CreatedAt: string;
  Exited: boolean;
  ExitedAt: number;
  ExitCode: number;
  Id: string;
  Image: string;
  ImageID: string;
  IsInfra: boolean;
  Labels: Record<string, string> | null;
  Mounts: string[];
  Names: string[];
  Namespaces: Record<string, string>;
  Networks: string[];
  Pid: number;
  Pod: string;
  PodName: string;
  Ports: PsPortMapping[] | null;
  Size: { RwSize: number; RootFsSize: number } | null;
  StartedAt: number;
  State: string;
  Status: string;
  Created: number;
}

/** The fields a `--format` template or the default table reads (podman's psReporter). */
export interface PsRow {
  AutoRemove: boolean;
  Command: string;
  Created: GoTime;
  CreatedAt: string;
  CreatedHuman: string;
  Exited: boolean;
  ExitedAt: number;
  ExitCode: number;
  ID: string;
  Id: string;
  Image: string;
  ImageID: string;
  IsInfra: boolean;
  Labels: Record<string, string> | NilMap;
  Mounts: string[];
  Names: string;
  Namespaces: PsNamespaces;
  /** podman's accessors for the namespaces (empty without --ns). */
  CGROUPNS: string;
  Cgroup: string;
  IPC: string;
  MNT: string;
  NET: string;
  PIDNS: string;
  USERNS: string;
  User: string;
  UTS: string;
  Networks: string;
  Pid: number;
  Pod: string;
  PodName: string;
  Ports: string;
  Restarts: string;
  RunningFor: string;
  Size: string;
  StartedAt: number;
  State: string;
  Status: string;
}

export interface PsViewOptions {
  now: Date;
  noTrunc: boolean;
  /** Present when --size was asked for. */
  size?: PsSize | undefined;
  /** Pod id → name (PodName). */
  podNames?: ReadonlyMap<string, string> | undefined;
  /** Present when --ns was asked for (empty strings for a container that is not running). */
  namespaces?: PsNamespaces | undefined;
}

/** A nil Go map: `map[]` in a template, `null` through `{{json}}` (podman prints both). */
export class NilMap {
  toJSON(): null {
    return null;
  }
}

function unixOrZero(t: string | undefined): number {
  const g = GoTime.fromRfc3339(t);
  return g ? g.unix() : GO_ZERO_UNIX;
}

/** Go's time.Since(time.Unix(sec, 0)) in ms. */
function sinceUnix(now: Date, sec: number): number {
  return now.getTime() - sec * 1000;
}

/** podman's ps status: `Up 3 seconds ago`, `Exited (0) 2 minutes ago`, `Created`. */
export function psStatus(rec: ContainerSummary, now: Date): string {
  const s = rec.state;
  switch (s.status) {
    case 'running': {
      const up = `Up ${humanDuration(sinceUnix(now, unixOrZero(s.startedAt)))} ago`;
      // podman: `Up 5 seconds ago (healthy)` for a container with a healthcheck.
      return rec.config.healthcheck ? `${up} (${s.health?.Status ?? 'starting'})` : up;
    }
    case 'exited':
      return `Exited (${s.exitCode ?? 0}) ${humanDuration(sinceUnix(now, unixOrZero(s.finishedAt)))} ago`;
    default:
      return titleCase(s.status);
  }
}

function titleCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The state word of ps JSON and of the `status=` filter. */
export function psState(status: ContainerStatus): string {
  return status;
}

function portMappings(rec: ContainerSummary): PsPortMapping[] | null {
  const ports = rec.config.ports;
  if (!ports?.length) return null;
  return ports.map((p) => ({
    host_ip: p.hostIP ?? '',
    container_port: p.containerPort,
    host_port: p.hostPort,
    range: p.range ?? 1,
    protocol: p.protocol ?? 'tcp',
  }));
}

/** `0.0.0.0:8080->80/tcp, 0.0.0.0:9000-9001->9000-9001/udp` (podman's portsToString). */
export function portsText(ports: readonly PsPortMapping[] | null): string {
  if (!ports?.length) return '';
  return ports
    .map((p) => {
      const ip = p.host_ip || '0.0.0.0';
      if (p.range > 1) {
        return `${ip}:${p.host_port}-${p.host_port + p.range - 1}->${p.container_port}-${p.container_port + p.range - 1}/${p.protocol}`;
      }
      return `${ip}:${p.host_port}->${p.container_port}/${p.protocol}`;
    })
    .join(', ');
}

function pidOf(rec: ContainerSummary): number {
  const s = rec.state.status;
  return s === 'running' || s === 'paused' || s === 'stopping' ? (rec.state.pid ?? 0) : 0;
}

function labelsOf(rec: ContainerSummary): Record<string, string> | null {
  const l = rec.config.labels;
  return l && Object.keys(l).length ? l : null;
}

export function psJson(rec: ContainerSummary, o: PsViewOptions): PsJson {
  const created = GoTime.parseOrZero(rec.created);
  return {
    AutoRemove: rec.autoRemove,
    Command: rec.config.command,
    CreatedAt: `${humanDuration(o.now.getTime() - created.getTime())} ago`,
    Exited: rec.state.status === 'exited',
    ExitedAt: unixOrZero(rec.state.status === 'exited' ? rec.state.finishedAt : undefined),
    ExitCode: rec.state.exitCode ?? 0,
    Id: rec.id,
    Image: rec.imageName,
    ImageID: rec.image,
    IsInfra: rec.config.pause === true,
    Labels: labelsOf(rec),
    Mounts: [],
    Names: [rec.name],
    Namespaces: namespacesJson(o.namespaces),
    Networks: [],
    Pid: pidOf(rec),
    Pod: rec.pod ?? '',
    PodName: rec.pod ? (o.podNames?.get(rec.pod) ?? '') : '',
    Ports: portMappings(rec),
    Size: o.size ? { RwSize: o.size.rw, RootFsSize: o.size.rootFs } : null,
    StartedAt: unixOrZero(rec.state.startedAt),
    State: psState(rec.state.status),
    Status: psStatus(rec, o.now),
    Created: created.unix(),
  };
}

function trunc(id: string, noTrunc: boolean): string {
  return noTrunc ? id : id.slice(0, 12);
}

export function psRow(rec: ContainerSummary, o: PsViewOptions): PsRow {
  const j = psJson(rec, o);
  const created = GoTime.parseOrZero(rec.created);
  const command = rec.config.command.join(' ');
  const human = j.CreatedAt;
  const ns = o.namespaces ?? NO_NAMESPACES;
  return {
    AutoRemove: j.AutoRemove,
    Command: !o.noTrunc && command.length > 17 ? command.slice(0, 17) + '...' : command,
    Created: created,
    CreatedAt: created.toString(),
    CreatedHuman: human,
    Exited: j.Exited,
    ExitedAt: j.ExitedAt,
    ExitCode: j.ExitCode,
    ID: trunc(rec.id, o.noTrunc),
    Id: rec.id,
    Image: j.Image,
    ImageID: trunc(rec.image, o.noTrunc),
    IsInfra: j.IsInfra,
    Labels: j.Labels ?? new NilMap(),
    Mounts: j.Mounts,
    Names: rec.name,
    Namespaces: ns,
    CGROUPNS: ns.Cgroup,
    Cgroup: ns.Cgroup,
    IPC: ns.IPC,
    MNT: ns.MNT,
    NET: ns.NET,
    PIDNS: ns.PIDNS,
    USERNS: ns.User,
    User: ns.User,
    UTS: ns.UTS,
    Networks: j.Networks.join(','),
    Pid: j.Pid,
    Pod: trunc(j.Pod, o.noTrunc),
    PodName: j.PodName,
    Ports: portsText(j.Ports),
    Restarts: String(rec.state.restartCount ?? 0),
    RunningFor: human,
    Size: o.size ? `${goHumanSize(o.size.rw, 3)} (virtual ${goHumanSize(o.size.rootFs, 3)})` : '',
    StartedAt: j.StartedAt,
    State: j.Status,
    Status: j.Status,
  };
}

/**
 * The default table's cells (PS_COLUMNS, plus SIZE with --size) without
 * going through the template engine: what `ps` prints most often, built
 * directly. Same text as rendering PS_COLUMNS from psRow.
 */
export function psDefaultCells(rec: ContainerSummary, o: PsViewOptions): string[] {
  const command = rec.config.command.join(' ');
  const created = GoTime.fromRfc3339(rec.created) ?? GoTime.zero();
  const cells = [
    o.noTrunc ? rec.id : rec.id.slice(0, 12),
    rec.imageName,
    !o.noTrunc && command.length > 17 ? command.slice(0, 17) + '...' : command,
    `${humanDuration(o.now.getTime() - created.getTime())} ago`,
    psStatus(rec, o.now),
    portsText(portMappings(rec)),
    rec.name,
  ];
  if (o.size) cells.push(`${goHumanSize(o.size.rw, 3)} (virtual ${goHumanSize(o.size.rootFs, 3)})`);
  return cells;
}

/** Podman's default columns, and the headers its table prints for each field. */
export const PS_COLUMNS = [
  { field: 'ID', header: 'CONTAINER ID' },
  { field: 'Image' },
  { field: 'Command' },
  { field: 'CreatedHuman', header: 'CREATED' },
  { field: 'Status' },
  { field: 'Ports' },
  { field: 'Names' },
] as const;

export const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  CreatedHuman: 'CREATED',
  Pod: 'POD ID',
  PodName: 'PODNAME',
  RunningFor: 'RUNNING FOR',
  Networks: 'NETWORKS',
  Restarts: 'RESTARTS',
  Cgroup: 'CGROUPNS',
  User: 'USERNS',
};

/** `ps --ns`: podman's columns instead of the default ones. */
export const PS_NS_COLUMNS = [
  { field: 'ID', header: 'CONTAINER ID' },
  { field: 'Names' },
  { field: 'Pid' },
  { field: 'Cgroup', header: 'CGROUPNS' },
  { field: 'IPC' },
  { field: 'MNT' },
  { field: 'NET' },
  { field: 'PIDNS' },
  { field: 'User', header: 'USERNS' },
  { field: 'UTS' },
] as const;

/** Oldest first, as podman lists; ties by id so the order is stable. */
export function byCreated(a: ContainerSummary, b: ContainerSummary): number {
  const d = Date.parse(a.created) - Date.parse(b.created);
  return d !== 0 ? d : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** -n N (and -l = -n 1): the N most recently created, still listed oldest first. */
export function lastCreated<R extends ContainerSummary>(recs: readonly R[], n: number): R[] {
  // Parse each creation time once, not once per comparison.
  const keyed = recs.map((r) => ({ r, t: Date.parse(r.created) }));
  keyed.sort((a, b) => a.t - b.t || (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0));
  const sorted = keyed.map((k) => k.r);
  return n >= 0 ? sorted.slice(Math.max(0, sorted.length - n)) : sorted;
}
