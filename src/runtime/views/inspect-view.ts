// `inspect` of a container: podman 4.3's InspectContainerData, same keys in
// the same order (what podman omits when empty is omitted here too), times as
// GoTime (RFC 3339 with nanoseconds in JSON, Go's String() in templates, so
// `{{.State.StartedAt}}` prints as podman's does), nil maps as `map[]`/null.
// Pure: the record comes in reconciled, the facts that need I/O (files
// present, image digest, security settings) come in `facts`.

import { goHumanSize } from '../../format/human.js';
import { GoTime } from '../../format/go-time.js';
import { GO_FORMAT } from '../../format/template.js';
import { NIL_MAP, NIL_POINTER, NIL_SLICE, withGoFields } from '../../format/go-fields.js';
import type { ContainerRecord } from '../../storage/containers.js';
import { NilMap } from './ps-view.js';
import { inspectBinds, inspectMounts, inspectTmpfs } from '../../volume/mount-views.js';

export interface InspectFacts {
  imageDigest: string;
  /** The container's log file ('' for the none driver). */
  logPath: string;
  /** Generated /etc files that exist ('' when not). */
  resolvConfPath: string;
  hostnamePath: string;
  hostsPath: string;
  /** containers/<id>/userdata. */
  staticDir: string;
  /** The monitor's pid file (--conmon-pidfile, else the default in the runtime dir). */
  conmonPidFile: string;
  /** Bridge networks (src/network/bridge/inspect-networks.ts): NetworkSettings.Networks. */
  networks?: Record<string, unknown> | undefined;
  graphDriver: { Name: string; Data: Record<string, string> | null };
  /** From security.json; undefined for containers made before it existed. */
  security?: {
    privileged: boolean;
    bounding: string[];
    effective: string[];
    noNewPrivileges: boolean;
    seccompProfile: string;
    readOnlyRoot: boolean;
    maskedPaths: string[];
    readonlyPaths: string[];
  } | undefined;
  /** The kernel's default capability set minus the container's bounding set (podman's CapDrop). */
  capDrop: string[];
  capAdd: string[];
  /** Exec sessions of the current run (exec/exec-sessions.ts). */
  execIds?: string[];
  /** --size: bytes of the writable layer and of the whole root filesystem. */
  size?: { rw: number; rootFs: number } | undefined;
  /** --userns keep-id, --uidmap/--gidmap: podman's `C:H:N` maps (userns-options.ts inspectIdMappings). */
  idMappings?: { UidMap: string[]; GidMap: string[] } | undefined;
}

/** podman's StopSignal default. */
const SIGTERM = 15;

function labels(rec: ContainerRecord): Record<string, string> | NilMap {
  const l = rec.config.labels;
  return l && Object.keys(l).length ? l : new NilMap();
}

function statusWord(rec: ContainerRecord): string {
  return rec.state.status;
}

interface HealthLogEntry {
  Start?: unknown;
  End?: unknown;
  ExitCode?: unknown;
  Output?: unknown;
}

/** HealthCheckResults is a Go struct: a template prints `{healthy 0 [...]}`, as podman; JSON keeps its keys. */
function healthValue(h: { Status: string; FailingStreak: number; Log: readonly HealthLogEntry[] | null }): object {
  const entry = (e: HealthLogEntry) => `{${[e.Start, e.End, e.ExitCode, e.Output].map((x) => String(x ?? '')).join(' ')}}`;
  const text = () => `{${h.Status} ${h.FailingStreak} [${(h.Log ?? []).map(entry).join(' ')}]}`;
  return Object.defineProperty({ ...h }, GO_FORMAT, { value: text, enumerable: false });
}

