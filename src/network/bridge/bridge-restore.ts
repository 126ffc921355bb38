// Getting running containers back into the rootless netns: after its holder
// was killed (the next command that needs the netns makes a new holder in
// the same user namespace and calls restoreRunning), and for `network
// reload`. A container's interfaces are made again with the addresses,
// MACs and veth names it had (allocations.json), its published ports get a
// new forwarder and its networks' DNS responder runs. The caller holds the
// netns lock.

import fs from 'node:fs';
import path from 'node:path';
import type { Roots } from '../../config/paths.js';
import { TscRunError } from '../../errors.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import { ContainerStore, type ContainerRecord } from '../../storage/containers.js';
import type { ProcStamp } from '../../storage/proc-stamp.js';
import type { NetworkConfig } from '../config/network-config.js';
import { NetworkStore } from '../config/network-store.js';
import { ensureDnsResponder } from '../dns/dns-control.js';
import { liveVeths } from './veths.js';
import { forwarderAlive, startForwarder } from '../ports/bridge-ports.js';
import { dnsGateways, ensureBridges, readAllocations, type Allocation } from './bridge-attach.js';
import { containerSideLines, holderSideLines, networkMtu, type PlannedAttachment } from './bridge-plan.js';
import { containerNsenterArgs, containerPidFile, inNetns, program, runProgram } from './rootless-netns.js';

interface Running {
  rec: ContainerRecord;
  pid: number;
  startTime: number;
}

async function runningState(roots: Roots, rec: ContainerRecord): Promise<Running | undefined> {
  const { liveRecord } = await import('../../runtime/container/container-observe.js');
  const s = liveRecord(roots.runRoot, rec).state;
  return (s.status === 'running' || s.status === 'paused') && s.pid && s.pidStartTime ? { rec, pid: s.pid, startTime: s.pidStartTime } : undefined;
}

/**
 * Running containers on bridge networks that have an allocation (they were
 * wired into a holder), those whose last network was disconnected (an empty
 * allocation: they still live in the holder's user namespace) included.
 */
async function runningBridgeContainers(roots: Roots): Promise<Array<Running & { alloc: Allocation }>> {
  const allocs = await readAllocations(roots.runRoot);
  const store = new ContainerStore(roots.dataRoot);
  const out: Array<Running & { alloc: Allocation }> = [];
  for (const [id, alloc] of Object.entries(allocs)) {
    const rec = await store.get(id);
    if (!rec || rec.config.network !== 'bridge') continue;
    const r = await runningState(roots, rec);
    if (r) out.push({ ...r, alloc });
  }
  return out;
}

/**
 * One running container of a lost holder: its user namespace is the one a
 * new holder joins. Without it a new user namespace would be made, and no
 * running container could be wired into it again (nor connected).
 */
export async function orphanedContainer(roots: Roots): Promise<{ pid: number; startTime: number } | undefined> {
  const [first] = await runningBridgeContainers(roots);
  return first ? { pid: first.pid, startTime: first.startTime } : undefined;
}

/** Veths of ours in the holder's namespace. */
function holderVeths(holder: number): Set<string> {
  try {
    return liveVeths(`/proc/${holder}/net/dev`);
  } catch {
    return new Set<string>();
  }
}

