// The network flags of run/create (--network, -p, -P) checked together,
// before anything is stored: the mode to record, the port requests, and
// podman 4.3's rules between them, in its order and words
// (cmd/podman/common/netflags.go, containers/create.go, specgen): ports are
// dropped with podman's warning on host, none and container: networks (a
// pod refuses them); DNS flags cannot act on none or a container: network;
// --ip/--ip6/--mac-address/--network-alias need a bridge; a privileged
// host port is refused when rootless. The host and the store are reached
// through `deps`.

import fs from 'node:fs';
import { isIP } from 'node:net';
import { TscRunError } from '../errors.js';
import type { ContainerRecord, NetworkAttachment } from '../storage/containers.js';
import type { NetworkConfig } from './config/network-config.js';
import { networkOptionsOf, parseNetworkFlag, resolveNetworkMode, type NetworkRequest } from './network-mode.js';
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
  /** --dns-search values (checked as podman's ValidateDomain). */
  dnsSearch?: readonly string[];
  /** pod create: ports on a network without a program are refused, not dropped. */
  pod?: boolean;
}

export interface NetworkDeps {
  installed(): { pasta: boolean; slirp4netns: boolean };
  lookupContainer(nameOrId: string): Promise<ContainerRecord>;
  /** A named network's config (throws podman's not-found error). */
  lookupNetwork(nameOrId: string): Promise<NetworkConfig>;
  rootless: boolean;
  unprivilegedPortStart(): number;
  /** A warning podman prints as a plain line (specgen's warnings, not logrus'). */
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

/** Go's net.ParseMAC for the 6-byte forms podman takes (colon, dash, dotted); lower-case colon form. */
function parseMac(value: string): string {
  const hex = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/.test(value)
    ? value.replace(/[:-]/g, '')
    : /^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(value)
      ? value.replace(/\./g, '')
      : undefined;
  if (hex === undefined) throw new TscRunError(`address ${value}: invalid MAC address`);
  return hex.toLowerCase().replace(/(..)(?!$)/g, '$1:');
}

/** `ip=`, `ip6=`, `mac=`, `alias=`, `interface_name=` of `--network NAME:...` (podman's parseBridgeNetworkOptions). */
function applyBridgeOptions(att: NetworkAttachment, options: readonly string[]): void {
  for (const o of options) {
    const eq = o.indexOf('=');
    const key = eq < 0 ? o : o.slice(0, eq);
    const value = eq < 0 ? '' : o.slice(eq + 1);
    switch (key) {
      case 'ip':
      case 'ip6':
        if (isIP(value) === 0) throw new TscRunError(`invalid ip address ${JSON.stringify(value)}`);
        (att.staticIps ??= []).push(value);
        break;
      case 'mac':
        att.staticMac = parseMac(value);
        break;
      case 'alias':
        if (value === '') throw new TscRunError('alias cannot be empty');
        (att.aliases ??= []).push(value);
        break;
      case 'interface_name':
        if (value === '') throw new TscRunError('interface_name cannot be empty');
        att.interfaceName = value;
        break;
      default:
        throw new TscRunError(`unknown bridge network option: ${key}`);
    }
  }
}

/** Options of one `--network NAME:OPTS`, with podman's prefix naming the network. */
function bridgeOptionsFor(att: NetworkAttachment, name: string, options: readonly string[]): void {
  try {
    applyBridgeOptions(att, options);
  } catch (err) {
    throw new TscRunError(`invalid option for network ${name}: ${(err as Error).message}`, undefined, { cause: err });
  }
}

/** Words that name a network mode, not a network, when given as a second --network (podman's list, and pasta). */
const MODE_WORDS = ['bridge', 'slirp4netns', 'pasta', 'pod', 'none', 'default', 'private', 'ns', 'container', 'host'];

/** The first --network value's names: podman still reads `a,b` (no options) as two networks. */
function networkValues(values: readonly string[]): string[] {
  const first = values[0];
  if (first === undefined || first.includes(':') || !first.includes(',')) return [...values];
  return [...first.split(','), ...values.slice(1)];
}

async function planBridge(values: readonly string[], f: NetworkFlags, deps: NetworkDeps): Promise<Record<string, NetworkAttachment>> {
  const networks: Record<string, NetworkAttachment> = {};
  let index = 0;
  for (const [i, v] of values.entries()) {
    const word = v.split(':')[0]!;
    if (i > 0 && MODE_WORDS.includes(word)) throw new TscRunError(`can only set extra network names, selected mode ${word} conflicts with bridge: invalid argument`);
    if (word === '') throw new TscRunError(i > 0 ? 'network name cannot be empty: invalid argument' : 'network name cannot be empty');
    const req = parseNetworkFlag(v);
    if (req.kind !== 'bridge') throw new TscRunError(`can only set extra network names, selected mode ${req.kind} conflicts with bridge: invalid argument`);
    const att: NetworkAttachment = { interfaceName: `eth${index++}` };
    bridgeOptionsFor(att, req.name, req.options);
    const net = await deps.lookupNetwork(req.name);
    if (Object.hasOwn(networks, net.name)) throw new TscRunError(`network ${net.name} is given more than once`);
    networks[net.name] = att;
  }
  const only = Object.values(networks);
  // Checked by checkBridgeOnlyFlags: --ip, --ip6 and --mac-address with one network only.
  if (f.ip) (only[0]!.staticIps ??= []).push(f.ip);
  if (f.ip6) (only[0]!.staticIps ??= []).push(f.ip6);
  if (f.mac) only[0]!.staticMac = parseMac(f.mac);
  // podman gives --network-alias to every network.
  if (f.aliases?.length) for (const att of only) att.aliases = [...(att.aliases ?? []), ...f.aliases];
  return networks;
}

/** podman's ValidateDomain: a letter somewhere, dot-separated labels of letters, digits and inner dashes. */
const DOMAIN_RE = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*\.?\s*$/;

function checkDnsSearch(domains: readonly string[]): void {
  for (const d of domains) {
    if (d === '.') {
      if (domains.length > 1) throw new TscRunError("cannot pass additional search domains when also specifying '.'");
      continue;
    }
    if (!/[a-zA-Z]/.test(d) || !DOMAIN_RE.test(d) || d.length >= 255) throw new TscRunError(`${d} is not a valid domain`);
  }
}

/**
 * --ip, --ip6, --mac-address, --network-alias: podman's netflags.go checks,
 * in its order: each value, then the mode (a bridge or the default), then
 * one network for an address. `count` is the number of networks given.
 */
function checkBridgeOnlyFlags(f: NetworkFlags, kind: NetworkRequest['kind'], count: number): void {
  const modeOk = kind === 'bridge' || kind === 'default';
  for (const [flag, ip] of [['ip', f.ip], ['ip6', f.ip6]] as const) {
    if (!ip) continue;
    if (isIP(ip) === 0) throw new TscRunError(`${JSON.stringify(ip)} is not an ip address`);
    if (!modeOk) throw new TscRunError(`--${flag} can only be set when the network mode is bridge: invalid argument`);
    if (count > 1) throw new TscRunError(`--${flag} can only be set for a single network: invalid argument`);
  }
  if (f.mac) {
    parseMac(f.mac);
    if (!modeOk) throw new TscRunError('--mac-address can only be set when the network mode is bridge: invalid argument');
    if (count > 1) throw new TscRunError('--mac-address can only be set for a single network: invalid argument');
  }
  if (f.aliases?.length && !modeOk) throw new TscRunError('--network-alias can only be set when the network mode is bridge: invalid argument');
}

/** Rootless, a host port below net.ipv4.ip_unprivileged_port_start cannot be bound. */
function checkLowPorts(ports: readonly PortRequest[], deps: NetworkDeps): void {
  if (!deps.rootless) return;
  const start = deps.unprivilegedPortStart();
  const low = ports.filter((p) => p.hostPort > 0 && p.hostPort < start).map((p) => p.hostPort);
  if (low.length) throw privilegedPortError(Math.min(...low), start);
}

export async function planNetwork(f: NetworkFlags, deps: NetworkDeps): Promise<NetworkPlan> {
  const values = networkValues(f.network === undefined ? [] : typeof f.network === 'string' ? [f.network] : f.network.map(String));
  checkDnsSearch(f.dnsSearch ?? []);
  const req = parseNetworkFlag(values[0]);
  // Several networks exist only for bridges (podman).
  if (values.length > 1 && req.kind !== 'bridge') {
    throw new TscRunError(`cannot set multiple networks without bridge network mode, selected mode ${req.kind === 'default' ? 'private' : req.kind}: invalid argument`);
  }
  checkBridgeOnlyFlags(f, req.kind, Math.max(values.length, 1));
  if ((req.kind === 'none' || req.kind === 'container') && f.dnsFlags.length) {
    throw new TscRunError(`conflicting options: dns and the network mode: ${req.kind}`);
  }
  if (req.kind === 'bridge') {
    const networks = await planBridge(values, f, deps);
    const ports = f.publish.map(parsePortSpec);
    if (ports.some((p) => p.protocol.split(',').some((x) => x.toLowerCase() === 'sctp'))) {
      throw new TscRunError('sctp ports cannot be published into a bridge network by tsc-run: its forwarder relays tcp and udp');
    }
    checkLowPorts(ports, deps);
    return { network: 'bridge', networkOptions: [], ports, publishAll: f.publishAll, networks };
  }
  // The default network here is pasta or slirp4netns, never a bridge (podman rootless: slirp4netns).
  if (f.aliases?.length || f.ip || f.ip6 || f.mac) {
    throw new TscRunError('invalid config provided: networks and static ip/mac address can only be used with Bridge mode networking');
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
  if (req.kind === 'host' || req.kind === 'none' || req.kind === 'container' || req.kind === 'ns') {
    // podman: only -p mappings are warned about; -P alone is dropped silently; a pod refuses them.
    if (ports.length && f.pod) throw new TscRunError('PortMappings can only be used with Bridge or slirp4netns networking');
    if (ports.length) deps.warn('Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use');
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
    if (f.addHosts.length) {
      throw new TscRunError('invalid config provided: cannot set extra host entries when the container is joined to another containers network namespace: invalid configuration');
    }
    if (f.usernsFlags) {
      throw new TscRunError(
        `conflicting options: --userns and --network container:${req.nameOrId} (the container shares the network and user namespace of ${target.name})`,
      );
    }
    return { network: `container:${target.id}`, networkOptions: [], ports: [], publishAll: false, sharedWith: target };
  }
  const network = resolveNetworkMode(req, deps.installed());
  if (network === 'pasta' || network === 'slirp4netns') checkLowPorts(ports, deps);
  return { network, networkOptions: networkOptionsOf(req), ports, publishAll };
}
