// What the DNS responder (the helper's `dns-serve`, helpers/src/dns.c)
// answers from: <runroot>/networks/dns.records, a line format the C side
// reads without a JSON parser (helpers/src/dns-table.h describes it).
// Written atomically (temp + rename) under the netns lock whenever the
// attachments change, before the responder is poked; it re-reads the file
// when it changed. Which entries are live (their veth exists) is decided by
// the responder at each query, so a container that died needs no rewrite.

import fs from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import type { Roots } from '../../config/paths.js';
import { parseResolvConf, PASTA_DNS_FORWARD } from '../../runtime/container/container-files.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import type { Allocations } from '../bridge/bridge-attach.js';
import { netnsPaths } from '../bridge/rootless-netns.js';
import type { NetworkConfig } from '../config/network-config.js';

/** The search domain of container names (aardvark-dns's). */
export const DNS_DOMAIN = 'dns.podman';

export function dnsRecordsFile(runRoot: string): string {
  return path.join(netnsPaths(runRoot).dir, 'dns.records');
}

/**
 * Where names that are not ours go (aardvark-dns uses the host's
 * resolv.conf): its nameservers but loopback ones, which the rootless netns
 * cannot reach, nor link-local ones (their scope is the host's link); when
 * that leaves none, pasta's DNS forward address (the holder starts pasta
 * with --dns-forward then).
 */
export function hostUpstreams(resolvConf: readonly string[], pastaForward: string): string[] {
  const bare = (n: string) => n.replace(/%.*$/, '');
  const loopback = (ip: string) => /^127\./.test(ip) || ip === '::1' || /^fe80:/i.test(ip);
  if (!resolvConf.length) return ['8.8.8.8', '8.8.4.4'];
  const usable = resolvConf.map(bare).filter((n) => !loopback(n) && isIP(n) !== 0);
  return usable.length ? usable : [pastaForward];
}

/** A field the C side can take: no spaces, commas or control characters, one label at most 63 bytes. */
const fieldOk = (s: string) => /^[^\s,]+$/.test(s) && s.split('.').every((l) => l.length > 0 && l.length <= 63);

/** The file's text: each DNS-enabled network with attachments, its gateways, subnets, upstreams and containers. */
export function dnsRecords(configs: readonly NetworkConfig[], allocs: Allocations, upstreams: readonly string[]): string {
  const lines = ['tsc-run-dns 1'];
  for (const n of configs) {
    if (!n.dns_enabled || n.driver !== 'bridge' || !fieldOk(n.name)) continue;
    const gateways = (n.subnets ?? []).map((s) => s.gateway).filter((g): g is string => g !== undefined);
    const members = Object.entries(allocs).filter(([, a]) => a.networks[n.name]?.veth !== undefined);
    if (!gateways.length || !members.length) continue;
    lines.push(`network ${n.name}`);
    for (const g of gateways.slice(0, 8)) lines.push(`listen ${g}`);
    for (const s of (n.subnets ?? []).slice(0, 8)) lines.push(`subnet ${s.subnet.replace('/', ' ')}`);
    const ups = n.network_dns_servers?.length ? n.network_dns_servers : upstreams;
    for (const u of ups.filter((x) => isIP(x) !== 0).slice(0, 8)) lines.push(`upstream ${u}`);
    for (const [id, a] of members) {
      const att = a.networks[n.name]!;
      const names = [...new Set([a.name, ...att.aliases, id.slice(0, 12)].map((x) => x.toLowerCase()))].filter(fieldOk);
      const ips = att.ips.filter((x) => isIP(x) !== 0).slice(0, 8);
      if (!names.length || !ips.length) continue;
      lines.push(`container ${id} ${att.veth!} ${Math.max(0, Math.floor(a.at))} ${ips.join(',')} ${names.join(',')}`);
    }
  }
  return lines.join('\n') + '\n';
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Write the file from the network configs and the attachments (the caller holds the netns lock). */
export async function writeDnsRecords(roots: Roots, allocs: Allocations): Promise<void> {
  const { NetworkStore } = await import('../config/network-store.js');
  const configs = await new NetworkStore(roots.dataRoot).list();
  const upstreams = hostUpstreams(parseResolvConf(readText('/etc/resolv.conf')).nameservers, PASTA_DNS_FORWARD);
  await writeFileAtomic(dnsRecordsFile(roots.runRoot), dnsRecords(configs, allocs, upstreams), { durable: false, mode: 0o600 });
}
