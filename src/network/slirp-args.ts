// slirp4netns for a container, as podman runs it: options from the
// `slirp4netns:` list (allow_host_loopback, mtu, cidr, enable_ipv6,
// outbound_addr[6], port_handler=slirp4netns), the addresses the container
// gets on its network (for /etc/hosts and resolv.conf), and one API request
// per published port (add_hostfwd: IPv4, TCP or UDP, one port each). The
// helper adds the ready/exit fds, the API socket and the target. Pure.

import { TscRunError } from '../errors.js';
import type { PortMapping } from '../storage/containers.js';

export interface SlirpPlan {
  args: string[];
  /** JSON lines for the API socket, in order. */
  requests: string[];
  /** The container's address on tap0 (network + 100). */
  containerIp: string;
  /** The host as the container sees it (network + 2). */
  gateway: string;
  /** slirp4netns' DNS forwarder (network + 3). */
  dns: string;
}

function optionMap(options: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const o of options) {
    const eq = o.indexOf('=');
    m.set(eq < 0 ? o : o.slice(0, eq), eq < 0 ? '' : o.slice(eq + 1));
  }
  return m;
}

/** `10.0.2.0/24` + n → `10.0.2.n` (the network address plus n). */
function addrInCidr(cidr: string, n: number): string {
  const [ip = '', bits = '24'] = cidr.split('/');
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((x) => !Number.isInteger(x) || x < 0 || x > 255) || Number(bits) > 30) {
    throw new TscRunError(`invalid cidr for slirp4netns: ${JSON.stringify(cidr)}`);
  }
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const net = ((((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0) & mask) >>> 0;
  const v = (net + n) >>> 0;
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

export function slirpPlan(options: readonly string[], ports: readonly PortMapping[]): SlirpPlan {
  const o = optionMap(options);
  const args = [];
  if (o.get('allow_host_loopback') !== 'true') args.push('--disable-host-loopback');
  args.push(`--mtu=${o.get('mtu') ?? '65520'}`, '--enable-sandbox', '--enable-seccomp', '-c');
  const cidr = o.get('cidr');
  if (cidr !== undefined) args.push(`--cidr=${cidr}`);
  if (o.get('enable_ipv6') !== 'false') args.push('--enable-ipv6');
  if (o.get('outbound_addr') !== undefined) args.push(`--outbound-addr=${o.get('outbound_addr')}`);
  if (o.get('outbound_addr6') !== undefined) args.push(`--outbound-addr6=${o.get('outbound_addr6')}`);

  const requests: string[] = [];
  for (const p of ports) {
    if (p.hostIP && p.hostIP.includes(':')) {
      throw new TscRunError(`slirp4netns can only publish ports on IPv4 addresses, not ${p.hostIP}: use --network pasta`);
    }
    for (const proto of (p.protocol ?? 'tcp').split(',')) {
      if (proto !== 'tcp' && proto !== 'udp') throw new TscRunError(`can't forward protocol: ${proto}`);
      for (let i = 0; i < (p.range ?? 1); i++) {
        requests.push(
          JSON.stringify({
            execute: 'add_hostfwd',
            arguments: { proto, host_addr: p.hostIP || '0.0.0.0', host_port: p.hostPort + i, guest_port: p.containerPort + i },
          }),
        );
      }
    }
  }
  const base = cidr ?? '10.0.2.0/24';
  return { args, requests, containerIp: addrInCidr(base, 100), gateway: addrInCidr(base, 2), dns: addrInCidr(base, 3) };
}