function inspectState(rec: ContainerRecord): Record<string, unknown> {
  const s = rec.state;
  const running = s.status === 'running';
  // A paused or stopping container has its process (and monitor) still: podman shows them, with Running false.
  const alive = running || s.status === 'paused' || s.status === 'stopping';
  const state: Record<string, unknown> = {
    OciVersion: '1.0.2-dev',
    Status: statusWord(rec),
    Running: running,
    Paused: s.status === 'paused',
    Restarting: false,
    OOMKilled: false,
    Dead: false,
    Pid: alive ? (s.pid ?? 0) : 0,
  };
  // ConmonPid is omitempty in podman.
  if (alive && s.monitor) state.ConmonPid = s.monitor.pid;
  Object.assign(state, {
    ExitCode: s.exitCode ?? 0,
    Error: s.error ?? '',
    StartedAt: GoTime.parseOrZero(s.startedAt),
    FinishedAt: GoTime.parseOrZero(alive ? undefined : s.finishedAt),
    // A container with a healthcheck is `starting` until its first result (since this start).
    Health: healthValue(s.health ?? (rec.config.healthcheck && alive ? { Status: 'starting', FailingStreak: 0, Log: null } : { Status: '', FailingStreak: 0, Log: null })),
    CheckpointedAt: GoTime.zero(),
    RestoredAt: GoTime.zero(),
  });
  // omitempty in podman's JSON; Healthcheck is its accessor of Health.
  return withGoFields(state, {
    CgroupPath: '',
    Checkpointed: false,
    CheckpointLog: '',
    CheckpointPath: '',
    Restored: false,
    RestoreLog: '',
    Healthcheck: state.Health,
  });
}

const ipcMode = (m: string | undefined) => (m === undefined || m === 'private' || m === 'none' ? 'shareable' : m);

/** A Go struct (InspectRestartPolicy): a template prints it `{on-failure 3}`, as podman; JSON keeps its keys. */
function restartPolicy(rec: ContainerRecord): { Name: string; MaximumRetryCount: number } {
  const p = rec.config.restartPolicy;
  const v = { Name: p && p.name !== 'no' ? p.name : '', MaximumRetryCount: p?.maxRetries ?? 0 };
  return Object.defineProperty(v, GO_FORMAT, { value: () => `{${v.Name} ${v.MaximumRetryCount}}`, enumerable: false });
}

/** A Go struct (InspectHostPort): a template prints it `{ 8080}`, as podman; JSON keeps its keys. */
function portBinding(HostIp: string, HostPort: string): { HostIp: string; HostPort: string } {
  return Object.defineProperty({ HostIp, HostPort }, GO_FORMAT, { value: () => `{${HostIp} ${HostPort}}`, enumerable: false });
}

/** HostConfig.PortBindings and NetworkSettings.Ports of a container (a pod's: of its infra). */
export function portBindings(rec: ContainerRecord): Record<string, Array<{ HostIp: string; HostPort: string }>> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of rec.config.ports ?? []) {
    for (let i = 0; i < (p.range ?? 1); i++) {
      const key = `${p.containerPort + i}/${p.protocol ?? 'tcp'}`;
      (out[key] ??= []).push(portBinding(p.hostIP ?? '', String(p.hostPort + i)));
    }
  }
  return out;
}

/**
 * podman's create-time spec annotations (inspect's Config.Annotations, keys
 * sorted as Go's map): its own flags' io.podman.annotations.* and the
 * --annotation values (which include the security-opt, cid-file and
 * volumes-from ones recorded at create).
 */
export function inspectAnnotations(rec: ContainerRecord, privileged: boolean): Record<string, string> {
  const flag = (b: boolean | undefined) => (b ? 'TRUE' : 'FALSE');
  const all: Record<string, string> = {
    'io.kubernetes.cri-o.TTY': String(rec.config.tty === true),
    'io.podman.annotations.autoremove': flag(rec.autoRemove),
    'io.podman.annotations.init': flag(rec.config.init),
    'io.podman.annotations.privileged': flag(privileged),
    'io.podman.annotations.publish-all': flag(rec.config.publishAll),
    ...rec.config.annotations,
  };
  return Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]!]));
}

/** inspect's Config.Annotations: once the container has started, podman reads its runtime spec, which has the start-time keys too. */
function inspectedAnnotations(rec: ContainerRecord, privileged: boolean): Record<string, string> {
  if (!rec.state.startedAt) return inspectAnnotations(rec, privileged);
  const all = containerAnnotations(rec, privileged);
  return Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]!]));
}

