// `-p/--publish` values, as podman's CreatePortBindings reads them:
//   [[ip:][hostPort]:]containerPort[/protocol]    ([ipv6]:hostPort:containerPort)
// where ports may be ranges (8000-8010) and protocol tcp, udp, sctp or a
// comma list. An empty host port (`ip::80`, `80`) is chosen at random later.
// Pure; podman's messages.

import { isIP } from 'node:net';
import { TscRunError } from '../errors.js';

/** One -p value. hostPort 0 = pick a free one; protocol as given ('' = tcp). */
export interface PortRequest {
  hostIP?: string;
  hostPort: number;
  containerPort: number;
  range: number;
  protocol: string;
}

function goAtoiError(s: string): string {
  return `invalid port number: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
}

function parsePort(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new TscRunError(goAtoiError(s));
  const n = Number(s);
  if (n < 1 || n > 65535) throw new TscRunError(`port numbers must be between 1 and 65535 (inclusive), got ${n}`);
  return n;
}

/** `80` or `8000-8010` → start and length. */
export function parsePortRange(s: string): { start: number; length: number } {
  const parts = s.split('-');
  if (parts.length > 2) throw new TscRunError('invalid port format - port ranges are formatted as startPort-stopPort');
  if (parts[0] === '') throw new TscRunError('port numbers cannot be negative');
  const start = parsePort(parts[0]!);
  if (parts.length === 1) return { start, length: 1 };
  if (parts[1] === '') throw new TscRunError('must provide ending number for port range');
  const end = parsePort(parts[1]!);
  if (end <= start) throw new TscRunError(`the end port of a range must be higher than the start port - ${end} is not higher than ${start}`);
  return { start, length: end - start + 1 };
}

function splitPort(hostIP: string | undefined, hostPort: string | undefined, ctrPort: string, protocol: string | undefined): PortRequest {
  if (ctrPort === '') throw new TscRunError('must provide a non-empty container port to publish');
  let ctr: { start: number; length: number };
  try {
    ctr = parsePortRange(ctrPort);
  } catch (err) {
    throw new TscRunError(`parsing container port: ${(err as Error).message}`);
  }
  const out: PortRequest = { hostPort: 0, containerPort: ctr.start, range: ctr.length, protocol: protocol ?? '' };
  if (protocol !== undefined && protocol === '') throw new TscRunError('must provide a non-empty protocol to publish');
  if (hostIP !== undefined) {
    if (hostIP === '') throw new TscRunError('must provide a non-empty container host IP to publish');
    // podman leaves 0.0.0.0 unset: "all addresses", the same as no IP.
    if (hostIP !== '0.0.0.0') {
      if (isIP(hostIP) === 0) throw new TscRunError(`cannot parse ${JSON.stringify(hostIP)} as an IP address`);
      out.hostIP = hostIP;
    }
  }
  if (hostPort !== undefined && hostPort !== '') {
    let host: { start: number; length: number };
    try {
      host = parsePortRange(hostPort);
    } catch (err) {
      throw new TscRunError(`parsing host port: ${(err as Error).message}`);
    }
    if (host.length !== ctr.length) {
      throw new TscRunError(`host and container port ranges have different lengths: ${host.length} vs ${ctr.length}`);
    }
    out.hostPort = host.start;
  }
  return out;
}

export function parsePortSpec(spec: string): PortRequest {
  const slash = spec.split('/');
  if (slash.length > 2) throw new TscRunError('invalid port format - protocol can only be specified once');
  const protocol = slash.length === 2 ? slash[1] : undefined;
  let rest = slash[0]!;
  let hostIP: string | undefined;
  let v6 = false;
  const bracket = rest.split(']');
  if (bracket.length > 2) throw new TscRunError('invalid port format - at most one IPv6 address can be specified in a --publish');
  if (bracket.length === 2) {
    v6 = true;
    if (!bracket[0]!.startsWith('[')) throw new TscRunError('invalid port format - IPv6 addresses must be enclosed by []');
    if (!bracket[1]!.startsWith(':')) throw new TscRunError("invalid port format - IPv6 address must be followed by a colon (':')");
    hostIP = bracket[0]!.slice(1);
    rest = bracket[1]!.slice(1);
  }
  const parts = rest.split(':');
  switch (parts.length) {
    case 1:
      if (v6) throw new TscRunError('invalid port format - must provide host and destination port if specifying an IP');
      return splitPort(hostIP, undefined, parts[0]!, protocol);
    case 2:
      return splitPort(hostIP, parts[0], parts[1]!, protocol);
    case 3:
      if (v6) throw new TscRunError('invalid port format - when v6 address specified, must be [ipv6]:hostPort:ctrPort');
      return splitPort(parts[0], parts[1], parts[2]!, protocol);
    default:
      throw new TscRunError('invalid port format - format is [[hostIP:]hostPort:]containerPort');
  }
}

/** The image's EXPOSE entries (`80/tcp`, `53/udp`, `8000-8001`) → container port → protocols. */
export function parseExposedPorts(exposed: Readonly<Record<string, unknown>> | undefined): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const key of Object.keys(exposed ?? {})) {
    const [portPart = '', proto = 'tcp', extra] = key.split('/');
    if (extra !== undefined) throw new TscRunError(`unable to convert image EXPOSE: invalid port format - protocol can only be specified once: ${key}`);
    let r: { start: number; length: number };
    try {
      r = parsePortRange(portPart);
    } catch (err) {
      throw new TscRunError(`unable to convert image EXPOSE: ${(err as Error).message}`);
    }
    for (let p = r.start; p < r.start + r.length; p++) {
      const list = out.get(p) ?? [];
      const lower = proto.toLowerCase() || 'tcp';
      if (!list.includes(lower)) list.push(lower);
      out.set(p, list);
    }
  }
  return out;
}
