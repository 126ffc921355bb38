// `pod create`'s flags (also `run --pod new:NAME` and kube play) → the
// input of createPod: network and ports resolved as for run
// (src/network/network-flags.ts), --share, --exit-policy, labels, and the
// flags that need an infra refused without one.

import fs from 'node:fs/promises';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Roots } from '../config/paths.js';
import { TscRunError, UsageError } from '../errors.js';
import { findExecutable } from '../host/executables.js';
import { planNetwork } from '../network/network-flags.js';
import { readUnprivilegedPortStart } from '../network/privileged-ports.js';
import { publishedPorts } from '../network/published-ports.js';
import { parseLabels } from '../runtime/container/run-options.js';
import { checkNoInfraFlags, createPod, parseExitPolicy, type InfraImage, type MemberDefaults, type PodCreateInput } from './pod-create.js';
import { podVolumes } from './pod-resources.js';
import { parseShare } from './pod-share.js';
import type { PodRecord } from './pod-store.js';

export interface PodFlags {
  name?: string | undefined;
  infra: boolean;
  infraName?: string | undefined;
  infraCommand?: string | undefined;
  infraImage?: string | undefined;
  share?: string | undefined;
  publish: string[];
  /** Several for several bridge networks. */
  network?: string | readonly string[] | undefined;
  networkAliases?: readonly string[] | undefined;
  ip?: string | undefined;
  ip6?: string | undefined;
  mac?: string | undefined;
  hostname?: string | undefined;
  addHost: string[];
  dns: string[];
  dnsSearch: string[];
  dnsOption: string[];
  noHosts: boolean;
  label: string[];
  userns?: string | undefined;
  uidmap: string[];
  gidmap: string[];
  exitPolicy?: string | undefined;
  podIdFile?: string | undefined;
  replace: boolean;
  createCommand: string[];
  kubeFile?: string | undefined;
  /** -v for every member. */
  volume?: readonly string[] | undefined;
  /** --volumes-from: the containers named and the -v values their mounts make (resolved by the command). */
  volumesFrom?: { names: string[]; volumes: string[] } | undefined;
  /** --device, --security-opt, --shm-size: every member's (podman's InfraInherit), the infra's too. */
  device?: readonly string[] | undefined;
  securityOpt?: readonly string[] | undefined;
  shmSize?: string | undefined;
  /** --sysctl: set in the infra, whose namespaces (net, ipc) the members share. */
  sysctl?: readonly string[] | undefined;
  /** --pid, --uts: the infra's namespace modes. */
  pid?: string | undefined;
  uts?: string | undefined;
  shareParent?: boolean | undefined;
  /** --infra-conmon-pidfile: where the infra's monitor pid is written at each start. */
  infraConmonPidfile?: string | undefined;
  /** The resource flags as pod inspect shows them (checkPodResources). */
  limits?: import('./pod-resources.js').PodLimits | undefined;
}

export interface PodFlagDeps {
  roots: Roots;
  warn: (msg: string) => void;
  rmtree: (...paths: string[]) => Promise<void>;
  /** --replace: remove the existing pod of that name (forced). */
  removeExisting: (pod: PodRecord) => Promise<void>;
  /** --infra-image: the image made local (the command's pull policy), storage and tree ops for its container. */
  resolveInfraImage?: (image: string) => Promise<Omit<InfraImage, 'command'>>;
}

/**
 * containers.conf's infra_image (and infra_command) where no --infra-image is given: podman runs
 * that image as the infra. Unset (our default), the infra is the helper's pause mode, no image.
 */
async function withConfInfra(f: PodFlags): Promise<PodFlags> {
  if (!f.infra || f.infraImage !== undefined) return f;
  const { engineConfig } = await import('../host/engine-config.js');
  const conf = engineConfig();
  if (conf.infraImage === undefined) return f;
  return { ...f, infraImage: conf.infraImage, infraCommand: f.infraCommand ?? conf.infraCommand };
}

