// The [containers] settings of containers.conf that shape a container's
// generated /etc/hosts and /etc/resolv.conf, as podman 4.3 reads them at
// every start (base_hosts_file, host_containers_internal_ip, dns_servers,
// dns_searches, dns_options) and at create (no_hosts; [engine]
// image_volume_mode).
//
//   const t = containersTable()   // CONTAINERS_CONF or podman's files, merged

import { readContainersConf } from './containers-conf.js';
import type { TomlTable } from './toml.js';

export interface ContainersTable {
  /** '' = /etc/hosts (podman's default), 'none', 'image', or a path. */
  baseHostsFile: string;
  /** '' = chosen by the network, 'none', or an address. */
  hostContainersInternalIp: string;
  dnsServers: string[];
  dnsSearches: string[];
  dnsOptions: string[];
  noHosts: boolean;
  /** [engine] image_volume_mode: the default of --image-volume; '' = unset. */
  imageVolumeMode: string;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function texts(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Pure: the [containers] table of a merged containers.conf. */
export function containersTableOf(doc: TomlTable): ContainersTable {
  const t = doc.containers && typeof doc.containers === 'object' && !Array.isArray(doc.containers) ? (doc.containers as Record<string, unknown>) : {};
  const engine = doc.engine && typeof doc.engine === 'object' && !Array.isArray(doc.engine) ? (doc.engine as Record<string, unknown>) : {};
  return {
    baseHostsFile: text(t.base_hosts_file),
    hostContainersInternalIp: text(t.host_containers_internal_ip),
    dnsServers: texts(t.dns_servers),
    dnsSearches: texts(t.dns_searches),
    dnsOptions: texts(t.dns_options),
    noHosts: t.no_hosts === true,
    imageVolumeMode: text(engine.image_volume_mode),
  };
}

/** The settings in force for this process (read once). */
let cached: ContainersTable | undefined;
export function containersTable(): ContainersTable {
  cached ??= containersTableOf(readContainersConf());
  return cached;
}
