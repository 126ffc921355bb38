// `inspect`'s NetworkSettings.Networks of a container on bridge networks,
// podman's InspectAdditionalNetwork per network: addresses while it runs
// (from the live allocations), names only when it does not.

import type { ContainerRecord } from '../../storage/containers.js';
import { readAllocations, type Allocations } from './bridge-attach.js';

export interface InspectNetwork {
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  MacAddress: string;
  NetworkID: string;
  DriverOpts: null;
  IPAMConfig: null;
  Links: null;
  Aliases: string[];
}

export async function inspectNetworks(runRoot: string, rec: ContainerRecord, running: boolean): Promise<Record<string, InspectNetwork> | undefined> {
  const wanted = rec.config.networks;
  if (rec.config.network !== 'bridge' || !wanted) return undefined;
  const live = running ? (await readAllocations(runRoot).catch((): Allocations => ({})))[rec.id] : undefined;
  const out: Record<string, InspectNetwork> = {};
  for (const [name, att] of Object.entries(wanted)) {
    const a = live?.networks[name];
    const v4 = a?.ips.findIndex((ip) => !ip.includes(':')) ?? -1;
    const v6 = a?.ips.findIndex((ip) => ip.includes(':')) ?? -1;
    out[name] = {
      EndpointID: '',
      Gateway: a?.gateways.find((g) => !g.includes(':')) ?? '',
      IPAddress: v4 >= 0 ? a!.ips[v4]! : '',
      IPPrefixLen: v4 >= 0 ? a!.prefixes[v4]! : 0,
      IPv6Gateway: a?.gateways.find((g) => g.includes(':')) ?? '',
      GlobalIPv6Address: v6 >= 0 ? a!.ips[v6]! : '',
      GlobalIPv6PrefixLen: v6 >= 0 ? a!.prefixes[v6]! : 0,
      MacAddress: a?.mac ?? att.staticMac ?? '',
      NetworkID: name,
      DriverOpts: null,
      IPAMConfig: null,
      Links: null,
      Aliases: [rec.id.slice(0, 12), ...(att.aliases ?? [])],
    };
  }
  return out;
}
