// A project's networks as tsc-run bridge networks: the `network create`
// command line of a top-level network (labels as docker compose v2 sets
// them), and a service's `--network NAME:alias=...,ip=...` attachments
// (the service name and its aliases, so peers reach it by service name,
// container name and alias). Pure.

import { ComposeError } from './errors.js';
import { COMPOSE_VERSION, L } from './labels.js';
import type { NetworkConfig, Project, Service, ServiceNetwork } from './model.js';

interface IpamPool {
  subnet?: string;
  ip_range?: string;
  gateway?: string;
  aux_addresses?: Record<string, string>;
}

/** `network create` flags and name of top-level network `key` (not for external ones). */
export function networkCreateArgs(p: Project, key: string): string[] {
  const n = p.networks[key]!;
  const where = `networks.${key}`;
  const a: string[] = ['network', 'create', '--label', `${L.project}=${p.name}`, '--label', `${L.network}=${key}`, '--label', `${L.version}=${COMPOSE_VERSION}`];
  for (const [k, v] of Object.entries(n.labels ?? {})) a.push('--label', `${k}=${v}`);
  if (n.driver !== undefined && n.driver !== 'bridge') a.push('--driver', n.driver);
  for (const [k, v] of Object.entries((n.driver_opts as Record<string, string | number> | undefined) ?? {})) a.push('--opt', `${k}=${v}`);
  if (n.internal) a.push('--internal');
  if (n.enable_ipv6 === true) a.push('--ipv6');
  if (n.enable_ipv4 === false) throw new ComposeError(`${where}.enable_ipv4: tsc-run networks always have IPv4`);
  const ipam = (n.ipam ?? {}) as { driver?: string; config?: IpamPool[]; options?: Record<string, string> };
  if (ipam.driver !== undefined && ipam.driver !== 'default') a.push('--ipam-driver', ipam.driver);
  if (ipam.options && Object.keys(ipam.options).length) throw new ComposeError(`${where}.ipam.options: IPAM driver options are not supported by tsc-run networks`);
  for (const [i, pool] of (ipam.config ?? []).entries()) {
    if (pool.aux_addresses && Object.keys(pool.aux_addresses).length) {
      throw new ComposeError(`${where}.ipam.config[${i}].aux_addresses: reserved addresses are not supported by tsc-run networks`);
    }
    if (pool.subnet === undefined) {
      if (pool.ip_range !== undefined || pool.gateway !== undefined) throw new ComposeError(`${where}.ipam.config[${i}]: ip_range and gateway need a subnet`);
      continue;
    }
    a.push('--subnet', pool.subnet);
    if (pool.gateway !== undefined) a.push('--gateway', pool.gateway);
    if (pool.ip_range !== undefined) a.push('--ip-range', pool.ip_range);
  }
  // attachable only lets swarm services' containers join: nothing to do without swarm.
  a.push(n.name!);
  return a;
}

/** The project's networks a set of services uses, by key, sorted. */
export function usedNetworks(p: Project, services: readonly string[] = Object.keys(p.services)): string[] {
  const keys = new Set<string>(p.allResources ? Object.keys(p.networks) : []);
  for (const s of services) for (const k of Object.keys(p.services[s]?.networks ?? {})) keys.add(k);
  return [...keys].sort();
}

/** Docker compose's order of a service's networks: higher priority first, then by name. */
export function serviceNetworkOrder(s: Service): string[] {
  const nets: Record<string, ServiceNetwork | null> = s.networks ?? {};
  return Object.keys(nets).sort((a, b) => (nets[b]?.priority ?? 0) - (nets[a]?.priority ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `--network` values of one container of the service: each network's name
 * with the service name (and, unless one-off, the configured aliases) as
 * aliases, its static addresses and interface name. The container's own
 * name is in its peers' /etc/hosts anyway.
 */
/**
 * Legacy `links: [SERVICE:ALIAS]` of services on network `key` too: the
 * alias names SERVICE there (docker resolves it for the linking container
 * only; here every container on that network sees it).
 */
function linkAliases(p: Project, service: string, key: string): string[] {
  const out: string[] = [];
  for (const o of Object.values(p.services)) {
    if (!serviceNetworkOrder(o).includes(key)) continue;
    for (const l of o.links ?? []) {
      const [target, alias] = l.split(':');
      if (target === service && alias && alias !== service) out.push(alias);
    }
  }
  return out;
}

export function networkFlags(p: Project, service: string, oneoff: boolean, useAliases = false): string[] {
  const s = p.services[service]!;
  const nets: Record<string, ServiceNetwork | null> = s.networks ?? {};
  const out: string[] = [];
  for (const [i, key] of serviceNetworkOrder(s).entries()) {
    const where = `services.${service}.networks.${key}`;
    const top: NetworkConfig | undefined = p.networks[key];
    if (!top) throw new ComposeError(`service ${JSON.stringify(service)} refers to undefined network ${key}`);
    const cfg = nets[key] ?? {};
    if (cfg.link_local_ips?.length) throw new ComposeError(`${where}.link_local_ips: link-local addresses are not supported by tsc-run networks`);
    if (cfg.driver_opts && Object.keys(cfg.driver_opts).length) throw new ComposeError(`${where}.driver_opts: per-container driver options are not supported by tsc-run networks`);
    // docker compose: one-off containers are not reachable by the service's name (unless run --use-aliases).
    const aliases = oneoff && !useAliases ? [] : [service, ...(cfg.aliases ?? []), ...linkAliases(p, service, key)];
    const opts: string[] = [];
    for (const al of new Set(aliases)) {
      if (/[,:=]/.test(al) || al === '') throw new ComposeError(`${where}.aliases: invalid alias ${JSON.stringify(al)}`);
      opts.push(`alias=${al}`);
    }
    if (cfg.ipv4_address !== undefined && !oneoff) opts.push(`ip=${cfg.ipv4_address}`);
    if (cfg.ipv6_address !== undefined && !oneoff) opts.push(`ip6=${cfg.ipv6_address}`);
    const mac = cfg.mac_address ?? (i === 0 ? (s.mac_address as string | undefined) : undefined);
    if (mac !== undefined && !oneoff) opts.push(`mac=${mac}`);
    if (cfg.interface_name !== undefined) opts.push(`interface_name=${cfg.interface_name}`);
    out.push(opts.length ? `${top.name!}:${opts.join(',')}` : top.name!);
  }
  return out;
}
