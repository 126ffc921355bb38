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