/** The annotations of the running container's OCI config (OCI hooks match and get them): inspect's and those podman adds at start. */
export function containerAnnotations(rec: ContainerRecord, privileged: boolean): Record<string, string> {
  return {
    'io.container.manager': 'libpod',
    'io.kubernetes.cri-o.Created': JSON.stringify(GoTime.parseOrZero(rec.created)).slice(1, -1),
    'org.opencontainers.image.stopSignal': String(rec.config.stopSignal ?? SIGTERM),
    ...inspectAnnotations(rec, privileged),
  };
}

/** podman's GetSecurityOptions: no-new-privileges, then the label, seccomp and apparmor annotations. */
function securityOpts(rec: ContainerRecord, sec: InspectFacts['security']): string[] {
  const a = rec.config.annotations ?? {};
  const out: string[] = [];
  if (sec?.noNewPrivileges) out.push('no-new-privileges');
  for (const key of ['label', 'seccomp', 'apparmor']) {
    const v = a[`io.podman.annotations.${key}`];
    if (v !== undefined) out.push(`${key}=${v}`);
  }
  return out;
}

function inspectConfig(rec: ContainerRecord, f: InspectFacts): Record<string, unknown> {
  const c = rec.config;
  const config = inspectConfigFields(rec, f);
  // podman's SystemdMode is omitempty in JSON, but a template still reads false.
  if (!c.systemd) Object.defineProperty(config, 'SystemdMode', { value: false, enumerable: false });
  // JSON's sdNotifyMode is the Go field SdNotifyMode a template names.
  Object.defineProperty(config, 'SdNotifyMode', { value: config.sdNotifyMode, enumerable: false });
  return config;
}

function inspectConfigFields(rec: ContainerRecord, f: InspectFacts): Record<string, unknown> {
  const c = rec.config;
  return {
    Hostname: c.hostname,
    Domainname: c.domainname ?? '',
    User: c.user,
    AttachStdin: c.attach?.includes('stdin') === true,
    AttachStdout: c.attach?.includes('stdout') === true,
    AttachStderr: c.attach?.includes('stderr') === true,
    Tty: c.tty === true,
    OpenStdin: c.stdin === true,
    StdinOnce: false,
    Env: c.env,
    Cmd: c.cmd.length ? c.cmd : null,
    Image: rec.imageName,
    Volumes: null,
    WorkingDir: c.workingDir,
    // podman 4 shows the entrypoint as one string.
    Entrypoint: c.entrypoint.join(' '),
    OnBuild: null,
    Labels: labels(rec),
    Annotations: inspectedAnnotations(rec, f.security?.privileged === true),
    StopSignal: c.stopSignal ?? SIGTERM,
    ...(c.healthcheck
      ? { Healthcheck: { Test: c.healthcheck.test, Interval: c.healthcheck.interval, Timeout: c.healthcheck.timeout, StartPeriod: c.healthcheck.startPeriod, Retries: c.healthcheck.retries } }
      : {}),
    HealthcheckOnFailureAction: c.healthcheck?.onFailure ?? 'none',
    ...(c.createCommand ? { CreateCommand: c.createCommand } : {}),
    ...(c.systemd ? { SystemdMode: true } : {}),
    Umask: c.umask !== undefined ? c.umask.padStart(4, '0') : '0022',
    Timeout: c.timeout ?? 0,
    StopTimeout: c.stopTimeout ?? 10,
    Passwd: true,
    sdNotifyMode: c.sdNotify ?? 'container',
    ...(c.timezone ? { Timezone: c.timezone } : {}),
    ...(c.expose?.length ? { ExposedPorts: Object.fromEntries(c.expose.map((p) => [p, {}])) } : {}),
  };
}

