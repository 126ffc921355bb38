// The address pasta gives a container: by default a copy of the host's
// IPv4 address on the interface of its first default route (or the one
// named by pasta's -a). For /etc/hosts and inspect.

import fs from 'node:fs';
import os from 'node:os';

/** /proc/net/route text → the interface of the first default route. Pure. */
export function defaultRouteInterface(routeText: string): string | undefined {
  for (const line of routeText.split('\n').slice(1)) {
    const [iface, dest, , , , , , mask] = line.trim().split(/\s+/);
    if (iface && dest === '00000000' && (mask === undefined || mask === '00000000')) return iface;
  }
  return undefined;
}

/** The host's IPv4 address on its default-route interface, if any. */
export function hostDefaultAddress(): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync('/proc/net/route', 'utf8');
  } catch {
    return undefined;
  }
  const iface = defaultRouteInterface(text);
  if (!iface) return undefined;
  return os.networkInterfaces()[iface]?.find((a) => a.family === 'IPv4')?.address;
}

/** The address pasta assigns: `-a ADDR`/`--address ADDR` (IPv4) among its options, else the host's. */
export function pastaContainerAddress(options: readonly string[]): string | undefined {
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!;
    const v = o === '-a' || o === '--address' ? options[i + 1] : o.startsWith('--address=') ? o.slice(10) : undefined;
    if (v && /^\d+\.\d+\.\d+\.\d+$/.test(v)) return v;
  }
  return hostDefaultAddress();
}

function globalUnicast(ip: string, family: string): boolean {
  if (family === 'IPv4') return !/^(127\.|169\.254\.|0\.|22[4-9]\.|2[3-5]\d\.)/.test(ip);
  const l = ip.toLowerCase();
  return l !== '::1' && l !== '::' && !/^fe[89ab]/.test(l) && !l.startsWith('ff');
}

/**
 * The host's first global unicast address, IPv4 preferred, in interface
 * order: what podman 4.3 lists as host.containers.internal for a rootless
 * container (containers/common etchosts getLocalIP). Pure over `ifaces`.
 */
export function hostLocalAddress(ifaces: ReturnType<typeof os.networkInterfaces> = os.networkInterfaces()): string | undefined {
  let v6: string | undefined;
  for (const addrs of Object.values(ifaces)) {
    for (const a of addrs ?? []) {
      if (!globalUnicast(a.address, a.family)) continue;
      if (a.family === 'IPv4') return a.address;
      v6 ??= a.address;
    }
  }
  return v6;
}

/** /proc/net/route text → the gateway of the first default route (IPv4). Pure. */
export function defaultRouteGateway(routeText: string): string | undefined {
  for (const line of routeText.split('\n').slice(1)) {
    const [, dest, gw] = line.trim().split(/\s+/);
    if (dest === '00000000' && gw && /^[0-9A-Fa-f]{8}$/.test(gw) && gw !== '00000000') {
      const n = parseInt(gw, 16);
      // little-endian in /proc/net/route
      return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
    }
  }
  return undefined;
}

/**
 * host.containers.internal under pasta. pasta copies the host's address
 * into the container, so podman 4.3's choice (that address) would be the
 * container itself. With `pasta:--map-gw` the default gateway is mapped to
 * the host; otherwise another of the host's global IPv4 addresses (pasta
 * connects to it from the host), else none.
 */
export function pastaHostAddress(options: readonly string[], containerIp: string | undefined, ifaces: ReturnType<typeof os.networkInterfaces> = os.networkInterfaces()): string | undefined {
  if (options.includes('--map-gw') && !options.includes('--no-map-gw')) {
    try {
      return defaultRouteGateway(fs.readFileSync('/proc/net/route', 'utf8'));
    } catch {
      return undefined;
    }
  }
  for (const addrs of Object.values(ifaces)) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && a.address !== containerIp && globalUnicast(a.address, a.family)) return a.address;
  }
  return undefined;
}
