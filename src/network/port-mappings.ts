// From -p requests (and -P's exposed ports) to the container's published
// ports, podman's ParsePortMapping: protocols checked and split, adjacent
// mappings joined into ranges, host ports used twice refused, empty host
// ports given free ones. Deterministic order (host IP, tcp/udp/sctp, host
// port), where podman's follows Go's map order. Pure: free ports come from
// the caller (free-port.ts).

import { isIP } from 'node:net';
import { TscRunError } from '../errors.js';
import type { PortMapping } from '../storage/containers.js';
import type { PortRequest } from './port-spec.js';

const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;

/** `tcp,udp` → ['tcp', 'udp'] (deduplicated; '' is tcp). */
export function checkProtocol(protocol: string): string[] {
  const out = new Set<string>();
  for (const raw of protocol.split(',')) {
    const p = raw.toLowerCase();
    if (p === '' || p === 'tcp') out.add('tcp');
    else if (p === 'udp' || p === 'sctp') out.add(p);
    else throw new TscRunError(`unrecognized protocol ${JSON.stringify(p)} in port mapping`);
  }
  return PROTOCOLS.filter((p) => out.has(p));
}

interface Span {
  hostPort: number;
  containerPort: number;
  range: number;
}

/** A free host port (0 = none found); the caller binds to find one. */
export type RandomPort = () => Promise<number>;

const MAX_TRIES = 15;

async function randomHostPort(used: Set<number>, s: Span, randomPort: RandomPort): Promise<number> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const p = await randomPort();
    if (p <= 0 || p + s.range > 65535) continue;
    let free = true;
    for (let j = 0; j < s.range && free; j++) free = !used.has(p + j);
    if (free) return p;
  }
  const range = s.range > 1 ? `with range ${s.range} ` : '';
  throw new TscRunError(`failed to find an open port to expose container port ${s.containerPort} ${range}on the host`);
}

function markUsed(used: Set<number>, usedCtr: Set<number>, s: Span): void {
  for (let i = 0; i < s.range; i++) {
    used.add(s.hostPort + i);
    usedCtr.add(s.containerPort + i);
  }
}

/** Fixed host ports of one address and protocol, sorted: join neighbours, refuse overlaps. */
function joinFixed(spans: Span[], protocol: string): Span[] {
  const out: Span[] = [];
  let prev: Span | undefined;
  for (const cur of spans) {
    if (prev && prev.hostPort + prev.range >= cur.hostPort) {
      const diff = cur.hostPort - prev.hostPort;
      if (diff === cur.containerPort - prev.containerPort) {
        prev.range = Math.max(prev.range, cur.range + diff);
        continue;
      }
      // podman compares with `>` here and so publishes the last port of a range twice; we refuse it.
      if (prev.hostPort + prev.range - 1 >= cur.hostPort) {
        throw new TscRunError(`conflicting port mappings for host port ${cur.hostPort} (protocol ${protocol})`);
      }
    }
    if (prev) out.push(prev);
    prev = { ...cur };
  }
  if (prev) out.push(prev);
  return out;
}

/** Random host ports: container ports of one address and protocol, sorted; overlapping ones joined. */
function joinRandom(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const cur of spans) {
    const prev = out[out.length - 1];
    if (prev && prev.containerPort + prev.range > cur.containerPort) {
      prev.range = Math.max(prev.range, cur.containerPort - prev.containerPort + cur.range);
      continue;
    }
    out.push({ ...cur });
  }
  return out;
}

/**
 * The published ports of a container: the -p requests, plus (-P) every
 * exposed port/protocol no request covers, on a free host port.
 */
export async function resolvePortMappings(
  requests: readonly PortRequest[],
  publishExposed: ReadonlyMap<number, readonly string[]> | undefined,
  randomPort: RandomPort,
): Promise<PortMapping[]> {
  const byAddr = new Map<string, Map<string, Span[]>>();
  for (const r of requests) {
    const protocols = checkProtocol(r.protocol);
    if (r.hostIP !== undefined && isIP(r.hostIP) === 0) throw new TscRunError(`invalid IP address ${JSON.stringify(r.hostIP)} in port mapping`);
    if (r.containerPort === 0) throw new TscRunError('container port number must be non-0');
    const range = r.range || 1;
    if (range - 1 + r.containerPort > 65535) throw new TscRunError('container port range exceeds maximum allowable port number');
    if (range - 1 + r.hostPort > 65535) throw new TscRunError('host port range exceeds maximum allowable port number');
    const byProto = byAddr.get(r.hostIP ?? '') ?? new Map<string, Span[]>();
    byAddr.set(r.hostIP ?? '', byProto);
    for (const p of protocols) byProto.set(p, [...(byProto.get(p) ?? []), { hostPort: r.hostPort, containerPort: r.containerPort, range }]);
  }

  const out: PortMapping[] = [];
  const usedCtrAll = new Map<string, Set<number>>(PROTOCOLS.map((p) => [p, new Set<number>()]));
  const usedHostAll = new Map<string, Set<number>>(PROTOCOLS.map((p) => [p, new Set<number>()]));
  const push = (hostIP: string, protocol: string, s: Span) => {
    markUsed(usedHostAll.get(protocol)!, usedCtrAll.get(protocol)!, s);
    out.push({ ...(hostIP ? { hostIP } : {}), hostPort: s.hostPort, containerPort: s.containerPort, protocol, range: s.range });
  };
  for (const hostIP of [...byAddr.keys()].sort()) {
    const byProto = byAddr.get(hostIP)!;
    for (const protocol of PROTOCOLS) {
      const spans = byProto.get(protocol);
      if (!spans?.length) continue;
      const fixed = spans.filter((s) => s.hostPort !== 0).sort((a, b) => a.hostPort - b.hostPort || a.containerPort - b.containerPort);
      const random = spans.filter((s) => s.hostPort === 0).sort((a, b) => a.containerPort - b.containerPort);
      const used = new Set<number>();
      for (const s of joinFixed(fixed, protocol)) {
        markUsed(used, new Set(), s);
        push(hostIP, protocol, s);
      }
      for (const s of joinRandom(random)) {
        s.hostPort = await randomHostPort(used, s, randomPort);
        markUsed(used, new Set(), s);
        push(hostIP, protocol, s);
      }
    }
  }

  for (const [port, protocols] of [...(publishExposed ?? new Map<number, readonly string[]>())].sort((a, b) => a[0] - b[0])) {
    for (const protocol of checkProtocol(protocols.join(','))) {
      if (usedCtrAll.get(protocol)!.has(port)) continue;
      const s: Span = { hostPort: 0, containerPort: port, range: 1 };
      s.hostPort = await randomHostPort(usedHostAll.get(protocol)!, s, randomPort);
      push('', protocol, s);
    }
  }
  return out;
}
