// At every start of a container on bridge networks: under the netns lock,
// the rootless netns (made if needed), each network's bridge (made if
// missing), the container's addresses (allocated against the other live
// attachments in <runroot>/networks/allocations.json), and the helper's
// options: join the holder's user namespace with a new net namespace, and
// run the set-up script (veth pairs, addresses, routes) with the child's pid
// before CMD. Peers are not listed in /etc/hosts (podman 4.3 lists none):
// they resolve through the network's DNS responder.

import fs from 'node:fs';
import path from 'node:path';
import type { Roots } from '../../config/paths.js';
import { TscRunError } from '../../errors.js';
import { readJson, writeJsonAtomic } from '../../storage/json-store.js';
import { ContainerStore, type ContainerRecord } from '../../storage/containers.js';
import type { NetworkConfig } from '../config/network-config.js';
import { NetworkStore } from '../config/network-store.js';
import { allocateAddresses, bridgeLines, bridgeMac, bridgeRuleDeletions, bridgeRules, parseBridgeLinks, containerSideLines, holderSideLines, networkMtu, vethName, type PlannedAttachment } from './bridge-plan.js';
import { ensureDnsResponder } from '../dns/dns-control.js';
import { startForwarder } from '../ports/bridge-ports.js';
import { containerNsenterArgs, containerPidFile, inNetns, netnsPaths, nsenterArgs, program, withNetns } from './rootless-netns.js';

/** containerId → its live attachments: network → addresses (no prefix), names it answers to. */
export interface Allocation {
  name: string;
  networks: Record<string, { ips: string[]; aliases: string[]; interfaceName: string; mac?: string; gateways: string[]; prefixes: number[]; veth?: string }>;
  at: number;
}
export type Allocations = Record<string, Allocation>;

export function allocationsFile(runRoot: string): string {
  return path.join(netnsPaths(runRoot).dir, 'allocations.json');
}

export async function readAllocations(runRoot: string): Promise<Allocations> {
  return readJson<Allocations>(allocationsFile(runRoot), { missing: () => ({}) });
}

/** Drop the attachments of containers that no longer run (a start in progress keeps its entry for a minute). */
export async function liveAllocations(roots: Roots, all: Allocations, self: string): Promise<Allocations> {
  const store = new ContainerStore(roots.dataRoot);
  const { liveRecord } = await import('../../runtime/container/container-observe.js');
  const out: Allocations = {};
  const now = Date.now();
  for (const [id, a] of Object.entries(all)) {
    if (id === self) continue;
    const rec = await store.get(id);
    if (!rec) continue;
    const status = liveRecord(roots.runRoot, rec).state.status;
    if (status === 'running' || status === 'paused' || now - a.at < 60_000) out[id] = a;
  }
  return out;
}

export interface BridgeNetwork {
  helperArgs: string[];
  containerIps: string[];
  attachments: PlannedAttachment[];
  /** The gateways of its DNS-enabled networks: its nameservers (the DNS responder listens there). */
  dnsServers: string[];
}

/** The gateways the DNS responder listens on for these networks (those with DNS). */
export function dnsGateways(nets: readonly NetworkConfig[]): string[] {
  return nets.filter((n) => n.dns_enabled).flatMap((n) => (n.subnets ?? []).map((s) => s.gateway).filter((g): g is string => g !== undefined));
}

/**
 * Each network's bridge in the holder's namespace, made if missing. A
 * bridge that is no network's of `all` (its name and MAC, bridgeMac: from
 * the network's id) is a removed network's, left while the namespace lived
 * on: it goes, with its iptables rules. Kept, it held the removed network's
 * gateway and subnet route, and a network made since could take its name
 * (the lowest free podmanN) or its subnet: that network's gateway was then
 * no address of the namespace, its DNS responder never saw a query ("bad
 * address" for every peer), and it had no way out.
 */
export async function ensureBridges(holder: number, nets: readonly NetworkConfig[], all: readonly NetworkConfig[]): Promise<void> {
  const ip = program('ip', 'iproute2');
  const present = parseBridgeLinks(await inNetns(holder, [ip, '-o', 'link', 'show', 'type', 'bridge']));
  for (const [br, mac] of present) {
    if (all.some((n) => n.network_interface === br && bridgeMac(n) === mac)) continue;
    await dropBridge(holder, br);
    present.delete(br);
  }
  for (const n of nets) {
    if (present.has(n.network_interface!)) continue;
    await inNetns(holder, [ip, '-batch', '-'], bridgeLines(n).join('\n') + '\n');
    for (const rule of bridgeRules(n)) await inNetns(holder, [program(rule[0]!, 'iptables'), ...rule.slice(1)]);
  }
}

/** Delete bridge `br` and every iptables rule naming it. */
async function dropBridge(holder: number, br: string): Promise<void> {
  await inNetns(holder, [program('ip', 'iproute2'), 'link', 'del', br]);
  for (const cmd of ['iptables', 'ip6tables']) {
    const bin = program(cmd, 'iptables');
    for (const table of [undefined, 'nat']) {
      const listed = await inNetns(holder, [bin, ...(table ? ['-t', table] : []), '-S']);
      for (const del of bridgeRuleDeletions(listed, br, table)) await inNetns(holder, [bin, ...del]);
    }
  }
}

