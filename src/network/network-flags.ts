// The network flags of run/create (--network, -p, -P) checked together,
// before anything is stored: the mode to record, the port requests, and
// podman's rules between them (ports are dropped with podman's warning on
// host, none and container: networks; DNS and host flags cannot change the
// files a container: network shares; a privileged host port is refused
// when rootless). The host and the store are reached through `deps`.

import fs from 'node:fs';
import { TscRunError } from '../errors.js';
import type { ContainerRecord, NetworkAttachment } from '../storage/containers.js';
import type { NetworkConfig } from './config/network-config.js';
import { networkOptionsOf, parseNetworkFlag, resolveNetworkMode } from './network-mode.js';
import { parsePortSpec, type PortRequest } from './port-spec.js';
import { privilegedPortError } from './privileged-ports.js';

export interface NetworkFlags {
  /** Several when --network was given more than once. */
  network?: string | readonly string[] | undefined;
  publish: readonly string[];
  publishAll: boolean;
  /** Flags that write the generated hosts / resolv.conf. */
  dnsFlags: readonly string[];
  addHosts: readonly string[];
  /** --userns, --uidmap or --gidmap given. */
  usernsFlags: boolean;
  /** --network-alias, --ip, --ip6, --mac-address: for the one bridge network. */
  aliases?: readonly string[];
  ip?: string | undefined;
  ip6?: string | undefined;
  mac?: string | undefined;
}

export interface NetworkDeps {
  installed(): { pasta: boolean; slirp4netns: boolean };
  lookupContainer(nameOrId: string): Promise<ContainerRecord>;
  /** A named network's config (throws podman's not-found error). */
  lookupNetwork(nameOrId: string): Promise<NetworkConfig>;
  rootless: boolean;
  unprivilegedPortStart(): number;
  warn(message: string): void;
}

export interface NetworkPlan {
  network: string;
  networkOptions: string[];
  ports: PortRequest[];
  publishAll: boolean;
  /** container:NAME: the container whose network (and user namespace) this one shares. */
  sharedWith?: ContainerRecord;
  /** bridge: the networks by name. */
  networks?: Record<string, NetworkAttachment>;
}

