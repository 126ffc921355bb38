// `pod create`: the pod's record and its infra container. The infra has no
// image: its root is an empty directory and its process is the helper
// itself (`run --pause`, docs/pods.md), PID 1 of the pod's namespaces. It
// carries the pod's network (mode, published ports, /etc/hosts and
// resolv.conf flags) and user namespace; members join it at their start.

import fs from 'node:fs/promises';
import { emitContainer } from '../events/emit.js';
import { TscRunError, UsageError } from '../errors.js';
import { randomContainerName } from '../runtime/container/container-names.js';
import { parseAddHost, userdataDir } from '../runtime/container/container-files.js';
import { planContainerSecurity, writeContainerSecurity } from '../runtime/security/security-args.js';
import { ContainerStore, newContainerId, type ContainerConfig, type ContainerRecord, type ContainerStorage, type NetworkAttachment, type PortMapping } from '../storage/containers.js';
import type { TreeOps } from '../storage/layers/layer-store.js';
import type { ImageRecord } from '../storage/images.js';
import { hostDeviceInfo } from '../runtime/create-flags/host-devices.js';
import { parseDevices, parseShmSize } from '../runtime/create-flags/process-flags.js';
import { emitPod } from './pod-events.js';
import { PodStore, type ExitPolicy, type PodRecord, type SharedNamespace } from './pod-store.js';

export interface PodCreateInput {
  dataRoot: string;
  name?: string | undefined;
  labels: Record<string, string>;
  hostname?: string | undefined;
  /** --hostname was given (default: when `hostname` is); pod inspect shows Hostname only then. */
  hostnameSet?: boolean | undefined;
  share: SharedNamespace[];
  exitPolicy: ExitPolicy;
  createCommand: string[];
  infra: boolean;
  infraName?: string | undefined;
  /** The infra's network, resolved (src/network/network-flags.ts) with its ports. */
  network: string;
  networkOptions: string[];
  /** bridge: the named networks the infra joins (the pod answers to its name there, as podman's). */
  networks?: Record<string, NetworkAttachment> | undefined;
  ports: PortMapping[];
  addHosts: string[];
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  noHosts: boolean;
  userns?: string | undefined;
  uidmap: string[];
  gidmap: string[];
  kubeFile?: string | undefined;
  volumes?: readonly string[] | undefined;
  volumesFrom?: readonly string[] | undefined;
  /** --infra-image (and --infra-command): the infra is an ordinary container of that image instead of the helper's pause. */
  infraImage?: InfraImage | undefined;
  /** --device, --security-opt, --shm-size: recorded for members, applied to the infra too. */
  member?: MemberDefaults | undefined;
  /** --sysctl (parsed): the infra's, in the namespaces members share. */
  sysctls?: Record<string, string> | undefined;
  namespaces?: { pid?: 'host' | 'private' | undefined; uts?: 'host' | 'private' | undefined } | undefined;
  shareParent?: boolean | undefined;
  infraConmonPidfile?: string | undefined;
  /** The resource flags, for pod inspect (pod-resources.ts). */
  limits?: import('./pod-resources.js').PodLimits | undefined;
  rmtree: (...paths: string[]) => Promise<void>;
}

export interface InfraImage {
  image: string;
  record?: ImageRecord | undefined;
  /** podman's --infra-command: one word, the entrypoint (the image's CMD is dropped). */
  command?: string | undefined;
  storage: ContainerStorage;
  treeOps: TreeOps;
}