export async function createPodFromFlags(f0: PodFlags, deps: PodFlagDeps): Promise<PodRecord> {
  const f = await withConfInfra(f0);
  const given0: string[] = [];
  if (f.infraCommand !== undefined && f.infraImage === undefined) {
    throw new UsageError('--infra-command needs --infra-image here: the default infra runs no command (the helper itself holds the pod\'s namespaces)');
  }
  if (f.infraImage !== undefined && !deps.resolveInfraImage) throw new UsageError('--infra-image is not supported here');
  if (!f.infra) {
    if (f.infraImage !== undefined) given0.push('--infra-image');
    if (f.infraCommand !== undefined) given0.push('--infra-command');
    // podman's own words for these, in its order of checks (cmd/podman/pods/create.go).
    if (f.noHosts) throw new UsageError('cannot specify --no-hosts without an infra container');
    if (f.infraName !== undefined) throw new UsageError('cannot set infra-name without an infra container');
    if (f.share !== undefined && f.share !== 'none' && f.share !== '') throw new UsageError(`cannot set share(${f.share}) namespaces without an infra container`);
    if (f.publish.length) throw new UsageError('you must have an infra container to publish port bindings to the host');
    const given: string[] = [...given0];
    if (f.network !== undefined) given.push('--network');
    if (f.addHost.length) given.push('--add-host');
    if (f.dns.length) given.push('--dns');
    if (f.sysctl?.length) given.push('--sysctl');
    if (f.pid !== undefined) given.push('--pid');
    if (f.uts !== undefined) given.push('--uts');
    if (f.infraConmonPidfile !== undefined) given.push('--infra-conmon-pidfile');
    checkNoInfraFlags(given);
  }
  for (const d of f.dns) if (isIP(d) === 0) throw new UsageError(`${d} is not an ip address`);
  const share = parseShare(f.share);
  if (f.infra && share.includes('cgroup') && f.shareParent !== false) {
    throw new UsageError("cannot define the pod as the cgroup parent at the same time as joining the infra container's cgroupNS: invalid argument");
  }
  const infraNs = { pid: podNamespace('pid', f.pid), uts: podNamespace('uts', f.uts) };
  if (infraNs.uts === 'host' && f.hostname !== undefined) throw new UsageError('invalid config provided: cannot set hostname when running in the host UTS namespace: invalid configuration');
  const member = await memberDefaults(f);
  const exitPolicy = parseExitPolicy(f.exitPolicy);
  const volumes = podVolumes([...(f.volumesFrom?.volumes ?? []), ...(f.volume ?? [])]);
  const labels = parseLabels(f.label);
  let network = 'none';
  let networkOptions: string[] = [];
  let ports: PodCreateInput['ports'] = [];
  let networks: PodCreateInput['networks'];
  let sysctls: Record<string, string> | undefined;
  if (f.infra) {
    const plan = await planNetwork(
      {
        network: f.network,
        publish: f.publish,
        publishAll: false,
        dnsFlags: [...(f.dns.length ? ['--dns'] : []), ...(f.dnsSearch.length ? ['--dns-search'] : []), ...(f.dnsOption.length ? ['--dns-option'] : [])],
        addHosts: f.addHost,
        usernsFlags: f.userns !== undefined || f.uidmap.length > 0 || f.gidmap.length > 0,
        aliases: f.networkAliases ?? [],
        dnsSearch: f.dnsSearch,
        pod: true,
        ip: f.ip,
        ip6: f.ip6,
        mac: f.mac,
      },
      {
        installed: () => ({ pasta: findExecutable('pasta') !== undefined, slirp4netns: findExecutable('slirp4netns') !== undefined }),
        lookupContainer: () => Promise.reject(new UsageError('a pod cannot share the network of a container (--network container:): give it to its members instead')),
        // A named network: the infra is attached to it (src/network's bridge), members share its namespace.
        lookupNetwork: async (n) => {
          const { NetworkStore } = await import('../network/config/network-store.js');
          return new NetworkStore(deps.roots.dataRoot).lookup(n);
        },
        rootless: process.getuid!() !== 0,
        unprivilegedPortStart: () => readUnprivilegedPortStart(),
        warn: deps.warn,
      },
    );
    network = plan.network;
    networkOptions = plan.networkOptions;
    if (f.sysctl?.length) {
      const { parseSysctls } = await import('../runtime/create-flags/process-flags.js');
      sysctls = parseSysctls(f.sysctl, { ownNetns: network !== 'host', ownIpc: true, ownUts: infraNs.uts !== 'host' });
    }
    networks = plan.networks;
    ports = plan.ports.length ? await publishedPorts(plan.ports, undefined, { mode: network, options: networkOptions }) : [];
  }
  if (f.userns !== undefined || f.uidmap.length || f.gidmap.length) {
    const { planUserns } = await import('../runtime/userns/userns-options.js');
    const { hostUserNamespace } = await import('../host/preflight.js');
    const host = hostUserNamespace();
    planUserns({ mode: f.userns ?? '', uidmap: f.uidmap, gidmap: f.gidmap }, host.kind === 'rootless' ? host.maps : undefined, { uid: process.getuid!(), gid: process.getgid!() });
  }
  let idFile: string | undefined;
  if (f.podIdFile !== undefined) {
    idFile = path.resolve(f.podIdFile);
    if (await fs.stat(idFile).then(() => true, () => false)) {
      throw new TscRunError(`pod id file exists. Ensure another pod is not using it or delete ${idFile}`);
    }
  }
  if (f.replace && f.name !== undefined) {
    const { PodStore } = await import('./pod-store.js');
    const old = new PodStore(deps.roots.dataRoot).list().find((p) => p.name === f.name);
    if (old) await deps.removeExisting(old);
  }
  const infraImage = f.infra && f.infraImage !== undefined ? { ...(await deps.resolveInfraImage!(f.infraImage)), command: f.infraCommand } : undefined;
  const pod = await createPod({
    dataRoot: deps.roots.dataRoot,
    name: f.name,
    labels,
    // In the host's uts namespace the pod's hostname is the host's (the members' /etc/hostname and /etc/hosts say so).
    hostname: infraNs.uts === 'host' ? os.hostname() : f.hostname,
    hostnameSet: f.hostname !== undefined,
    limits: f.limits,
    share,
    exitPolicy,
    createCommand: f.createCommand,
    infra: f.infra,
    infraName: f.infraName,
    network,
    networkOptions,
    networks,
    ports,
    addHosts: f.addHost,
    dns: f.dns,
    dnsSearch: f.dnsSearch,
    dnsOptions: f.dnsOption,
    noHosts: f.noHosts,
    userns: f.userns,
    uidmap: f.uidmap,
    gidmap: f.gidmap,
    kubeFile: f.kubeFile,
    volumes,
    volumesFrom: f.volumesFrom?.names,
    infraImage,
    member,
    sysctls,
    namespaces: infraNs,
    shareParent: f.shareParent,
    infraConmonPidfile: f.infraConmonPidfile !== undefined ? path.resolve(f.infraConmonPidfile) : undefined,
    rmtree: deps.rmtree,
  });
  if (idFile) await fs.writeFile(idFile, pod.id, { flag: 'wx', mode: 0o644 });
  return pod;
}

