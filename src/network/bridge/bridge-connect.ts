// `network connect` and `network disconnect`: the container's record gains
// or loses the attachment (under its lock); while it runs, the veth is made
// (or deleted) in the rootless netns at once, its address allocated (or
// freed) and its own line for that address added to (or removed from) its
// /etc/hosts in place, as podman 4.3 does.

import fs from 'node:fs';
import path from 'node:path';
import type { Roots } from '../../config/paths.js';
import { parseResolvConf } from '../../runtime/container/container-files.js';
import { ensureDnsResponder, pokeDnsResponder } from '../dns/dns-control.js';
import { DNS_DOMAIN } from '../dns/dns-records.js';
import { TscRunError } from '../../errors.js';
import { emitNetwork } from '../../events/emit.js';
import { writeJsonAtomic } from '../../storage/json-store.js';
import { ContainerStore, type ContainerRecord, type NetworkAttachment } from '../../storage/containers.js';
import { NetworkStore } from '../config/network-store.js';
import { allocateAddresses, containerSideLines, holderSideLines, networkMtu, vethName, type PlannedAttachment } from './bridge-plan.js';
import { allocationsFile, dnsGateways, ensureBridges, liveAllocations, readAllocations } from './bridge-attach.js';
import { editHostsFile, type HostsLine } from '../etc-hosts-edit.js';
import { inNetns, program, runProgram, containerNsenterArgs, nsenterArgs, withNetns } from './rootless-netns.js';

/**
 * Rewrite a running container's resolv.conf in place (it is bind-mounted):
 * its nameservers through `edit`; a connect to a DNS network also puts
 * dns.podman first in the search list (a disconnect leaves the search list,
 * as podman). Left alone when the user chose the servers (--dns).
 */
function editResolvConf(roots: Roots, rec: ContainerRecord, edit: (ns: string[]) => string[], addSearch: boolean): void {
  if (rec.config.dns?.length) return;
  const file = path.join(new ContainerStore(roots.dataRoot).containerDir(rec.id), 'userdata', 'resolv.conf');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const r = parseResolvConf(text);
  const search = addSearch && !r.search.includes(DNS_DOMAIN) ? [DNS_DOMAIN, ...r.search] : r.search;
  let out = '';
  if (search.length) out += `search ${search.join(' ')}\n`;
  for (const n of edit(r.nameservers)) out += `nameserver ${n}\n`;
  if (r.options.length) out += `options ${r.options.join(' ')}\n`;
  fs.writeFileSync(file, out);
}

export interface ConnectOptions {
  aliases: readonly string[];
  ips: readonly string[];
  mac?: string | undefined;
}

async function running(roots: Roots, rec: ContainerRecord): Promise<{ pid: number } | undefined> {
  const { liveRecord } = await import('../../runtime/container/container-observe.js');
  const s = liveRecord(roots.runRoot, rec).state;
  return (s.status === 'running' || s.status === 'paused') && s.pid ? { pid: s.pid } : undefined;
}

/** The container's own hosts lines for these addresses: its hostname and name (hostsContent's `own`). */
function ownLines(rec: ContainerRecord, ips: readonly string[]): HostsLine[] {
  const names = [rec.config.hostname, rec.name].filter((n) => n !== '');
  return ips.map((ip) => ({ ip, names }));
}

function hostsFileOf(roots: Roots, rec: ContainerRecord): string {
  return path.join(new ContainerStore(roots.dataRoot).containerDir(rec.id), 'userdata', 'hosts');
}

/** podman 4.3's refusal for a container not on bridge networks: the mode's name for slirp4netns and pasta, "" for the others. */
function notBridge(rec: ContainerRecord): TscRunError {
  const m = rec.config.network;
  return new TscRunError(`${JSON.stringify(m === 'slirp4netns' || m === 'pasta' ? m : '')} is not supported: invalid network mode`);
}

function userNamespaceOf(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/user`);
  } catch {
    return undefined;
  }
}

/**
 * The container's default route through a network just connected, unless it
 * has one (through another network): a container whose last network was
 * disconnected gets its way out back, as under podman.
 */
async function addDefaultRoute(pid: number, interfaceName: string, gateways: readonly string[]): Promise<void> {
  const ip = program('ip', 'iproute2');
  for (const g of gateways) {
    const r = await runProgram(program('nsenter', 'util-linux'), [...containerNsenterArgs(pid), '--', ip, 'route', 'add', 'default', 'via', g, 'dev', interfaceName]);
    if (r.code !== 0 && !/File exists/.test(r.stderr)) throw new TscRunError(`network connect: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`}`);
  }
}

