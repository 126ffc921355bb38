// What a container's attachments to bridge networks mean inside the
// rootless network namespace: its addresses (static, or the lowest free one
// of the subnet or lease range), veth names, and the `ip -batch` lines for
// both ends; and the iptables rules of a network's bridge. Pure.

import { TscRunError } from '../../errors.js';
import { firstIp, formatIp, lastIp, netContains, parseCidr, parseIp, type IpAddr } from '../config/ip-net.js';
import type { NetworkConfig } from '../config/network-config.js';

export interface AttachmentRequest {
  network: NetworkConfig;
  interfaceName: string;
  staticIps: readonly string[];
  staticMac?: string | undefined;
}

export interface PlannedAttachment {
  network: string;
  bridge: string;
  interfaceName: string;
  /** Host side of the veth, in the rootless netns (`tsv` marks ours: the holder counts them). */
  veth: string;
  /** `10.89.0.2/24`-style addresses, one per subnet. */
  addresses: string[];
  gateways: string[];
  mac?: string | undefined;
  internal: boolean;
}

/** The lowest free address of each subnet (its lease range if any), gateway excluded, or the static one. */
export function allocateAddresses(req: AttachmentRequest, used: ReadonlySet<string>): { addresses: string[]; gateways: string[] } {
  const addresses: string[] = [];
  const gateways: string[] = [];
  const statics = req.staticIps.map((s) => {
    const ip = parseIp(s);
    if (!ip) throw new TscRunError(`${s} is not an IP address`);
    return ip;
  });
  for (const st of statics) {
    if (!(req.network.subnets ?? []).some((sn) => netContains(parseCidr(sn.subnet)!.net, st))) {
      throw new TscRunError(`requested static ip ${formatIp(st)} not in any subnet on network ${req.network.name}`);
    }
  }
  for (const sn of req.network.subnets ?? []) {
    const net = parseCidr(sn.subnet)!.net;
    if (sn.gateway) gateways.push(sn.gateway);
    const st = statics.find((s) => netContains(net, s));
    if (st) {
      const text = formatIp(st);
      if (used.has(text)) throw new TscRunError(`IPAM error: requested ip address ${text} is already allocated to container ID ${'another container'}`);
      addresses.push(`${text}/${net.prefix}`);
      continue;
    }
    const from: IpAddr = sn.lease_range?.start_ip ? parseIp(sn.lease_range.start_ip)! : firstIp(net);
    const to: IpAddr = sn.lease_range?.end_ip ? parseIp(sn.lease_range.end_ip)! : lastIp(net);
    let found: string | undefined;
    // Never the network address, the gateway, or the broadcast address.
    for (let v = from.value; v < to.value || (v === to.value && net.v6); v++) {
      if (v === net.base) continue;
      const text = formatIp({ v6: net.v6, value: v });
      if (text === sn.gateway || used.has(text)) continue;
      found = text;
      break;
    }
    if (!found) throw new TscRunError(`IPAM error: failed to find free IP in range: ${sn.subnet}`);
    addresses.push(`${found}/${net.prefix}`);
  }
  return { addresses, gateways };
}

export function vethName(containerId: string, index: number): string {
  return `tsv${containerId.slice(0, 9)}${index.toString(36)}`;
}

/** `ip -batch` lines run in the rootless netns: the veth, its peer moved into the container's namespace. */
export function holderSideLines(a: PlannedAttachment, mtu: number | undefined): string[] {
  const m = mtu ? ` mtu ${mtu}` : '';
  return [
    `link add ${a.veth}${m} type veth peer name ${a.interfaceName}${m} netns $1`,
    `link set ${a.veth} master ${a.bridge}`,
    `link set ${a.veth} up`,
    // Its addresses may be a removed container's: the holder's neighbour entry for them (that
    // container's MAC, kept for a while and not overridden by a fresh ARP within locktime) goes.
    ...a.addresses.map((x) => `neigh flush to ${x.split('/')[0]!} dev ${a.bridge}`),
  ];
}

