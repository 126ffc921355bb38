// The `info` report: assembled from gathered host facts into podman's JSON
// layout (json tags), plus our own extra keys. Pure: no I/O.

import type { CgroupFacts } from './cgroup-probe.js';
import type { GoViewSpec } from './go-view.js';
import type { NetworkFacts, NetworkProgramInfo } from './network-backends.js';
import type { DriverChoice, OverlayProbe } from './storage-driver.js';
import type { SystemFacts } from './system-facts.js';
import { NIL_MAP } from '../format/go-fields.js';

/** One line of a uid/gid map, with podman's json tags. */
export interface InfoIdMap {
  container_id: number;
  host_id: number;
  size: number;
}

export interface StoreFacts {
  configFile: string;
  choice: DriverChoice;
  probe: OverlayProbe;
  graphRoot: string;
  runRoot: string;
  /** statfs of the graph root (or its nearest existing parent). */
  graphRootAllocated: number;
  graphRootUsed: number;
  backingFilesystem: string;
  imageCount: number;
  containers: { number: number; paused: number; running: number; stopped: number };
}

export interface SecurityFacts {
  apparmorEnabled: boolean;
  selinuxEnabled: boolean;
  seccompEnabled: boolean;
  seccompProfilePath: string;
  capabilities: readonly string[];
}

export interface InfoFacts {
  system: SystemFacts;
  rootless: boolean;
  /** null as root (no mappings), like podman. */
  uidmap: InfoIdMap[] | null;
  gidmap: InfoIdMap[] | null;
  cgroup: CgroupFacts;
  network: NetworkFacts;
  security: SecurityFacts;
  store: StoreFacts;
  registriesSearch: readonly string[];
  /** versionReport().Client */
  version: Record<string, string | number>;
  /** Global flags and containers.conf's [engine]. */
  engine?: { eventsBackend: string; volumePath?: string | undefined } | undefined;
  /** Where the helper (our OCI runtime) is. */
  helperPath?: string;
  /** Where a service would listen (podman's API socket); tsc-run has none, so it exists only if something else made it. */
  remoteSocket?: { path: string; exists: boolean };
}

const NO_PROGRAM: NetworkProgramInfo = { executable: '', package: '', version: '' };

export function buildInfoReport(f: InfoFacts) {
  const s = f.system;
  const st = f.store;
  const fuse = !!st.choice.mountProgram;
  const host = {
    arch: s.arch,
    // Scripts read these keys; there is no buildah or conmon inside us, so they carry our version.
    buildahVersion: String(f.version.Version ?? ''),
    cgroupManager: 'cgroupfs',
    cgroupVersion: f.cgroup.version,
    cgroupControllers: f.cgroup.controllers,
    // Ours: whether --memory/--cpus/--pids-limit can work, and why (not).
    cgroupDelegated: f.cgroup.delegation.delegated,
    cgroupDelegationDetail: f.cgroup.delegation.detail,
    // No conmon or OCI runtime: our helper is both; name it where podman names them.
    conmon: { package: '', path: '', version: '' },
    cpus: s.cpus,
    cpuUtilization: s.cpuUtilization,
    databaseBackend: 'json',
    distribution: s.distribution,
    eventLogger: f.engine?.eventsBackend ?? 'file',
    hostname: s.hostname,
    idMappings: { gidmap: f.gidmap, uidmap: f.uidmap },
    kernel: s.kernel,
    linkmode: 'dynamic',
    logDriver: 'k8s-file',
    memFree: s.memFree,
    memTotal: s.memTotal,
    networkBackend: f.network.defaultNetwork,
    ociRuntime: { name: 'tsc-run-helper', package: '', path: f.helperPath ?? '', version: `tsc-run-helper version ${String(f.version.Version ?? '')}` },
    os: s.os,
    pasta: f.network.pasta ?? NO_PROGRAM,
    // podman's json tags are omitempty: `exists` only when true.
    ...(f.remoteSocket ? { remoteSocket: f.remoteSocket.exists ? { path: f.remoteSocket.path, exists: true } : { path: f.remoteSocket.path } } : {}),
    rootlessNetworkCmd: f.network.defaultNetwork,
    security: {
      apparmorEnabled: f.security.apparmorEnabled,
      capabilities: f.security.capabilities.join(','),
      rootless: f.rootless,
      seccompEnabled: f.security.seccompEnabled,
      seccompProfilePath: f.security.seccompProfilePath,
      selinuxEnabled: f.security.selinuxEnabled,
    },
    serviceIsRemote: false,
    slirp4netns: f.network.slirp4netns ?? NO_PROGRAM,
    swapFree: s.swapFree,
    swapTotal: s.swapTotal,
    uptime: s.uptime,
    variant: '',
  };
  const store = {
    configFile: st.configFile,
    containerStore: st.containers,
    graphDriverName: st.choice.driver,
    // Ours: why this driver (the probe, the config, the fallback).
    graphDriverReason: st.choice.reason,
    graphOptions: fuse
      ? { 'overlay.mount_program': { Executable: st.choice.mountProgram!, Package: '', Version: '' } }
      : {},
    graphRoot: st.graphRoot,
    graphRootAllocated: st.graphRootAllocated,
    graphRootUsed: st.graphRootUsed,
    graphStatus:
      st.choice.driver === 'overlay'
        ? {
            'Backing Filesystem': st.backingFilesystem,
            'Native Overlay Diff': String(!fuse),
            'Supports d_type': 'true',
            'Using metacopy': 'false',
          }
        : {},
    imageCopyTmpDir: '/var/tmp',
    imageStore: { number: st.imageCount },
    runRoot: st.runRoot,
    transientStore: false,
    volumePath: f.engine?.volumePath ?? `${st.graphRoot}/volumes`,
  };
  const registries: Record<string, unknown> = {};
  if (f.registriesSearch.length) registries.search = [...f.registriesSearch];
  return {
    host,
    store,
    registries,
    plugins: {
      volume: ['local'],
      network: ['pasta', 'slirp4netns'],
      log: ['k8s-file', 'none'],
      authorization: null,
    },
    version: f.version,
  };
}

export type InfoReport = ReturnType<typeof buildInfoReport>;

/** Go field names that are not simply the json tag capitalised (libpod/define/info.go). */
export const INFO_GO_SPEC: GoViewSpec = {
  renames: {
    apparmorEnabled: 'AppArmorEnabled',
    capabilities: 'DefaultCapabilities',
    cgroupVersion: 'CgroupsVersion',
    container_id: 'ContainerID',
    cpuUtilization: 'CPUUtilization',
    cpus: 'CPUs',
    gidmap: 'GIDMap',
    host_id: 'HostID',
    idMappings: 'IDMappings',
    ociRuntime: 'OCIRuntime',
    os: 'OS',
    seccompEnabled: 'SECCOMPEnabled',
    seccompProfilePath: 'SECCOMPProfilePath',
    selinuxEnabled: 'SELinuxEnabled',
    slirp4netns: 'Slirp4NetNS',
    uidmap: 'UIDMap',
  },
  maps: new Set(['registries', 'store.graphOptions', 'store.graphStatus']),
  zeros: { 'host.remoteSocket': { Exists: false }, 'host.distribution': { Variant: '' }, host: { RuntimeInfo: NIL_MAP } },
};
