// What `network ls` and `network inspect` show: the netavark JSON as it is,
// and for Go templates the same fields under podman's Go names
// (types.Network: .Name, .ID, .Driver, .NetworkInterface, .Created,
// .Subnets, ...; ls adds .Labels as `k=v,...` and a 12-character .ID).
// Pure.

import { GoTime } from '../../format/go-time.js';
import type { NetworkConfig } from './network-config.js';

export interface NetworkTemplateView {
  Name: string;
  ID: string;
  Driver: string;
  NetworkInterface: string;
  Created: GoTime;
  Subnets: Array<{ Subnet: string; Gateway: string; LeaseRange: { StartIP: string; EndIP: string } | null }>;
  IPv6Enabled: boolean;
  Internal: boolean;
  DNSEnabled: boolean;
  Labels: Record<string, string> | string;
  Options: Record<string, string>;
  IPAMOptions: Record<string, string>;
}

export function networkTemplateView(n: NetworkConfig): NetworkTemplateView {
  return {
    Name: n.name,
    ID: n.id,
    Driver: n.driver,
    NetworkInterface: n.network_interface ?? '',
    Created: GoTime.parseOrZero(n.created),
    Subnets: (n.subnets ?? []).map((s) => ({
      Subnet: s.subnet,
      Gateway: s.gateway ?? '',
      LeaseRange: s.lease_range ? { StartIP: s.lease_range.start_ip ?? '', EndIP: s.lease_range.end_ip ?? '' } : null,
    })),
    IPv6Enabled: n.ipv6_enabled,
    Internal: n.internal,
    DNSEnabled: n.dns_enabled,
    Labels: n.labels ?? {},
    Options: n.options ?? {},
    IPAMOptions: n.ipam_options ?? {},
  };
}

/** A `network ls` row: ID cut to 12 characters unless --no-trunc, Labels as `k=v,...`. */
export function networkListRow(n: NetworkConfig, noTrunc: boolean): NetworkTemplateView {
  const v = networkTemplateView(n);
  return {
    ...v,
    ID: noTrunc ? n.id : n.id.slice(0, 12),
    Labels: Object.entries(n.labels ?? {})
      .map(([k, val]) => `${k}=${val}`)
      .join(','),
  };
}