export async function prepareBridgeNetwork(roots: Roots, c: ContainerRecord): Promise<BridgeNetwork> {
  const wanted = c.config.networks ?? {};
  const store = new NetworkStore(roots.dataRoot);
  const all = await store.list();
  const nets = Object.keys(wanted).map((name) => {
    const n = all.find((x) => x.name === name);
    if (!n) throw new TscRunError(`unable to find network with name or ID ${name}: network not found`);
    return n;
  });
  return withNetns(roots, async (holder) => {
    await ensureBridges(holder.pid, nets, all);
    const allocs = await liveAllocations(roots, await readAllocations(roots.runRoot), c.id);
    const attachments: PlannedAttachment[] = nets.map((n, i) => {
      const w = wanted[n.name]!;
      const used = new Set(Object.values(allocs).flatMap((a) => a.networks[n.name]?.ips ?? []));
      const { addresses, gateways } = allocateAddresses({ network: n, interfaceName: w.interfaceName, staticIps: w.staticIps ?? [], staticMac: w.staticMac }, used);
      return { network: n.name, bridge: n.network_interface!, interfaceName: w.interfaceName, veth: vethName(c.id, i), addresses, gateways, mac: w.staticMac, internal: n.internal };
    });
    const mine: Allocation = { name: c.name, at: Date.now(), networks: {} };
    for (const a of attachments) {
      mine.networks[a.network] = {
        ips: a.addresses.map((x) => x.split('/')[0]!),
        prefixes: a.addresses.map((x) => Number(x.split('/')[1])),
        aliases: wanted[a.network]!.aliases ?? [],
        interfaceName: a.interfaceName,
        gateways: a.gateways,
        veth: a.veth,
        ...(a.mac ? { mac: a.mac } : {}),
      };
    }
    allocs[c.id] = mine;
    // An earlier start's process: this start's set-up writes the new one.
    fs.mkdirSync(path.dirname(containerPidFile(roots.runRoot, c.id)), { recursive: true, mode: 0o700 });
    fs.rmSync(containerPidFile(roots.runRoot, c.id), { force: true });
    // The monitor's too: until this start's set-up writes both, neither names a live process (runtime-files.ts).
    fs.rmSync(`${containerPidFile(roots.runRoot, c.id)}.monitor`, { force: true });
    await writeJsonAtomic(allocationsFile(roots.runRoot), allocs, { durable: false });
    const dnsServers = dnsGateways(nets);
    await ensureDnsResponder(roots, holder, dnsServers);
    // Published ports go to the address on the first network (rootlessport's child IP).
    if (c.config.ports?.length && attachments.length) {
      const first = attachments[0]!;
      const ips = first.addresses.map((x) => x.split('/')[0]!);
      await startForwarder(roots, holder, c.id, first.veth, ips.find((x) => !x.includes(':')) ?? ips[0]!, c.config.ports);
    }

    const ip = program('ip', 'iproute2');
    const nsenter = program('nsenter', 'util-linux');
    const holderLines = attachments.flatMap((a) => holderSideLines(a, networkMtu(nets.find((n) => n.name === a.network)!)));
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    // The DNS responder and the forwarder watch the container's process: its pid and start time (field 22 of its stat, counted after the comm's last ')').
    const watch = containerPidFile(roots.runRoot, c.id);
    const stamp = (pid: string, file: string) => `{ pid=${pid}; s=$(cat /proc/$pid/stat) && s=\${s##*") "} && (set -- $s; echo "$pid \${20}") > ${q(file + '.tmp')} && mv -f ${q(file + '.tmp')} ${q(file)}; } || true`;
    // And the monitor's ($PPID: it runs this script at every start, restarts by its --restart policy
    // included): the forwarder outlives a container process its monitor restarts (portfwd.c).
    const watchLine = `${stamp('$1', watch)}\n${stamp('$PPID', `${watch}.monitor`)}`;
    // $1 is the container's pid (the helper appends it); heredocs unquoted so it expands.
    // No network (its last one disconnected): nothing in the holder, lo only in the container.
    const holderStep = attachments.length
      ? [`${q(nsenter)} ${nsenterArgs(holder.pid).map(q).join(' ')} -- /bin/sh -c ${q(`${attachments.map((a) => `${q(ip)} link del ${a.veth} 2>/dev/null;`).join(' ')} exec ${q(ip)} -batch -`)} <<EOF\n${holderLines.join('\n')}\nEOF`]
      : [];
    const script = [
      'set -e',
      // A veth of this container's previous start can outlive it: a container that joined its
      // network (--network container:X) keeps the old namespace, and with it the pair. Dropped first,
      // as netavark tears the old attachment down; the joiner loses that link, as under podman.
      ...holderStep,
      // ping without CAP_NET_RAW for group 0, podman's default sysctl net.ipv4.ping_group_range=0 0.
      // arp_notify/ndisc_notify: its interfaces announce their addresses when they come up. An address
      // is reused as soon as its container is gone, and the holder's (and peers') neighbour entry still
      // named the old MAC: a published port or a peer got no answer for half a minute (bats 500 #12).
      `${q(nsenter)} ${containerNsenterArgs(0).slice(2).map(q).join(' ')} -t "$1" -- /bin/sh -c ${q(`echo '0 0' > /proc/sys/net/ipv4/ping_group_range && echo 1 > /proc/sys/net/ipv4/conf/all/arp_notify && { echo 1 > /proc/sys/net/ipv6/conf/all/ndisc_notify; } 2>/dev/null; exec ${q(ip)} -batch -`)} <<EOF\n${containerSideLines(attachments).join('\n')}\nEOF`,
      watchLine,
    ].join('\n');
    return {
      helperArgs: ['--net', `bridge:${holder.pid}:${holder.startTime}`, '--net-program', '/bin/sh', '--net-arg', '-c', '--net-arg', script, '--net-arg', 'tsc-run-network-setup'],
      containerIps: attachments.flatMap((a) => a.addresses.map((x) => x.split('/')[0]!)),
      attachments,
      dnsServers,
    };
  });
}