function inspectHostConfig(rec: ContainerRecord, f: InspectFacts): Record<string, unknown> {
  const c = rec.config;
  const sec = f.security;
  const annotations = c.annotations ?? {};
  const host: Record<string, unknown> = {
    Binds: inspectBinds(rec.config.mounts),
    CgroupManager: 'cgroupfs',
    CgroupMode: c.namespaces?.cgroupns ?? 'host',
    ContainerIDFile: annotations['io.podman.annotations.cid-file'] ?? '',
    LogConfig: {
      Type: c.logDriver ?? 'k8s-file',
      Config: null,
      Path: f.logPath,
      Tag: '',
      Size: goHumanSize(c.logMaxSize ?? 0),
    },
    NetworkMode: c.network,
    PortBindings: portBindings(rec),
    RestartPolicy: restartPolicy(rec),
    AutoRemove: rec.autoRemove,
    VolumeDriver: '',
    VolumesFrom: annotations['io.podman.annotations.volumes-from']?.split(',') ?? NIL_SLICE,
    CapAdd: f.capAdd,
    CapDrop: f.capDrop,
    Dns: c.dns ?? [],
    DnsOptions: c.dnsOptions ?? [],
    DnsSearch: c.dnsSearch ?? [],
    ExtraHosts: c.addHosts ?? [],
    GroupAdd: c.groupAdd ?? [],
    // podman 4.3 shows private and none as shareable too.
    IpcMode: ipcMode(c.namespaces?.ipc ?? podJoined(c, 'ipc')),
    Cgroup: '',
    // no-conmon is about conmon's cgroup only: podman shows default.
    Cgroups: c.cgroupsMode === 'disabled' ? c.cgroupsMode : 'default',
    Links: null,
    OomScoreAdj: c.oomScoreAdj ?? 0,
    PidMode: c.namespaces?.pid ?? podJoined(c, 'pid') ?? 'private',
    Privileged: sec?.privileged ?? false,
    PublishAllPorts: rec.config.publishAll === true,
    ReadonlyRootfs: sec?.readOnlyRoot ?? c.readOnly === true,
    SecurityOpt: securityOpts(rec, sec),
    Tmpfs: inspectTmpfs(rec.config.mounts),
    UTSMode: c.namespaces?.uts ?? podJoined(c, 'uts') ?? 'private',
    // podman: `private` for a namespace of its own (keep-id, --uidmap), '' for the default and host.
    UsernsMode: c.namespaces?.user ?? (f.idMappings ? 'private' : c.userns === 'host' ? '' : (c.userns ?? '')),
    ...(f.idMappings ? { IDMappings: f.idMappings } : {}),
    ShmSize: c.shmSize ?? 65536000,
    Runtime: 'oci',
    ConsoleSize: [0, 0],
    Isolation: '',
    CpuShares: 0,
    Memory: c.resources?.memory ?? 0,
    NanoCpus: Math.round((c.resources?.cpus ?? 0) * 1e9),
    CgroupParent: '',
    BlkioWeight: 0,
    BlkioWeightDevice: null,
    BlkioDeviceReadBps: null,
    BlkioDeviceWriteBps: null,
    BlkioDeviceReadIOps: null,
    BlkioDeviceWriteIOps: null,
    CpuPeriod: 0,
    CpuQuota: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: '',
    CpusetMems: '',
    Devices: [],
    DiskQuota: 0,
    KernelMemory: 0,
    MemoryReservation: 0,
    MemorySwap: 0,
    MemorySwappiness: 0,
    OomKillDisable: false,
    PidsLimit: c.resources?.pidsLimit ?? 0,
    Ulimits: [],
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    CgroupConf: null,
  };
  // podman 4.3 adds `"Init": true` for --init, and leaves it out otherwise.
  if (c.init) host.Init = true;
  return withGoFields(host, f.idMappings ? { Init: false } : { Init: false, IDMappings: NIL_POINTER });
}

/** The caps libpod compares against for CapAdd/CapDrop (Docker's default set). */
const DOCKER_DEFAULT_CAPS = [
  'CAP_AUDIT_WRITE', 'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_MKNOD',
  'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT',
];

