// At every start: what a container's network mode needs from the helper
// (`--net ...` options, docs/helper-protocol.md "Network") and from its
// generated /etc files (its address, the host's, the network's resolver),
// or, for `container:ID`, the other container's namespaces (its live
// process, start time checked by the helper) and files to mirror.
//
//   const net = await prepareContainerNetwork(roots, record)
//   // net.helperArgs → `run` options; net.files → writeContainerFiles; net.joinsUserns → no --uid-map

import { engineConfig } from '../host/engine-config.js';
import fs from 'node:fs';
import type { Roots } from '../config/paths.js';
import { TscRunError } from '../errors.js';
import { findExecutable } from '../host/executables.js';
import { networkNameservers, PASTA_DNS_FORWARD } from '../runtime/container/container-files.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import { DNS_DOMAIN } from './dns/dns-records.js';
import { hostLocalAddress, pastaContainerAddress, pastaHostAddress } from './host-address.js';
import { sharedNetworkContainer } from './network-mode.js';
import { addJoinerHosts, etcFilesDir } from './shared-etc-files.js';
import { pastaArgs } from './pasta-args.js';
import { checkPrivilegedPorts } from './privileged-ports.js';
import { slirpPlan } from './slirp-args.js';

export interface NetworkFilesInput {
  containerIps?: string[];
  hostGateway?: string;
  /** The host.containers.internal address this network gives (podman 4.3: the host's own address rootless, the bridge's gateway as root). */
  hostContainersInternal?: string;
  networkNameservers?: string[];
  /** Search domains the network adds before the host's (dns.podman with a DNS responder). */
  networkSearch?: string[];
  ipv6?: boolean;
  /** container:ID: the userdata dir of the container whose namespace it is (the chain's root): its hosts and resolv.conf themselves are bound (shared-etc-files.ts). */
  mirrorDir?: string;
}

export interface ContainerNetwork {
  helperArgs: string[];
  files: NetworkFilesInput;
  /** container:ID: the helper joins that container's user namespace instead of making one. */
  joinsUserns: boolean;
}

function program(name: 'pasta' | 'slirp4netns'): string {
  // --network-cmd-path / network_cmd_path (containers.conf) name slirp4netns, as in podman.
  const p = (name === 'slirp4netns' ? engineConfig().networkCmdPath : undefined) ?? findExecutable(name);
  if (!p) throw new TscRunError(`${name} is not installed: ${name === 'pasta' ? 'sudo apt-get install passt' : 'sudo apt-get install slirp4netns'}, or use another --network`);
  return p;
}

