// `network create`: the user's request + the networks that exist + the
// host's own subnets → the new network's config, or podman's error. Subnet
// allocation is podman's: the first /24 of the pools 10.89.0.0/16,
// 10.90.0.0/15, 10.92.0.0/14, 10.96.0.0/11, 10.128.0.0/9 that overlaps no
// existing network and no host interface; IPv6 a random fdXX:...::/64
// (RFC 4193). Pure: ids and randomness come in through `rand`.

import { TscRunError, UsageError } from '../../errors.js';
import { firstIp, formatIp, formatNet, lastIp, netContains, netsOverlap, nextNet, parseCidr, parseIp, type IpNet } from './ip-net.js';
import { DEFAULT_INTERFACE_PREFIX, NAME_PATTERN, NAME_RE, type NetworkConfig, type SubnetConfig } from './network-config.js';

export interface CreateRequest {
  name?: string | undefined;
  driver?: string | undefined;
  subnets: readonly string[];
  gateways: readonly string[];
  ipRanges: readonly string[];
  ipv6: boolean;
  internal: boolean;
  disableDns: boolean;
  /** podman 4.5's --dns: the upstream servers of the network's DNS responder. */
  dnsServers?: readonly string[];
  labels: readonly string[];
  options: readonly string[];
  ipamDriver?: string | undefined;
  interfaceName?: string | undefined;
}

export interface CreateContext {
  existing: readonly NetworkConfig[];
  /** Subnets of the host's interfaces (podman counts them as used). */
  hostSubnets: readonly string[];
  /** Names of the host's interfaces (podman skips them for podmanN). */
  hostInterfaces: readonly string[];
  now: Date;
  /** n random bytes. */
  rand: (n: number) => Uint8Array;
  createdText: (now: Date) => string;
}

const POOLS: ReadonlyArray<[string, number]> = [
  ['10.89.0.0/16', 24],
  ['10.90.0.0/15', 24],
  ['10.92.0.0/14', 24],
  ['10.96.0.0/11', 24],
  ['10.128.0.0/9', 24],
];