/** pod create flags every member gets (checked already, paths absolute). */
export interface MemberDefaults {
  devices?: string[];
  securityOpt?: string[];
  shmSize?: string;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function parseExitPolicy(v: string | undefined): ExitPolicy {
  if (v === undefined || v === 'continue') return 'continue';
  if (v === 'stop') return 'stop';
  throw new UsageError(`running pod create option: invalid pod exit policy: "${v}"`);
}

/** Flags that configure the infra cannot be given without one (podman's wording). */
export function checkNoInfraFlags(given: readonly string[]): void {
  if (given.length) throw new UsageError(`cannot specify ${given[0]} when the pod has no infra container: invalid argument`);
}

/** podman registers an infra under its pod's name on a network (getCNIPodName): peers reach the pod by it. */
function podAttachments(networks: Record<string, NetworkAttachment>, podName: string): Record<string, NetworkAttachment> {
  const out: Record<string, NetworkAttachment> = {};
  for (const [n, a] of Object.entries(networks)) out[n] = { ...a, aliases: [...new Set([podName, ...(a.aliases ?? [])])] };
  return out;
}

function infraConfig(i: PodCreateInput, hostname: string, podName: string): ContainerConfig {
  const c: ContainerConfig = {
    command: [],
    entrypoint: [],
    cmd: [],
    env: [],
    workingDir: '/',
    user: '',
    uid: 0,
    gid: 0,
    hostname,
    network: i.network,
    pause: true,
    logDriver: 'none',
    stopSignal: 15,
    stopTimeout: 10,
  };
  if (i.networkOptions.length) c.networkOptions = i.networkOptions;
  if (i.networks && Object.keys(i.networks).length) c.networks = podAttachments(i.networks, podName);
  if (i.ports.length) c.ports = i.ports;
  if (i.addHosts.length) {
    for (const h of i.addHosts) parseAddHost(h, '0.0.0.0');
    c.addHosts = i.addHosts;
  }
  if (i.dns.length) c.dns = i.dns;
  if (i.dnsSearch.length) c.dnsSearch = i.dnsSearch;
  if (i.dnsOptions.length) c.dnsOptions = i.dnsOptions;
  if (i.noHosts) c.noHosts = true;
  if (i.userns) c.userns = i.userns;
  if (i.uidmap.length) c.uidmap = i.uidmap;
  if (i.gidmap.length) c.gidmap = i.gidmap;
  Object.assign(c, infraProcessConfig(i));
  return c;
}

/** The infra's own share of the pod's --sysctl, --shm-size, --pid/--uts, --device and --infra-conmon-pidfile. */
function infraProcessConfig(i: PodCreateInput): Partial<ContainerConfig> {
  const c: Partial<ContainerConfig> = {};
  if (i.sysctls && Object.keys(i.sysctls).length) c.sysctls = i.sysctls;
  if (i.member?.shmSize !== undefined) c.shmSize = parseShmSize(i.member.shmSize);
  const ns: NonNullable<ContainerConfig['namespaces']> = {};
  if (i.namespaces?.pid) ns.pid = i.namespaces.pid;
  if (i.namespaces?.uts) ns.uts = i.namespaces.uts;
  if (Object.keys(ns).length) c.namespaces = ns;
  if (i.member?.devices?.length) c.devices = parseDevices(i.member.devices, hostDeviceInfo);
  if (i.infraConmonPidfile !== undefined) c.conmonPidFile = i.infraConmonPidfile;
  return c;
}

/**
 * --infra-image: the infra is made as `create` makes any container (layers,
 * storage, the image's user and env), with the pod's network, ports, /etc
 * flags and user namespace; `pause` marks it the pod's infra (rm refuses it,
 * members bind its /etc/hosts) while its command is the image's (or
 * --infra-command), not the helper's pause.
 */
async function createImageInfra(i: PodCreateInput, img: InfraImage, o: { podId: string; name: string; hostname: string; podName: string }): Promise<ContainerRecord> {
  const { createContainer } = await import('../runtime/container/container-create.js');
  const base = infraConfig(i, o.hostname, o.podName);
  const config: Partial<ContainerConfig> = { pause: true };
  for (const k of ['networks', 'ports', 'userns', 'uidmap', 'gidmap', 'sysctls', 'shmSize', 'namespaces', 'devices', 'conmonPidFile'] as const) {
    if (base[k] !== undefined) Object.assign(config, { [k]: base[k] });
  }
  return createContainer({
    dataRoot: i.dataRoot,
    image: img.image,
    imageRecord: img.record,
    name: o.name,
    flags: { command: [], env: [], ...(img.command !== undefined ? { entrypoint: JSON.stringify([img.command]) } : {}) },
    hostname: o.hostname,
    network: i.network,
    networkOptions: i.networkOptions,
    autoRemove: false,
    treeOps: img.treeOps,
    storage: img.storage,
    addHosts: i.addHosts,
    dns: i.dns,
    dnsSearch: i.dnsSearch,
    dnsOptions: i.dnsOptions,
    noHosts: i.noHosts,
    config,
    security: { securityOpt: i.member?.securityOpt },
    pod: o.podId,
  });
}

export async function createPod(i: PodCreateInput): Promise<PodRecord> {
  const pods = new PodStore(i.dataRoot);
  const containers = new ContainerStore(i.dataRoot);
  if (i.name !== undefined && !NAME_RE.test(i.name)) {
    throw new UsageError(`pod name ${JSON.stringify(i.name)} is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument`);
  }
  const id = newContainerId();
  const taken = new Set(pods.list().map((p) => p.name));
  // podman's pods get a random container-like name too (`<adjective>_<name>`).
  const name = i.name ?? randomContainerName(taken);
  const hostname = i.hostname ?? (i.infra ? name : '');
  const record: PodRecord = {
    id,
    name,
    created: new Date().toISOString(),
    createCommand: i.createCommand,
    labels: i.labels,
    hostname,
    share: i.infra ? i.share : [],
    exitPolicy: i.exitPolicy,
  };
  if (i.hostnameSet ?? i.hostname !== undefined) record.hostnameSet = true;
  if (i.limits && Object.keys(i.limits).length) record.limits = i.limits;
  if (i.kubeFile !== undefined) record.kubeFile = i.kubeFile;
  if (i.volumes?.length) record.volumes = [...i.volumes];
  if (i.volumesFrom?.length) record.volumesFrom = [...i.volumesFrom];
  if (i.member?.devices?.length) record.devices = i.member.devices;
  if (i.member?.securityOpt?.length) record.securityOpt = i.member.securityOpt;
  if (i.member?.shmSize !== undefined) record.shmSize = i.member.shmSize;
  if (i.infra && (i.namespaces?.pid || i.namespaces?.uts)) {
    record.namespaces = {};
    if (i.namespaces.pid) record.namespaces.pid = i.namespaces.pid;
    if (i.namespaces.uts) record.namespaces.uts = i.namespaces.uts;
  }
  if (i.shareParent === false) record.shareParent = false;
  // The pause infra runs under the pod's --security-opt too (podman gives them to its infra).
  const security = i.infra ? await planContainerSecurity({ securityOpt: i.member?.securityOpt }, { uid: 0 }) : undefined;

  await pods.create(record, async (r) => {
    if (!i.infra) return;
    const infraName = i.infraName ?? `${id.slice(0, 12)}-infra`;
    if (i.infraImage) {
      let infra: ContainerRecord | undefined;
      try {
        infra = await createImageInfra(i, i.infraImage, { podId: id, name: infraName, hostname, podName: name });
        r.infraId = infra.id;
        await pods.update(id, (p) => {
          p.infraId = infra!.id;
        });
      } catch (err) {
        // No pod without its infra (as for the pause infra below).
        if (infra) await containers.remove(infra.id, i.rmtree).catch(() => undefined);
        await fs.rm(`${pods.dir}/${id}`, { recursive: true, force: true });
        throw err;
      }
      return;
    }
    const infraId = newContainerId();
    const infra: ContainerRecord = {
      id: infraId,
      name: infraName,
      image: '',
      imageName: '',
      layers: [],
      created: r.created,
      autoRemove: false,
      config: infraConfig(i, hostname, name),
      state: { status: 'created' },
      storage: { driver: 'vfs' },
      pod: id,
    };
    try {
      await containers.create(infra);
      await fs.mkdir(containers.rootfsDir(infraId), { mode: 0o755 });
      await writeContainerSecurity(userdataDir(containers.containerDir(infraId)), security!);
      r.infraId = infraId;
      await pods.update(id, (p) => {
        p.infraId = infraId;
      });
    } catch (err) {
      // No pod without its infra: both go (the pod record is rewritten last, so a kill here leaves a pod `pod rm` cleans).
      await containers.remove(infraId, i.rmtree).catch(() => undefined);
      await fs.rm(`${pods.dir}/${id}`, { recursive: true, force: true });
      throw err instanceof TscRunError ? err : new TscRunError(`creating the infra container of pod ${name}: ${(err as Error).message}`, undefined, { cause: err });
    }
    emitContainer(i.dataRoot, infra, 'create');
  });
  emitPod(i.dataRoot, record, 'create');
  return record;
}
