// What the DNS responder knows, and how it answers from it. Pure.
//
// For each DNS-enabled network: the names of its live containers (name,
// aliases, short id; each also under the search domain dns.podman, as
// aardvark-dns) with their addresses, the gateways it listens on and the
// upstream servers it forwards other names to. A query is answered from the
// table of the network whose gateway received it only: networks do not see
// each other's names.

import { isIP } from 'node:net';
import type { Allocations } from '../bridge/bridge-attach.js';
import type { NetworkConfig } from '../config/network-config.js';
import { netContains, parseCidr, parseIp } from '../config/ip-net.js';
import { RCODE_NOERROR, RCODE_NXDOMAIN, TYPE_A, TYPE_AAAA, TYPE_PTR, type Answer, type Question } from './dns-packet.js';

export const DNS_DOMAIN = 'dns.podman';

export interface DnsEntry {
  names: string[];
  ips: string[];
}

export interface DnsNetwork {
  name: string;
  gateways: string[];
  subnets: string[];
  upstreams: string[];
  entries: DnsEntry[];
}

/**
 * The networks with DNS and at least one live attachment. `liveVeths`: the
 * host ends present in the rootless netns (a container whose namespace died
 * has none, whatever allocations.json still says).
 */
export function buildDnsNetworks(configs: readonly NetworkConfig[], allocs: Allocations, liveVeths: ReadonlySet<string>, hostUpstreams: readonly string[]): DnsNetwork[] {
  const out: DnsNetwork[] = [];
  for (const n of configs) {
    if (!n.dns_enabled || n.driver !== 'bridge') continue;
    const entries: DnsEntry[] = [];
    for (const [id, a] of Object.entries(allocs)) {
      const att = a.networks[n.name];
      if (!att || (att.veth !== undefined && !liveVeths.has(att.veth))) continue;
      const names = [a.name, ...att.aliases, id.slice(0, 12)].map((x) => x.toLowerCase());
      entries.push({ names: [...new Set(names)], ips: att.ips });
    }
    if (!entries.length) continue;
    const gateways = (n.subnets ?? []).map((s) => s.gateway).filter((g): g is string => g !== undefined);
    if (!gateways.length) continue;
    out.push({
      name: n.name,
      gateways,
      subnets: (n.subnets ?? []).map((s) => s.subnet),
      upstreams: n.network_dns_servers?.length ? [...n.network_dns_servers] : [...hostUpstreams],
      entries,
    });
  }
  return out;
}

/** Whether a client address belongs to the network (only its own containers may ask it). */
export function isMember(net: DnsNetwork, address: string): boolean {
  const ip = parseIp(address.replace(/^::ffff:/, ''));
  if (!ip) return false;
  return net.subnets.some((s) => {
    const c = parseCidr(s);
    return c !== undefined && netContains(c.net, ip);
  });
}

/** `4.3.2.1.in-addr.arpa` / nibbles `.ip6.arpa` → the address, or undefined. */
export function reverseName(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const parts = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4) return undefined;
    const ip = parts.reverse().join('.');
    return isIP(ip) === 4 ? ip : undefined;
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((x) => /^[0-9a-f]$/.test(x))) return undefined;
    const hex = nibbles.reverse().join('');
    const groups = hex.match(/.{4}/g)!.join(':');
    return isIP(groups) === 6 ? groups : undefined;
  }
  return undefined;
}

function sameIp(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  return x !== undefined && y !== undefined && x.v6 === y.v6 && x.value === y.value;
}

function addressBytes(ip: string): Buffer {
  const p = parseIp(ip)!;
  const len = p.v6 ? 16 : 4;
  const b = Buffer.alloc(len);
  let v = p.value;
  for (let i = len - 1; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

/**
 * The network's own answer to a question, or undefined when it is not one
 * of its names (the query goes upstream then).
 */
export function answerLocally(net: DnsNetwork, q: Question): { rcode: number; answers: Answer[] } | undefined {
  if (q.type === TYPE_PTR) {
    const ip = reverseName(q.name);
    if (!ip) return undefined;
    const e = net.entries.find((x) => x.ips.some((i) => sameIp(i, ip)));
    if (!e) return undefined;
    return { rcode: RCODE_NOERROR, answers: [{ type: TYPE_PTR, data: `${e.names[0]!}.${DNS_DOMAIN}` }] };
  }
  const inDomain = q.name === DNS_DOMAIN || q.name.endsWith(`.${DNS_DOMAIN}`);
  const short = inDomain ? q.name.slice(0, Math.max(0, q.name.length - DNS_DOMAIN.length - 1)) : q.name;
  const matches = net.entries.filter((e) => e.names.includes(short));
  if (!matches.length) return inDomain ? { rcode: RCODE_NXDOMAIN, answers: [] } : undefined;
  const want = q.type === TYPE_A ? 4 : q.type === TYPE_AAAA ? 6 : 0;
  const answers: Answer[] = [];
  for (const e of matches) {
    for (const ip of e.ips) {
      if (isIP(ip) === want) answers.push({ type: q.type, data: addressBytes(ip) });
    }
  }
  // A name of ours without an address of that type: NOERROR, no records (NODATA).
  return { rcode: RCODE_NOERROR, answers };
}

/**
 * Where names that are not ours go (aardvark-dns uses the host's
 * resolv.conf): its nameservers but loopback ones, which the rootless netns
 * cannot reach; when it has only loopback ones, pasta's DNS forward
 * address (the holder starts pasta with --dns-forward then).
 */
export function hostUpstreams(resolvConf: readonly string[], pastaForward: string): string[] {
  const loopback = (ip: string) => /^127\./.test(ip) || ip === '::1';
  if (!resolvConf.length) return ['8.8.8.8', '8.8.4.4'];
  const usable = resolvConf.filter((n) => !loopback(n.replace(/%.*$/, '')) && isIP(n.replace(/%.*$/, '')) !== 0);
  return usable.length ? usable : [pastaForward];
}