/** podman's GetAllLabels: `k=v`, or `k` alone for an empty value. */
export function parseKeyValues(items: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (key === '') throw new UsageError(`${what}: invalid label format: ${JSON.stringify(item)}`);
    out[key] = eq < 0 ? '' : item.slice(eq + 1);
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function usedNets(ctx: CreateContext): IpNet[] {
  const out: IpNet[] = [];
  for (const n of ctx.existing) for (const s of n.subnets ?? []) {
    const c = parseCidr(s.subnet);
    if (c) out.push(c.net);
  }
  for (const s of ctx.hostSubnets) {
    const c = parseCidr(s);
    if (c) out.push(c.net);
  }
  return out;
}

export function freeIpv4Subnet(used: readonly IpNet[]): IpNet {
  for (const [pool, size] of POOLS) {
    const p = parseCidr(pool)!.net;
    let n: IpNet | undefined = { v6: false, base: p.base, prefix: size };
    while (n && netContains(p, { v6: false, value: n.base })) {
      const cand: IpNet = n;
      if (!used.some((u) => netsOverlap(u, cand))) return cand;
      n = nextNet(cand);
    }
  }
  throw new TscRunError('could not find free subnet from subnet pools');
}

export function freeIpv6Subnet(used: readonly IpNet[], rand: (n: number) => Uint8Array): IpNet {
  for (let i = 0; i < 10000; i++) {
    const b = rand(8);
    b[0] = 0xfd;
    let base = 0n;
    for (const x of b) base = (base << 8n) | BigInt(x);
    const cand: IpNet = { v6: true, base: base << 64n, prefix: 64 };
    if (!used.some((u) => netsOverlap(u, cand))) return cand;
  }
  throw new TscRunError('failed to get random ipv6 subnet');
}

function freeDeviceName(ctx: CreateContext): string {
  const taken = new Set<string>([...ctx.hostInterfaces]);
  for (const n of ctx.existing) {
    taken.add(n.name);
    if (n.network_interface) taken.add(n.network_interface);
  }
  for (let i = 1; i < 1_000_000; i++) {
    const name = `${DEFAULT_INTERFACE_PREFIX}${i}`;
    if (!taken.has(name)) return name;
  }
  throw new TscRunError('could not find free device name, to many iterations');
}

const invalidName = (what: string, name: string): TscRunError =>
  new TscRunError(`${what} ${name} invalid: names must match ${NAME_PATTERN}: invalid argument`);

function checkOptions(opts: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(opts)) {
    switch (key) {
      case 'mtu': {
        if (!/^\d+$/.test(value)) throw new TscRunError(`strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
        if (Number(value) < 0) throw new TscRunError(`mtu ${value} is less than zero`);
        out[key] = String(Number(value));
        break;
      }
      case 'isolate': {
        const b = /^(1|t|T|TRUE|true|True)$/.test(value) ? 'true' : /^(0|f|F|FALSE|false|False)$/.test(value) ? 'false' : undefined;
        if (b === undefined) throw new TscRunError(`failed to parse isolate option: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
        out[key] = b;
        break;
      }
      case 'vlan':
        throw new TscRunError('the vlan option is not supported by tsc-run: its bridges live in a rootless network namespace with no link to a physical network');
      default:
        throw new TscRunError(`unsupported bridge network option ${key}`);
    }
  }
  return out;
}

/** The config of the network to create; throws podman's message when the request cannot be met. */
export function planNetworkCreate(req: CreateRequest, ctx: CreateContext): NetworkConfig {
  const driver = req.driver ?? 'bridge';
  if (driver === 'macvlan' || driver === 'ipvlan') {
    throw new TscRunError(`${driver} networks are not supported rootless: they need a parent interface in the host's network namespace, which an unprivileged user cannot use; use --driver bridge`);
  }
  if (driver !== 'bridge') throw new TscRunError(`unsupported driver ${driver}: invalid argument`);
  const ipam = req.ipamDriver ?? 'host-local';
  if (ipam !== 'host-local') {
    throw new TscRunError(
      ipam === 'none' || ipam === 'dhcp'
        ? `the ${ipam} IPAM driver is not supported by tsc-run: its bridge networks always assign addresses (host-local)`
        : `unsupported ipam driver ${JSON.stringify(ipam)}`,
    );
  }
  if (req.subnets.length === 0 && (req.gateways.length || req.ipRanges.length)) throw new UsageError('cannot set gateway or range without subnet');
  if (req.gateways.length > req.subnets.length) throw new UsageError('cannot set more gateways than subnets');
  if (req.ipRanges.length > req.subnets.length) throw new UsageError('cannot set more ranges than subnets');
  const labels = parseKeyValues(req.labels, 'failed to parse labels');
  const options = checkOptions(parseKeyValues(req.options, 'unable to parse options'));

  let name = req.name;
  let iface = req.interfaceName;
  if (name !== undefined && name !== '') {
    if (!NAME_RE.test(name)) throw invalidName('network name', name);
    if (ctx.existing.some((n) => n.name === name)) throw new TscRunError(`network name ${name} already used: network already exists`);
  } else {
    name = freeDeviceName(ctx);
    iface ??= name;
  }
  if (iface !== undefined) {
    if (ctx.existing.some((n) => n.network_interface === iface)) throw new TscRunError(`bridge name ${iface} already in use`);
    if (!NAME_RE.test(iface)) throw invalidName('bridge name', iface);
  } else {
    iface = freeDeviceName(ctx);
  }

  const used = usedNets(ctx);
  const wanted: Array<{ net: IpNet; gateway?: string; range?: string }> = req.subnets.map((s, i) => {
    const c = parseCidr(s);
    if (!c) throw new UsageError(`invalid CIDR address: ${s}`);
    return { net: c.net, ...(req.gateways[i] !== undefined ? { gateway: req.gateways[i] } : {}), ...(req.ipRanges[i] !== undefined ? { range: req.ipRanges[i] } : {}) };
  });
  if (wanted.length === 0) wanted.push({ net: freeIpv4Subnet(used) });
  if (req.ipv6 || wanted.some((w) => w.net.v6)) {
    if (!wanted.some((w) => !w.net.v6)) wanted.push({ net: freeIpv4Subnet(used) });
    if (!wanted.some((w) => w.net.v6)) wanted.push({ net: freeIpv6Subnet(used, ctx.rand) });
  }
  const addGateway = !req.internal || !req.disableDns;
  const subnets: SubnetConfig[] = [];
  const taken: IpNet[] = [...used];
  for (const w of wanted) {
    if (taken.some((u) => netsOverlap(u, w.net))) throw new TscRunError(`subnet ${formatNet(w.net)} is already used on the host or by another config`);
    taken.push(w.net);
    const s: SubnetConfig = { subnet: formatNet(w.net) };
    if (w.gateway !== undefined) {
      const g = parseIp(w.gateway);
      if (!g) throw new UsageError(`invalid argument "${w.gateway}" for "--gateway" flag: invalid string being converted to IP address: ${w.gateway}`);
      if (!netContains(w.net, g)) throw new TscRunError(`gateway ${formatIp(g)} not in subnet ${formatNet(w.net)}`);
      s.gateway = formatIp(g);
    } else if (addGateway) {
      s.gateway = formatIp(firstIp(w.net));
    }
    if (w.range !== undefined) {
      const r = parseCidr(w.range);
      if (!r) throw new UsageError(`invalid CIDR address: ${w.range}`);
      const start = firstIp(r.net);
      const end = lastIp(r.net);
      if (!netContains(w.net, start)) throw new TscRunError(`lease range start ip ${formatIp(start)} not in subnet ${formatNet(w.net)}`);
      if (!netContains(w.net, end)) throw new TscRunError(`lease range end ip ${formatIp(end)} not in subnet ${formatNet(w.net)}`);
      s.lease_range = { start_ip: formatIp(start), end_ip: formatIp(end) };
    }
    subnets.push(s);
  }

  let id = hex(ctx.rand(32));
  while (ctx.existing.some((n) => n.id === id)) id = hex(ctx.rand(32));
  const out: NetworkConfig = {
    name,
    id,
    driver,
    network_interface: iface,
    created: ctx.createdText(ctx.now),
    subnets,
    ipv6_enabled: subnets.some((s) => s.subnet.includes(':')),
    internal: req.internal,
    dns_enabled: !req.disableDns,
  };
  if (req.dnsServers?.length) {
    if (req.disableDns) throw new TscRunError('cannot set NetworkDNSServers if DNS is disabled');
    for (const d of req.dnsServers) if (!parseIp(d)) throw new TscRunError(`${d} is not an ip address`);
    out.network_dns_servers = [...req.dnsServers];
  }
  if (Object.keys(labels).length) out.labels = labels;
  if (Object.keys(options).length) out.options = options;
  out.ipam_options = { driver: 'host-local' };
  return out;
}
