// The DNS responder itself (aardvark-dns's role): `tsc-run network
// dns-serve`, run by dns-control.ts inside the rootless netns. One process
// per user for all DNS-enabled networks: a UDP socket on each such
// network's gateway, port 53, while the network has containers. Answers
// from dns-table.ts, forwards the rest upstream. SIGHUP (a container came
// or went) re-reads the state at once; a tick does it every second too.
// Exits when its holder is gone, or when it has had no network to serve
// for IDLE_MS (checked again under the netns lock, so a start that is
// wiring a container in cannot lose it).

import dgram from 'node:dgram';
import fs from 'node:fs';
import { isIP } from 'node:net';
import type { Roots } from '../../config/paths.js';
import { parseResolvConf, PASTA_DNS_FORWARD } from '../../runtime/container/container-files.js';
import { withLock } from '../../storage/lock.js';
import { isAlive, type ProcStamp } from '../../storage/proc-stamp.js';
import { readAllocations, type Allocations } from '../bridge/bridge-attach.js';
import { netnsPaths } from '../bridge/rootless-netns.js';
import type { NetworkConfig } from '../config/network-config.js';
import { NetworkStore } from '../config/network-store.js';
import { buildResponse, parseQuery, servfail } from './dns-packet.js';
import { answerLocally, buildDnsNetworks, hostUpstreams, isMember, type DnsNetwork } from './dns-table.js';
import { dnsStateFile } from './dns-control.js';

const IDLE_MS = 10_000;
const UPSTREAM_TIMEOUT_MS = 2_500;
/** A start in progress: its allocation is there before its veth. */
const FRESH_MS = 60_000;

/** Host ends of veths in this (the rootless) network namespace: /proc/self/net is per namespace (or /proc/PID/net/dev: PID's). */
export function liveVeths(file = '/proc/self/net/dev'): Set<string> {
  const out = new Set<string>();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const m = /^\s*(tsv[^:\s]+):/.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}

async function forward(msg: Buffer, upstreams: readonly string[]): Promise<Buffer | undefined> {
  const id = msg.readUInt16BE(0);
  for (const server of upstreams) {
    const reply = await new Promise<Buffer | undefined>((resolve) => {
      const s = dgram.createSocket(isIP(server) === 6 ? 'udp6' : 'udp4');
      const done = (b: Buffer | undefined) => {
        clearTimeout(timer);
        s.close();
        resolve(b);
      };
      const timer = setTimeout(() => done(undefined), UPSTREAM_TIMEOUT_MS);
      s.on('error', () => done(undefined));
      s.on('message', (b, rinfo) => {
        if (rinfo.address === server && rinfo.port === 53 && b.length >= 12 && b.readUInt16BE(0) === id) done(b);
      });
      s.send(msg, 53, server, (err) => {
        if (err) done(undefined);
      });
    });
    if (reply) return reply;
  }
  return undefined;
}

interface Bound {
  socket: dgram.Socket;
  network: string;
}

export async function serveDns(roots: Roots, holder: ProcStamp): Promise<void> {
  const p = netnsPaths(roots.runRoot);
  const store = new NetworkStore(roots.dataRoot);
  const sockets = new Map<string, Bound>();
  let configs: NetworkConfig[] = [];
  let allocs: Allocations = {};
  let upstreams: string[] = [];
  let idleSince = Date.now();
  let stopping = false;
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));

  const tableFor = (network: string): DnsNetwork | undefined =>
    buildDnsNetworks(
      configs.filter((c) => c.name === network),
      allocs,
      liveVeths(),
      upstreams,
    )[0];

  const onQuery = (b: Bound, msg: Buffer, rinfo: dgram.RemoteInfo) => {
    const net = tableFor(b.network);
    // Only the network's own containers get answers (another network's could route to this gateway).
    if (!net || !isMember(net, rinfo.address)) return;
    const q = parseQuery(msg);
    const local = q && q.qclass === 1 ? answerLocally(net, q) : undefined;
    const reply = (out: Buffer | undefined) => {
      if (out) b.socket.send(out, rinfo.port, rinfo.address);
    };
    if (q && local) return reply(buildResponse(q, local.rcode, local.answers));
    forward(msg, net.upstreams).then(
      (r) => reply(r ?? servfail(msg)),
      () => reply(servfail(msg)),
    );
  };

  const bind = (gateway: string, network: string): Promise<void> =>
    new Promise((resolve) => {
      const socket = dgram.createSocket({ type: isIP(gateway) === 6 ? 'udp6' : 'udp4' });
      const b: Bound = { socket, network };
      socket.once('error', (err) => {
        // The bridge may not be up yet: the next reload tries again.
        log(`listen on ${gateway}:53 (${network}): ${err.message}`);
        socket.close();
        resolve();
      });
      socket.bind(53, gateway, () => {
        socket.removeAllListeners('error');
        socket.on('error', (err) => log(`${gateway}:53: ${err.message}`));
        socket.on('message', (msg, rinfo) => onQuery(b, msg, rinfo));
        sockets.set(gateway, b);
        resolve();
      });
    });

  const reload = async () => {
    configs = await store.list();
    allocs = await readAllocations(roots.runRoot);
    let text = '';
    try {
      text = fs.readFileSync('/etc/resolv.conf', 'utf8');
    } catch {
      // no resolv.conf: the defaults
    }
    upstreams = hostUpstreams(parseResolvConf(text).nameservers, PASTA_DNS_FORWARD);
    const live = liveVeths();
    const now = Date.now();
    // Serve a network while it has a live container, or one starting.
    const serving = new Map<string, string>();
    for (const c of configs) {
      if (!c.dns_enabled) continue;
      const used = Object.values(allocs).some((a) => {
        const att = a.networks[c.name];
        return att !== undefined && ((att.veth !== undefined && live.has(att.veth)) || now - a.at < FRESH_MS);
      });
      if (!used) continue;
      for (const s of c.subnets ?? []) if (s.gateway) serving.set(s.gateway, c.name);
    }
    for (const [gw, b] of sockets) {
      if (serving.get(gw) !== b.network) {
        b.socket.close();
        sockets.delete(gw);
      }
    }
    for (const [gw, name] of serving) if (!sockets.has(gw)) await bind(gw, name);
    if (sockets.size) idleSince = now;
  };

  let reloading: Promise<void> = Promise.resolve();
  const scheduleReload = () => {
    reloading = reloading.then(reload).catch((err: unknown) => log(`reload: ${(err as Error).message}`));
    return reloading;
  };

  const stop = () => {
    stopping = true;
    for (const b of sockets.values()) b.socket.close();
    sockets.clear();
    clearInterval(tick);
    finished();
  };

  process.on('SIGHUP', () => void scheduleReload());
  process.on('SIGTERM', () => {
    stop();
    process.exit(0);
  });

  const tick = setInterval(() => {
    if (stopping) return;
    if (!isAlive(holder)) {
      log('the rootless network namespace is gone: exiting');
      stop();
      return;
    }
    void scheduleReload().then(async () => {
      if (stopping || sockets.size || Date.now() - idleSince < IDLE_MS) return;
      // Idle: leave under the netns lock, after a last look (a start holding it is wiring a container in).
      await withLock(p.lock, async () => {
        await reload();
        if (sockets.size) return;
        stop();
        try {
          const st = JSON.parse(fs.readFileSync(dnsStateFile(roots.runRoot), 'utf8')) as { pid?: number };
          if (st.pid === process.pid) fs.unlinkSync(dnsStateFile(roots.runRoot));
        } catch {
          // gone already
        }
      });
    });
  }, 1000);
  await scheduleReload();
  await done;
}