/** HostConfig.CapAdd/CapDrop from a bounding set, as podman reports them (sorted names). */
export function capDiff(bounding: readonly string[] | undefined): { capAdd: string[]; capDrop: string[] } {
  if (!bounding) return { capAdd: [], capDrop: [] };
  const have = new Set(bounding);
  return {
    capAdd: [...have].filter((c) => !DOCKER_DEFAULT_CAPS.includes(c)).sort(),
    capDrop: DOCKER_DEFAULT_CAPS.filter((c) => !have.has(c)),
  };
}

const NETWORK_SETTINGS = {
  EndpointID: '',
  Gateway: '',
  IPAddress: '',
  IPPrefixLen: 0,
  IPv6Gateway: '',
  GlobalIPv6Address: '',
  GlobalIPv6PrefixLen: 0,
  MacAddress: '',
  Bridge: '',
  SandboxID: '',
  HairpinMode: false,
  LinkLocalIPv6Address: '',
  LinkLocalIPv6PrefixLen: 0,
};

/** podman's InspectContainerData for one (reconciled) container. */
export function inspectContainer(rec: ContainerRecord, f: InspectFacts): Record<string, unknown> {
  // podman 4.3 drops the path from Args only when there is more than one word (`true` gives Args ["true"]).
  const [path = '', ...rest] = rec.config.command;
  const args = rec.config.command.length > 1 ? rest : [...rec.config.command];
  const sec = f.security;
  const ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const [k, v] of Object.entries(portBindings(rec))) ports[k] = v;
  const data: Record<string, unknown> = {
    Id: rec.id,
    Created: GoTime.parseOrZero(rec.created),
    Path: path,
    Args: args,
    State: inspectState(rec),
    Image: rec.image,
    ImageDigest: f.imageDigest,
    ImageName: rec.imageName,
    Rootfs: rec.config.rootfs ?? '',
    Pod: rec.pod ?? '',
    ResolvConfPath: f.resolvConfPath,
    HostnamePath: f.hostnamePath,
    HostsPath: f.hostsPath,
    StaticDir: f.staticDir,
    // No OCI runtime or conmon here: the helper is both; the files podman names do not exist.
    OCIConfigPath: '',
    OCIRuntime: 'tsc-run-helper',
    ConmonPidFile: f.conmonPidFile,
    PidFile: rec.config.pidFile ?? '',
    Name: rec.name,
    RestartCount: rec.state.restartCount ?? 0,
    Driver: f.graphDriver.Name,
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    // podman sorts both by name.
    EffectiveCaps: [...(sec?.effective ?? [])].sort(),
    BoundingCaps: [...(sec?.bounding ?? [])].sort(),
    ExecIDs: f.execIds ?? [],
    GraphDriver: f.graphDriver,
    ...(f.size ? { SizeRw: f.size.rw, SizeRootFs: f.size.rootFs } : {}),
    Mounts: inspectMounts(rec.config.mounts),
    Dependencies: rec.config.requires ?? [],
    NetworkSettings: withGoFields(
      { ...NETWORK_SETTINGS, Ports: ports, SandboxKey: '', ...(f.networks ? { Networks: f.networks } : {}) },
      { Networks: NIL_MAP, SecondaryIPAddresses: NIL_SLICE, SecondaryIPv6Addresses: NIL_SLICE, AdditionalMacAddresses: NIL_SLICE },
    ),
    Namespace: '',
    IsInfra: rec.config.pause === true && rec.pod !== undefined,
    IsService: rec.config.isService === true,
    Config: inspectConfig(rec, f),
    HostConfig: inspectHostConfig(rec, f),
  };
  // Without --size podman's SizeRw is a nil pointer and SizeRootFs 0, both left out of its JSON.
  return withGoFields(data, { SizeRw: NIL_POINTER, SizeRootFs: 0 });
}

/** A pod member's namespace joined from the infra (`netJoin`): `container:<infra id>`, as podman shows it. */
function podJoined(c: ContainerRecord['config'], ns: 'ipc' | 'pid' | 'uts'): string | undefined {
  return c.netJoin?.includes(ns) && c.network.startsWith('container:') ? c.network : undefined;
}
