// A network's configuration in netavark's JSON format (podman 4's
// types.Network, as `network inspect` prints it and as podman writes
// `networks/NAME.json`), the built-in default network, and the check of a
// file read back from the store. Pure.

import { rfc3339Nano } from '../../format/go-time.js';

export interface LeaseRange {
  start_ip?: string;
  end_ip?: string;
}

export interface SubnetConfig {
  subnet: string;
  gateway?: string;
  lease_range?: LeaseRange;
}

/** Key order is podman's: JSON output follows insertion order. */
export interface NetworkConfig {
  name: string;
  id: string;
  driver: string;
  network_interface?: string;
  created: string;
  subnets?: SubnetConfig[];
  ipv6_enabled: boolean;
  internal: boolean;
  dns_enabled: boolean;
  /** Upstream servers of the network's DNS responder (podman 4.5's `network create --dns`); the host's when absent. */
  network_dns_servers?: string[];
  labels?: Record<string, string>;
  options?: Record<string, string>;
  ipam_options?: Record<string, string>;
}

export const DEFAULT_NETWORK_NAME = 'podman';
/** podman's fixed id of its default network (so `network ls` matches podman's). */
export const DEFAULT_NETWORK_ID = '2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9';
export const DEFAULT_INTERFACE_PREFIX = 'podman';
export const NAME_PATTERN = '[a-zA-Z0-9][a-zA-Z0-9_.-]*';
export const NAME_RE = new RegExp(`^${NAME_PATTERN}$`);

/** The default network: never on disk, created in memory each time (podman does the same), dated now. */
export function defaultNetwork(now: Date): NetworkConfig {
  return {
    name: DEFAULT_NETWORK_NAME,
    id: DEFAULT_NETWORK_ID,
    driver: 'bridge',
    network_interface: `${DEFAULT_INTERFACE_PREFIX}0`,
    created: rfc3339Nano(now),
    subnets: [{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }],
    ipv6_enabled: false,
    internal: false,
    dns_enabled: false,
    ipam_options: { driver: 'host-local' },
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrMap = (v: unknown): v is Record<string, string> => isObj(v) && Object.values(v).every((x) => typeof x === 'string');

/** A parsed file → a NetworkConfig, or throws naming what is wrong. */
export function validateNetworkConfig(v: unknown): NetworkConfig {
  if (!isObj(v)) throw new Error('not an object');
  for (const k of ['name', 'id', 'driver', 'created'] as const) {
    if (typeof v[k] !== 'string') throw new Error(`"${k}" is not a string`);
  }
  if (!NAME_RE.test(v.name as string)) throw new Error(`invalid name ${JSON.stringify(v.name)}`);
  if (!/^[0-9a-f]{64}$/.test(v.id as string)) throw new Error(`invalid id ${JSON.stringify(v.id)}`);
  if (v.network_interface !== undefined && typeof v.network_interface !== 'string') throw new Error('"network_interface" is not a string');
  for (const k of ['ipv6_enabled', 'internal', 'dns_enabled'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'boolean') throw new Error(`"${k}" is not a boolean`);
  }
  for (const k of ['labels', 'options', 'ipam_options'] as const) {
    if (v[k] !== undefined && v[k] !== null && !isStrMap(v[k])) throw new Error(`"${k}" is not a map of strings`);
  }
  if (v.subnets !== undefined && v.subnets !== null) {
    if (!Array.isArray(v.subnets)) throw new Error('"subnets" is not a list');
    for (const s of v.subnets as unknown[]) {
      if (!isObj(s) || typeof s.subnet !== 'string') throw new Error('a subnet has no "subnet"');
      if (s.gateway !== undefined && typeof s.gateway !== 'string') throw new Error('a subnet\'s "gateway" is not a string');
    }
  }
  if (v.network_dns_servers !== undefined && v.network_dns_servers !== null) {
    if (!Array.isArray(v.network_dns_servers) || !v.network_dns_servers.every((x) => typeof x === 'string')) throw new Error('"network_dns_servers" is not a list of strings');
  }
  const c = v as unknown as NetworkConfig;
  return { ...c, ipv6_enabled: c.ipv6_enabled ?? false, internal: c.internal ?? false, dns_enabled: c.dns_enabled ?? false };
}

/** podman writes its configs with a five-space indent and a final newline. */
export function serializeNetworkConfig(c: NetworkConfig): string {
  return JSON.stringify(c, null, 5) + '\n';
}
