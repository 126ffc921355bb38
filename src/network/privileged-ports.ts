// Rootless, a host port below net.ipv4.ip_unprivileged_port_start cannot be
// bound by pasta or slirp4netns: refuse it before anything starts, naming
// the sysctl that allows it (podman's rootlessport says the same, after the
// fact).

import fs from 'node:fs';
import { TscRunError } from '../errors.js';
import type { PortMapping } from '../storage/containers.js';

export const UNPRIVILEGED_PORT_START = '/proc/sys/net/ipv4/ip_unprivileged_port_start';

/** The sysctl's value (1024, the kernel's default, if it cannot be read). */
export function readUnprivilegedPortStart(file = UNPRIVILEGED_PORT_START): number {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n >= 0 ? n : 1024;
  } catch {
    return 1024;
  }
}

/** The lowest published host port below `start`, if any. Pure. */
export function lowestPrivilegedPort(ports: readonly PortMapping[], start: number): number | undefined {
  const low = ports.map((p) => p.hostPort).filter((p) => p > 0 && p < start);
  return low.length ? Math.min(...low) : undefined;
}

export function privilegedPortError(port: number, start: number): TscRunError {
  return new TscRunError(
    `cannot expose privileged port ${port}: an unprivileged user can only bind ports >= ${start} ` +
      `(net.ipv4.ip_unprivileged_port_start=${start}); allow it with 'sudo sysctl net.ipv4.ip_unprivileged_port_start=${port}' ` +
      `(add 'net.ipv4.ip_unprivileged_port_start=${port}' to /etc/sysctl.conf to keep it), or choose a port >= ${start}`,
  );
}

/** Throws the error above when rootless and a host port is below the sysctl. */
export function checkPrivilegedPorts(ports: readonly PortMapping[], rootless: boolean, start = readUnprivilegedPortStart()): void {
  if (!rootless) return;
  const port = lowestPrivilegedPort(ports, start);
  if (port !== undefined) throw privilegedPortError(port, start);
}