/** `ip -batch` lines run in the container's namespace: addresses, up, and the default route of the first network with one. */
export function containerSideLines(all: readonly PlannedAttachment[]): string[] {
  const out = ['link set lo up'];
  for (const a of all) {
    // IPv4 with its broadcast address, as netavark sets it (`ip a` shows `brd`).
    for (const addr of a.addresses) out.push(`addr add ${addr}${addr.includes(':') ? '' : ' brd +'} dev ${a.interfaceName}`);
    out.push(`link set ${a.interfaceName}${a.mac ? ` address ${a.mac}` : ''} up`);
  }
  const withRoute = all.find((a) => !a.internal && a.gateways.length);
  if (withRoute) {
    for (const g of withRoute.gateways) out.push(`route add default via ${g} dev ${withRoute.interfaceName}`);
  }
  return out;
}

/**
 * The bridge's own MAC: locally administered, from the network's id. A
 * bridge without one takes the lowest MAC of its ports, so it changed when
 * that container left, and the others' ARP entries for the gateway went
 * stale: no DNS and no way out for them for several seconds.
 */
export function bridgeMac(n: NetworkConfig): string {
  const hex = (n.id || '').replace(/[^0-9a-f]/gi, '0').padEnd(10, '0').slice(0, 10).toLowerCase();
  return ['02', ...(hex.match(/../g) ?? [])].join(':');
}

/** Bridge creation in the rootless netns (once per network, while it exists). */
export function bridgeLines(n: NetworkConfig): string[] {
  const br = n.network_interface!;
  const mtu = n.options?.mtu && n.options.mtu !== '0' ? ` mtu ${n.options.mtu}` : '';
  const out = [`link add ${br}${mtu} address ${bridgeMac(n)} type bridge`];
  for (const s of n.subnets ?? []) {
    if (s.gateway) out.push(`addr add ${s.gateway}/${parseCidr(s.subnet)!.net.prefix}${s.gateway.includes(':') ? '' : ' brd +'} dev ${br}`);
  }
  out.push(`link set ${br} up`);
  return out;
}

/**
 * iptables rules for a bridge: traffic out (masqueraded to pasta's tap0)
 * unless internal, replies back; FORWARD's policy is DROP, so nothing goes
 * from one bridge to another (bridged traffic within one bridge does not
 * pass iptables: bridge-nf-call-iptables is 0 in the namespace).
 */
export function bridgeRules(n: NetworkConfig): string[][] {
  if (n.internal) return [];
  const br = n.network_interface!;
  const out: string[][] = [];
  for (const s of n.subnets ?? []) {
    const v6 = s.subnet.includes(':');
    const cmd = v6 ? 'ip6tables' : 'iptables';
    out.push([cmd, '-t', 'nat', '-A', 'POSTROUTING', '-s', s.subnet, '!', '-o', br, '-j', 'MASQUERADE']);
    out.push([cmd, '-A', 'FORWARD', '-i', br, '-o', 'tap0', '-j', 'ACCEPT']);
    out.push([cmd, '-A', 'FORWARD', '-i', 'tap0', '-o', br, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT']);
  }
  return out;
}

/** The mtu option, if set and non-zero. */
export function networkMtu(n: NetworkConfig): number | undefined {
  const m = Number(n.options?.mtu ?? '0');
  return m > 0 ? m : undefined;
}

/** `ip -o link show type bridge` → bridge name → its MAC (lower case). */
export function parseBridgeLinks(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const name = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1];
    if (name) out.set(name, /link\/ether\s+([0-9a-f:]{17})/i.exec(line)?.[1]?.toLowerCase() ?? '');
  }
  return out;
}

/**
 * The deletions (argv after the iptables program) of the rules that name
 * bridge `br` in `iptables [-t TABLE] -S` output: a removed network's rules
 * must not outlive its bridge (an internal network made later with the same
 * bridge name would otherwise be let out by them).
 */
export function bridgeRuleDeletions(rulesText: string, br: string, table?: string): string[][] {
  const out: string[][] = [];
  for (const line of rulesText.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== '-A') continue;
    const names = words.some((w, i) => (w === '-i' || w === '-o') && words[i + 1] === br);
    if (names) out.push([...(table ? ['-t', table] : []), '-D', ...words.slice(1)]);
  }
  return out;
}