/** Make a container's interfaces again in the holder (its old ones, if any, are deleted first). */
async function rewire(roots: Roots, holder: ProcStamp, c: Running & { alloc: Allocation }): Promise<void> {
  const configs = await new NetworkStore(roots.dataRoot).list();
  const attachments: PlannedAttachment[] = [];
  const nets: NetworkConfig[] = [];
  for (const [name, a] of Object.entries(c.alloc.networks)) {
    const n = configs.find((x) => x.name === name);
    if (!n || !a.veth) continue;
    nets.push(n);
    attachments.push({
      network: name,
      bridge: n.network_interface!,
      interfaceName: a.interfaceName,
      veth: a.veth,
      addresses: a.ips.map((ip, i) => `${ip}/${a.prefixes[i] ?? (ip.includes(':') ? 64 : 24)}`),
      gateways: a.gateways,
      mac: a.mac,
      internal: n.internal,
    });
  }
  if (!attachments.length) return;
  await ensureBridges(holder.pid, nets, configs);
  const ip = program('ip', 'iproute2');
  const nsenter = program('nsenter', 'util-linux');
  // The old pairs (still there while something kept the old namespace): the container's ends go.
  const del = attachments.map((a) => `${ip} link del ${a.interfaceName} 2>/dev/null`).join('; ');
  await runProgram(nsenter, [...containerNsenterArgs(c.pid), '--', '/bin/sh', '-c', `${del}; true`]);
  const holderLines = attachments.flatMap((a) => holderSideLines(a, networkMtu(nets.find((n) => n.name === a.network)!)).map((l) => l.replace(/\$1/g, String(c.pid))));
  await inNetns(holder.pid, [ip, '-batch', '-'], holderLines.join('\n') + '\n');
  const r = await runProgram(nsenter, [...containerNsenterArgs(c.pid), '--', ip, '-batch', '-'], containerSideLines(attachments).join('\n') + '\n');
  if (r.code !== 0) throw new TscRunError(`network reload of ${c.rec.name}: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`}`);
}

/**
 * Reload running bridge containers (all, or those ids): wire a container
 * whose veth is missing from the holder, restart a forwarder that is gone,
 * and the DNS responder of their networks. Returns the ids done.
 */
export async function reloadContainers(roots: Roots, holder: ProcStamp, ids?: ReadonlySet<string>): Promise<string[]> {
  const all = await runningBridgeContainers(roots);
  const configs = await new NetworkStore(roots.dataRoot).list();
  const present = holderVeths(holder.pid);
  const done: string[] = [];
  const gateways = new Set<string>();
  for (const c of all) {
    if (ids && !ids.has(c.rec.id)) continue;
    const veths = Object.values(c.alloc.networks).map((a) => a.veth);
    const rewired = veths.some((v) => v !== undefined && !present.has(v));
    if (rewired) await rewire(roots, holder, c);
    // Its process, for the DNS responder and the forwarder (a start writes it; one from before may lack it).
    const pidFile = containerPidFile(roots.runRoot, c.rec.id);
    fs.mkdirSync(path.dirname(pidFile), { recursive: true, mode: 0o700 });
    await writeFileAtomic(pidFile, `${c.pid} ${c.startTime}\n`, { durable: false, mode: 0o600 });
    const nets = configs.filter((n) => Object.hasOwn(c.alloc.networks, n.name));
    for (const g of dnsGateways(nets)) gateways.add(g);
    const ports = c.rec.config.ports ?? [];
    // A forwarder of the old namespace leaves with its veth: a new one in any case then.
    const first = Object.values(c.alloc.networks)[0];
    if (first && ports.length && (rewired || !(await forwarderAlive(roots.runRoot, c.rec.id)))) {
      await startForwarder(roots, holder, c.rec.id, first.veth!, first.ips.find((x) => !x.includes(':')) ?? first.ips[0]!, ports, { pid: c.pid, startTime: c.startTime });
    }
    done.push(c.rec.id);
  }
  await ensureDnsResponder(roots, holder, [...gateways]);
  return done;
}

/** A new holder: every running container of the lost one comes back. */
export async function restoreRunning(roots: Roots, holder: ProcStamp): Promise<void> {
  await reloadContainers(roots, holder);
}

/**
 * `network reload`: containers by name or id (or all with `all`, or the
 * latest created); what podman prints (ids) and its errors per container:
 * not running, or not on bridge networks (both skipped with --all).
 */
export async function networkReload(roots: Roots, names: readonly string[], o: { all: boolean; latest: boolean }): Promise<{ ids: string[]; errors: TscRunError[] }> {
  const store = new ContainerStore(roots.dataRoot);
  let recs: ContainerRecord[];
  if (o.all) recs = await store.list();
  else if (o.latest) {
    const last = (await store.list()).sort((a, b) => (a.created < b.created ? 1 : -1))[0];
    if (!last) throw new TscRunError('no containers to reload');
    recs = [last];
  } else recs = await Promise.all(names.map((n) => store.lookup(n)));
  const errors: TscRunError[] = [];
  const wanted = new Set<string>();
  const ordered: string[] = [];
  for (const rec of recs) {
    const running = await runningState(roots, rec);
    if (!running) {
      if (!o.all) errors.push(new TscRunError(`cannot reload network unless container network has been configured: container state improper`));
      continue;
    }
    if (rec.config.network !== 'bridge') {
      // pasta, slirp4netns, host, none, container: nothing of ours to reload (podman's netavark reload does nothing for them either).
      if (!o.all) ordered.push(rec.id);
      continue;
    }
    wanted.add(rec.id);
    ordered.push(rec.id);
  }
  if (!wanted.size) return { ids: ordered, errors };
  const { withNetns } = await import('./rootless-netns.js');
  await withNetns(roots, (holder) => reloadContainers(roots, holder, wanted));
  return { ids: ordered, errors };
}