const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** `ip=`, `ip6=`, `mac=`, `alias=`, `interface_name=` of `--network NAME:...` (podman's keys). */
function applyBridgeOptions(att: NetworkAttachment, name: string, options: readonly string[]): void {
  for (const o of options) {
    const eq = o.indexOf('=');
    const key = eq < 0 ? o : o.slice(0, eq);
    const value = eq < 0 ? '' : o.slice(eq + 1);
    switch (key) {
      case 'ip':
      case 'ip6':
        (att.staticIps ??= []).push(value);
        break;
      case 'mac':
        if (!MAC_RE.test(value)) throw new TscRunError(`invalid MAC address ${JSON.stringify(value)}`);
        att.staticMac = value.toLowerCase();
        break;
      case 'alias':
        (att.aliases ??= []).push(value);
        break;
      case 'interface_name':
        att.interfaceName = value;
        break;
      default:
        throw new TscRunError(`unknown bridge network option: ${key}`);
    }
  }
  if (att.staticIps) {
    for (const ip of att.staticIps) {
      if (!/^[0-9a-fA-F:.]+$/.test(ip)) throw new TscRunError(`invalid IP address ${JSON.stringify(ip)} for network ${name}`);
    }
  }
}

async function planBridge(values: readonly string[], f: NetworkFlags, deps: NetworkDeps): Promise<Record<string, NetworkAttachment>> {
  const networks: Record<string, NetworkAttachment> = {};
  let index = 0;
  for (const v of values) {
    const req = parseNetworkFlag(v);
    if (req.kind !== 'bridge') throw new TscRunError(`cannot set multiple networks without bridge network mode, selected mode ${req.kind}: invalid argument`);
    const net = await deps.lookupNetwork(req.name);
    if (Object.hasOwn(networks, net.name)) throw new TscRunError(`network ${net.name} is given more than once`);
    const att: NetworkAttachment = { interfaceName: `eth${index++}` };
    applyBridgeOptions(att, net.name, req.options);
    networks[net.name] = att;
  }
  const single = Boolean(f.aliases?.length || f.ip || f.ip6 || f.mac);
  if (single) {
    if (values.length > 1) throw new TscRunError('--network-alias, --ip, --ip6 and --mac-address can only be set for a single network: use --network NAME:alias=A,ip=IP,mac=MAC for each');
    const att = Object.values(networks)[0]!;
    const extra = [...(f.aliases ?? []).map((a) => `alias=${a}`), ...(f.ip ? [`ip=${f.ip}`] : []), ...(f.ip6 ? [`ip6=${f.ip6}`] : []), ...(f.mac ? [`mac=${f.mac}`] : [])];
    applyBridgeOptions(att, Object.keys(networks)[0]!, extra);
  }
  return networks;
}

/** Rootless, a host port below net.ipv4.ip_unprivileged_port_start cannot be bound. */
function checkLowPorts(ports: readonly PortRequest[], deps: NetworkDeps): void {
  if (!deps.rootless) return;
  const start = deps.unprivilegedPortStart();
  const low = ports.filter((p) => p.hostPort > 0 && p.hostPort < start).map((p) => p.hostPort);
  if (low.length) throw privilegedPortError(Math.min(...low), start);
}

export async function planNetwork(f: NetworkFlags, deps: NetworkDeps): Promise<NetworkPlan> {
  const values = f.network === undefined ? [] : typeof f.network === 'string' ? [f.network] : f.network.map(String);
  const req = parseNetworkFlag(values[0]);
  const single = Boolean(f.aliases?.length || f.ip || f.ip6 || f.mac);
  if (req.kind === 'bridge') {
    const networks = await planBridge(values, f, deps);
    if (f.usernsFlags) throw new TscRunError('--userns, --uidmap and --gidmap cannot be used with bridge networks: their containers share the rootless network namespace\'s user namespace');
    const ports = f.publish.map(parsePortSpec);
    if (ports.some((p) => p.protocol.split(',').some((x) => x.toLowerCase() === 'sctp'))) {
      throw new TscRunError('sctp ports cannot be published into a bridge network by tsc-run: its forwarder relays tcp and udp');
    }
    checkLowPorts(ports, deps);
    return { network: 'bridge', networkOptions: [], ports, publishAll: f.publishAll, networks };
  }
  if (single) throw new TscRunError('--network-alias, --ip, --ip6 and --mac-address need a bridge network (--network NAME)');
  // Several networks exist only for bridges (podman).
  if (values.length > 1) {
    throw new TscRunError(`cannot set multiple networks without bridge network mode, selected mode ${req.kind === 'default' ? 'private' : req.kind}: invalid argument`);
  }
  let ports = f.publish.map(parsePortSpec);
  let publishAll = f.publishAll;
  if (req.kind === 'ns') {
    // podman's check at create; joined at each start (the helper's --ns-join net=).
    try {
      fs.statSync(req.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new TscRunError(`cannot find specified network namespace path: stat ${req.path}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'not a directory' : (err as Error).message}`);
    }
    if (f.usernsFlags) throw new TscRunError(`--userns, --uidmap and --gidmap cannot be used with --network ns:${req.path}: the container lives in the user namespace that owns the network namespace`);
  }
  if ((req.kind === 'host' || req.kind === 'none' || req.kind === 'container' || req.kind === 'ns') && (ports.length || publishAll)) {
    deps.warn('Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use');
    ports = [];
    publishAll = false;
  }
  if (req.kind === 'container') {
    let target: ContainerRecord;
    try {
      target = await deps.lookupContainer(req.nameOrId);
    } catch (err) {
      throw new TscRunError(`looking up container to share net namespace with: ${(err as Error).message}`, undefined, { cause: err });
    }
    const conflict = f.dnsFlags.length ? f.dnsFlags[0] : f.addHosts.length ? '--add-host' : f.usernsFlags ? '--userns' : undefined;
    if (conflict) {
      throw new TscRunError(
        `conflicting options: ${conflict} and --network container:${req.nameOrId} (the container shares the network, /etc/hosts, /etc/resolv.conf and user namespace of ${target.name})`,
      );
    }
    return { network: `container:${target.id}`, networkOptions: [], ports: [], publishAll: false, sharedWith: target };
  }
  const network = resolveNetworkMode(req, deps.installed());
  if (network === 'pasta' || network === 'slirp4netns') checkLowPorts(ports, deps);
  return { network, networkOptions: networkOptionsOf(req), ports, publishAll };
}
