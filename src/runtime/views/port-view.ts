// `port`: a container's published ports as podman prints them
// (`80/tcp -> 0.0.0.0:8080`, or just `0.0.0.0:8080` for `port CTR 80`).
// Pure.

import { UsageError } from '../../errors.js';
import type { PortMapping } from '../../storage/containers.js';

export interface PortQuery {
  port: number;
  protocol: string;
}

/** `80`, `80/tcp`, `53/udp`. */
export function parsePortQuery(text: string): PortQuery {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(text);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw new UsageError(`invalid port: ${JSON.stringify(text)}`);
  return { port, protocol: m[2] ?? 'tcp' };
}

/** The lines for one container; `prefix` (`-a`: its short id and a tab) before each. */
export function portLines(ports: readonly PortMapping[], query: PortQuery | undefined, prefix = ''): { lines: string[]; found: boolean } {
  const lines: string[] = [];
  let found = false;
  for (const p of ports) {
    const ip = p.hostIP || '0.0.0.0';
    const range = p.range ?? 1;
    for (const proto of (p.protocol ?? 'tcp').split(',')) {
      if (!query) {
        for (let i = 0; i < range; i++) lines.push(`${prefix}${p.containerPort + i}/${proto} -> ${ip}:${p.hostPort + i}`);
        continue;
      }
      if (proto === query.protocol && p.containerPort <= query.port && query.port < p.containerPort + range) {
        lines.push(`${prefix}${ip}:${p.hostPort + query.port - p.containerPort}`);
        found = true;
        break;
      }
    }
  }
  return { lines, found };
}