/** --pid/--uts of a pod: its infra's mode (podman's words; a pod cannot join another container's or a path's namespace here). */
export function podNamespace(flag: 'pid' | 'uts', v: string | undefined): 'host' | 'private' | undefined {
  if (v === undefined || v === '') return undefined;
  if (v === 'host' || v === 'private') return v;
  if (v.startsWith('container:') || v.startsWith('ns:')) {
    throw new UsageError(`--${flag} ${v}: a pod's infra cannot join another container's or a path's ${flag} namespace in tsc-run; use host or private`);
  }
  throw new UsageError(`unrecognized namespace mode ${v} passed`);
}

/** --device, --security-opt, --shm-size checked as run checks them; paths made absolute (members are created elsewhere). */
async function memberDefaults(f: PodFlags): Promise<MemberDefaults> {
  const out: MemberDefaults = {};
  if (f.device?.length) {
    const { parseDevices } = await import('../runtime/create-flags/process-flags.js');
    const { hostDeviceInfo } = await import('../runtime/create-flags/host-devices.js');
    parseDevices(f.device, hostDeviceInfo);
    out.devices = [...f.device];
  }
  if (f.securityOpt?.length) {
    const { parseSecurityOpts } = await import('../runtime/security/security-args.js');
    const opts = f.securityOpt.map((o) => {
      const m = /^seccomp([=:])(.*)$/.exec(o);
      return m && m[2] !== 'unconfined' && m[2] !== '' ? `seccomp${m[1]}${path.resolve(m[2]!)}` : o;
    });
    parseSecurityOpts(opts);
    out.securityOpt = opts;
  }
  if (f.shmSize !== undefined) {
    const { parseShmSize } = await import('../runtime/create-flags/process-flags.js');
    parseShmSize(f.shmSize);
    out.shmSize = f.shmSize;
  }
  return out;
}