export async function connectContainer(roots: Roots, networkName: string, nameOrId: string, o: ConnectOptions): Promise<void> {
  const { rec, network, noop } = await connect(roots, networkName, nameOrId, o);
  // podman's newNetworkEvent, once the connection is made.
  if (!noop) emitNetwork(roots.dataRoot, 'connect', rec, network);
}

async function connect(roots: Roots, networkName: string, nameOrId: string, o: ConnectOptions): Promise<{ rec: ContainerRecord; network: string; noop?: boolean }> {
  const net = await new NetworkStore(roots.dataRoot).lookup(networkName);
  const store = new ContainerStore(roots.dataRoot);
  const rec0 = await store.lookup(nameOrId);
  if (rec0.config.network !== 'bridge') throw notBridge(rec0);
  // Docker compat, as podman: a container never started takes a connect to a network it is on as a no-op (options ignored).
  if (Object.hasOwn(rec0.config.networks ?? {}, net.name) && rec0.state.status === 'created') return { rec: rec0, network: net.name, noop: true };
  let att: NetworkAttachment | undefined;
  const rec = await store.update(rec0.id, (r) => {
    const nets = (r.config.networks ??= {});
    if (Object.hasOwn(nets, net.name)) throw new TscRunError(`container ${r.id} is already connected to network ${JSON.stringify(net.name)}: network is already connected`);
    const used = new Set(Object.values(nets).map((a) => a.interfaceName));
    let i = 0;
    while (used.has(`eth${i}`)) i++;
    att = { interfaceName: `eth${i}` };
    if (o.aliases.length) att.aliases = [...o.aliases];
    if (o.ips.length) att.staticIps = [...o.ips];
    if (o.mac) att.staticMac = o.mac.toLowerCase();
    nets[net.name] = att;
  });
  const live = await running(roots, rec);
  const done = { rec, network: net.name };
  if (!live) return done;
  try {
    await withNetns(roots, async (holder) => {
      // A container started by an older tsc-run with no network has a user namespace of its own:
      // no veth can join it to the holder's. (Every start on bridge joins the holder's now.)
      const mine = userNamespaceOf(live.pid);
      const holders = userNamespaceOf(holder.pid);
      // With --userns keep-id/--uidmap it lives in a namespace nested in the holder's (docs/runtime.md): wired alike.
      const nested = rec.config.userns === 'keep-id' || Boolean(rec.config.uidmap?.length || rec.config.gidmap?.length);
      if (process.getuid!() !== 0 && mine && holders && mine !== holders && !nested) {
        throw new TscRunError(`container ${rec.name} runs outside the rootless network namespace's user namespace: stop it, then connect it (or start it again)`);
      }
      await ensureBridges(holder.pid, [net], await new NetworkStore(roots.dataRoot).list());
      const allocs = await liveAllocations(roots, await readAllocations(roots.runRoot), '');
      const used = new Set(Object.values(allocs).flatMap((a) => a.networks[net.name]?.ips ?? []));
      const { addresses, gateways } = allocateAddresses({ network: net, interfaceName: att!.interfaceName, staticIps: att!.staticIps ?? [], staticMac: att!.staticMac }, used);
      // A veth name this container does not use yet (an index may have been freed by a disconnect).
      const taken = new Set(Object.values(allocs[rec.id]?.networks ?? {}).map((n) => n.veth));
      let index = 0;
      while (taken.has(vethName(rec.id, index))) index++;
      const a: PlannedAttachment = { network: net.name, bridge: net.network_interface!, interfaceName: att!.interfaceName, veth: vethName(rec.id, index), addresses, gateways, mac: att!.staticMac, internal: net.internal };
      const ip = program('ip', 'iproute2');
      // A connect killed after it made this pair (before it wrote the allocation) left it: it goes first, as at a start.
      await runProgram(program('nsenter', 'util-linux'), [...nsenterArgs(holder.pid), '--', ip, 'link', 'del', a.veth]);
      await inNetns(holder.pid, [ip, '-batch', '-'], holderSideLines(a, networkMtu(net)).join('\n').replace(/\$1/g, String(live.pid)) + '\n');
      const inner = containerSideLines([{ ...a, internal: true }]).filter((l) => l !== 'link set lo up');
      const r = await runProgram(program('nsenter', 'util-linux'), [...containerNsenterArgs(live.pid), '--', ip, '-batch', '-'], inner.join('\n') + '\n');
      if (r.code !== 0) throw new TscRunError(`network connect: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`}`);
      if (!net.internal) await addDefaultRoute(live.pid, a.interfaceName, gateways);
      const alloc = allocs[rec.id] ?? { name: rec.name, at: Date.now(), networks: {} };
      alloc.networks[net.name] = { ips: addresses.map((x) => x.split('/')[0]!), prefixes: addresses.map((x) => Number(x.split('/')[1])), aliases: att!.aliases ?? [], interfaceName: a.interfaceName, gateways, veth: a.veth, ...(a.mac ? { mac: a.mac } : {}) };
      allocs[rec.id] = alloc;
      await writeJsonAtomic(allocationsFile(roots.runRoot), allocs, { durable: false });
      await editHostsFile(hostsFileOf(roots, rec), ownLines(rec, alloc.networks[net.name]!.ips), []);
      const servers = dnsGateways([net]);
      await ensureDnsResponder(roots, holder, servers);
      // As podman: the network's DNS server goes first in the container's resolv.conf.
      if (servers.length) editResolvConf(roots, rec, (ns) => [...servers, ...ns.filter((x) => !servers.includes(x))], true);
    });
  } catch (err) {
    // Nothing half-made: the record goes back (a veth made before the failure goes with it below).
    await store.update(rec.id, (r) => {
      delete r.config.networks?.[net.name];
    });
    throw err;
  }
  return done;
}

/** force: a failure to delete the veth (the rootless netns in trouble) does not stop the disconnect. */
export async function disconnectContainer(roots: Roots, networkName: string, nameOrId: string, force: boolean): Promise<void> {
  const { rec, network } = await disconnect(roots, networkName, nameOrId, force);
  emitNetwork(roots.dataRoot, 'disconnect', rec, network);
}

async function disconnect(roots: Roots, networkName: string, nameOrId: string, force: boolean): Promise<{ rec: ContainerRecord; network: string }> {
  const net = await new NetworkStore(roots.dataRoot).lookup(networkName);
  const store = new ContainerStore(roots.dataRoot);
  const rec0 = await store.lookup(nameOrId);
  if (rec0.config.network !== 'bridge') throw notBridge(rec0);
  const rec = await store.update(rec0.id, (r) => {
    const nets = r.config.networks ?? {};
    // podman 4.3's two messages: its own check (other networks left), its database's (none left).
    if (!Object.hasOwn(nets, net.name) && Object.keys(nets).length) throw new TscRunError(`container ${nameOrId} is not connected to network ${net.name}`);
    if (!Object.hasOwn(nets, net.name)) throw new TscRunError(`container ${r.id} is not connected to CNI network ${JSON.stringify(net.name)}: network not found`);
    // The last one too (podman allows it): the container keeps lo only, and starts so until connected again.
    delete nets[net.name];
  });
  const done = { rec, network: net.name };
  if (!(await running(roots, rec))) return done;
  await withNetns(roots, async (holder) => {
    const allocs = await readAllocations(roots.runRoot);
    const mine = allocs[rec.id];
    const veth = mine?.networks[net.name]?.veth;
    // Deleting the host end deletes the pair: the container's interface goes too.
    if (veth) {
      await inNetns(holder.pid, [program('ip', 'iproute2'), 'link', 'del', veth]).catch((err: unknown) => {
        if (!force) throw err;
      });
    }
    const gone = mine?.networks[net.name]?.ips ?? [];
    if (mine) delete mine.networks[net.name];
    await writeJsonAtomic(allocationsFile(roots.runRoot), allocs, { durable: false });
    await editHostsFile(hostsFileOf(roots, rec), [], ownLines(rec, gone));
    const servers = dnsGateways([net]);
    if (servers.length) editResolvConf(roots, rec, (ns) => ns.filter((x) => !servers.includes(x)), false);
    await pokeDnsResponder(roots);
  });
  return done;
}