function programArgs(path: string, args: readonly string[]): string[] {
  return ['--net-program', path, ...args.flatMap((a) => ['--net-arg', a])];
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The running container whose network `c` shares: its live pid and start time; the files dir of the chain's root. */
async function sharedTarget(roots: Roots, c: ContainerRecord, id: string): Promise<{ args: string[]; mirrorDir: string }> {
  const store = new ContainerStore(roots.dataRoot);
  const target = await store.get(id);
  if (!target) throw new TscRunError(`the container whose network ${c.name} shares (${id.slice(0, 12)}) no longer exists`);
  const { liveRecord } = await import('../runtime/container/container-observe.js');
  const s = liveRecord(roots.runRoot, target).state;
  if (s.status !== 'running' || !s.pid || !s.pidStartTime) {
    throw new TscRunError(`container ${target.name} is not running: ${c.name} shares its network namespace (--network container:${target.name}), start ${target.name} first`);
  }
  const join = c.config.netJoin?.length ? ['--net-join', c.config.netJoin.join(',')] : [];
  // A pod member in the infra's ipc namespace shares its /dev/shm too (podman's pods do).
  if (c.config.netJoin?.includes('ipc')) join.push('--shm-join', `container:${s.pid}:${s.pidStartTime}`);
  return { args: ['--net', `container:${s.pid}:${s.pidStartTime}`, ...join], mirrorDir: await etcFilesDir(store, target) };
}

export async function prepareContainerNetwork(roots: Roots, c: ContainerRecord): Promise<ContainerNetwork> {
  const mode = c.config.network;
  const options = c.config.networkOptions ?? [];
  const ports = c.config.ports ?? [];
  const shared = sharedNetworkContainer(mode);
  if (shared !== undefined) {
    const t = await sharedTarget(roots, c, shared);
    await addJoinerHosts(roots, c);
    return { helperArgs: t.args, files: { mirrorDir: t.mirrorDir }, joinsUserns: true };
  }
  const local = hostLocalAddress();
  const localFiles: NetworkFilesInput = local ? { hostContainersInternal: local } : {};
  if (mode === 'host' || mode === 'none') return { helperArgs: ['--net', mode], files: localFiles, joinsUserns: false };
  // ns:PATH: that network namespace, in the user namespace owning it (the helper's --ns-join finds it).
  if (mode.startsWith('ns:')) return { helperArgs: ['--net', 'host', '--ns-join', `net=path:${mode.slice(3)}`], files: localFiles, joinsUserns: true };
  if (mode === 'bridge') {
    checkPrivilegedPorts(ports, process.getuid!() !== 0);
    const { prepareBridgeNetwork } = await import('./bridge/bridge-attach.js');
    const b = await prepareBridgeNetwork(roots, c);
    // Outside names through pasta's DNS forward when the host has only loopback resolvers.
    // The DNS responder first (its networks' gateways), then the host's, as podman.
    const nameservers = [...b.dnsServers, ...networkNameservers('pasta', readText('/etc/resolv.conf'))];
    const files: NetworkFilesInput = { containerIps: b.containerIps, networkNameservers: nameservers };
    // As root the bridge lives on the host: its gateway (IPv4 first); rootless it is in the rootless netns.
    const gateways = b.attachments.flatMap((a) => a.gateways);
    const hci = process.getuid!() === 0 ? (gateways.find((g) => !g.includes(':')) ?? gateways[0] ?? local) : local;
    if (hci) files.hostContainersInternal = hci;
    if (b.dnsServers.length) files.networkSearch = [DNS_DOMAIN];
    // The container lives in the holder's user namespace (docs/networking.md); with no network
    // (its last one disconnected) too: it has lo only, as podman, and `network connect` can wire it.
    if (!b.attachments.length) return { helperArgs: b.helperArgs, files: localFiles, joinsUserns: true };
    return { helperArgs: b.helperArgs, files, joinsUserns: true };
  }
  // Checked again at every start: the sysctl may have changed since create.
  checkPrivilegedPorts(ports, process.getuid!() !== 0);
  if (mode === 'pasta') {
    const forward = networkNameservers('pasta', readText('/etc/resolv.conf')).includes(PASTA_DNS_FORWARD) ? PASTA_DNS_FORWARD : undefined;
    const ip = pastaContainerAddress(options);
    const hostAddr = pastaHostAddress(options, ip);
    return {
      helperArgs: ['--net', 'pasta', ...programArgs(program('pasta'), pastaArgs({ ports, options, dnsForward: forward }))],
      files: { ...(ip ? { containerIps: [ip] } : {}), ...(hostAddr ? { hostContainersInternal: hostAddr } : {}) },
      joinsUserns: false,
    };
  }
  if (mode === 'slirp4netns') {
    const plan = slirpPlan(options, ports);
    return {
      helperArgs: ['--net', 'slirp4netns', ...programArgs(program('slirp4netns'), plan.args), ...plan.requests.flatMap((r) => ['--net-api-request', r])],
      files: { containerIps: [plan.containerIp], hostGateway: plan.gateway, networkNameservers: [plan.dns], ...localFiles },
      joinsUserns: false,
    };
  }
  throw new TscRunError(`unknown network mode ${JSON.stringify(mode)} in the container's record`);
}
