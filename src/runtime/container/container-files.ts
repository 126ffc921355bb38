// The files a container gets in /etc from the engine, generated per container
// into its userdata/ dir and bound in by the helper (`--etc-hosts`,
// `--etc-resolv-conf`, `--etc-hostname`):
//
//   const files = await writeContainerFiles(userdataDir, { hostname, name, network: 'host', addHosts, dns })
//   args.push(...containerFilesHelperArgs(files))
//
// Content follows podman: /etc/hosts = --add-host entries, then the host's
// /etc/hosts entries (localhost lines added if it has none), then
// host.containers.internal when the host's address is known, then the
// container's own hostname and name. /etc/resolv.conf = the host's, with
// loopback nameservers dropped when the container has its own network
// namespace (they would point at the container itself; if none is left,
// podman's defaults 8.8.8.8 and 8.8.4.4), the network's own resolver first
// (slirp4netns' 10.0.2.3, ...), and --dns/--dns-search/--dns-option
// replacing the host's lines. The content builders are pure.

import fs from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';

export interface HostEntry {
  ip: string;
  names: string[];
}

/** The three generated files of a container (absolute paths); undefined = not generated (the image's stays). */
export interface ContainerFiles {
  hosts?: string | undefined;
  resolvConf?: string | undefined;
  hostname: string;
}

/** `/etc/hosts`-style text → entries; comments and malformed lines dropped. */
export function parseHosts(text: string): HostEntry[] {
  return text.split('\n').flatMap((raw) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return [];
    const [ip, ...names] = line.split(/\s+/);
    if (!ip || names.length === 0 || isIP(ip) === 0) return [];
    return [{ ip, names }];
  });
}

const HOSTNAME_RE = /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$/;

/**
 * `--add-host` value: `NAME:IP` (the first `:` separates, so IPv6 works:
 * `h:::1`), also `NAME=IP`; several names as `a;b:IP`. podman's messages.
 */
export function parseAddHost(value: string, hostGateway?: string): HostEntry {
  const eq = value.indexOf('=');
  const colon = value.indexOf(':');
  const sep = eq >= 0 && (colon < 0 || eq < colon) ? eq : colon;
  if (sep <= 0) throw new UsageError(`invalid IP address in add-host: ${JSON.stringify(value.slice(sep + 1))}`);
  const names = value.slice(0, sep).split(';');
  let ip = value.slice(sep + 1);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (ip === 'host-gateway') {
    if (hostGateway === undefined) throw new UsageError('host-gateway is not available for this network: give the address in --add-host');
    ip = hostGateway;
  }
  for (const n of names) {
    if (!HOSTNAME_RE.test(n)) throw new UsageError(`invalid hostname in add-host: ${JSON.stringify(n)}`);
  }
  if (isIP(ip) === 0) throw new UsageError(`invalid IP address in add-host: ${JSON.stringify(ip)}`);
  return { ip, names };
}

export interface HostsInput {
  hostname: string;
  /** The container's name; listed after the hostname. */
  name: string;
  /** --add-host values (first). */
  addHosts?: readonly string[];
  /** The host's /etc/hosts text (podman's base_hosts_file); undefined = none. */
  baseHosts?: string | undefined;
  /** The container's own addresses; none known (host network, none) = 127.0.0.1. */
  containerIps?: readonly string[];
  /** The host as the container reaches it, for host.containers.internal (and host-gateway). */
  hostGateway?: string | undefined;
}

export function hostsContent(input: HostsInput): string {
  const entries: HostEntry[] = (input.addHosts ?? []).map((v) => parseAddHost(v, input.hostGateway));
  const base = parseHosts(input.baseHosts ?? '');
  if (!base.some((e) => e.names.includes('localhost'))) {
    base.unshift({ ip: '127.0.0.1', names: ['localhost'] }, { ip: '::1', names: ['localhost'] });
  }
  entries.push(...base);
  if (input.hostGateway !== undefined) entries.push({ ip: input.hostGateway, names: ['host.containers.internal'] });
  const own = [...new Set([input.hostname, input.name].filter((n) => n !== ''))];
  const ips = input.containerIps?.length ? input.containerIps : ['127.0.0.1'];
  for (const ip of ips) entries.push({ ip, names: own });
  return entries.map((e) => `${e.ip}\t${e.names.join(' ')}\n`).join('');
}

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

/** resolv.conf text → its nameserver, search (last search/domain line wins) and options lines. */
export function parseResolvConf(text: string): ResolvConf {
  const r: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const f = raw.replace(/[#;].*/, '').trim().split(/\s+/);
    const [key, ...rest] = f;
    if (key === 'nameserver' && rest[0]) r.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') r.search = rest;
    else if (key === 'options') r.options.push(...rest);
  }
  return r;
}

function isLoopback(ip: string): boolean {
  const bare = ip.replace(/%.*$/, '');
  return /^127\./.test(bare) || bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}

export const DEFAULT_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];
export const DEFAULT_NAMESERVERS_V6 = ['2001:4860:4860::8888', '2001:4860:4860::8844'];

export interface ResolvConfInput {
  /** The host's resolv.conf text. */
  hostResolvConf: string;
  /** 'host': shares the host's network (its loopback resolvers work); 'private': its own namespace. */
  namespace: 'host' | 'private';
  /** The network's own resolver(s), listed first (slirp4netns: 10.0.2.3). */
  networkNameservers?: readonly string[];
  /** The network's search domains, before the host's (dns.podman with a DNS responder); not with --dns. */
  networkSearch?: readonly string[];
  /** Whether the container has IPv6 (IPv6 nameservers are dropped otherwise in a private namespace). */
  ipv6?: boolean;
  /** --dns (replaces the nameservers); --dns-search ('.' = none); --dns-option. */
  dns?: readonly string[];
  dnsSearch?: readonly string[];
  dnsOptions?: readonly string[];
}

export function resolvConfContent(input: ResolvConfInput): string {
  const host = parseResolvConf(input.hostResolvConf);
  let nameservers: string[];
  if (input.dns?.length) {
    for (const d of input.dns) if (isIP(d) === 0) throw new UsageError(`${d} is not an ip address`);
    nameservers = [...input.dns];
  } else if (input.namespace === 'private') {
    nameservers = host.nameservers.filter((n) => !isLoopback(n) && (input.ipv6 === true || isIP(n.replace(/%.*$/, '')) !== 6));
    nameservers = [...(input.networkNameservers ?? []), ...nameservers];
    if (nameservers.length === 0) nameservers = [...DEFAULT_NAMESERVERS, ...(input.ipv6 ? DEFAULT_NAMESERVERS_V6 : [])];
  } else {
    nameservers = host.nameservers;
  }
  const search = input.dnsSearch?.length ? (input.dnsSearch.includes('.') ? [] : [...input.dnsSearch]) : [...(input.dns?.length ? [] : (input.networkSearch ?? [])), ...host.search];
  const options = input.dnsOptions?.length ? [...input.dnsOptions] : host.options;
  let out = '';
  if (search.length) out += `search ${search.join(' ')}\n`;
  for (const n of nameservers) out += `nameserver ${n}\n`;
  if (options.length) out += `options ${options.join(' ')}\n`;
  return out;
}

/** slirp4netns' built-in DNS forwarder (its default 10.0.2.0/24 network). */
export const SLIRP4NETNS_DNS = '10.0.2.3';
/** The address podman 5 has pasta forward DNS on (`pasta --dns-forward 169.254.1.1`). */
export const PASTA_DNS_FORWARD = '169.254.1.1';

/**
 * The network's own resolver, listed first in resolv.conf: slirp4netns'
 * forwarder always; pasta's forward address only when the host has nothing
 * but loopback resolvers (which the container cannot reach otherwise), as
 * podman does. The network backend must then start pasta with
 * `--dns-forward 169.254.1.1`.
 */
export function networkNameservers(network: string, hostResolvConf: string): string[] {
  if (network === 'slirp4netns') return [SLIRP4NETNS_DNS];
  if (network === 'pasta') {
    const ns = parseResolvConf(hostResolvConf).nameservers;
    return ns.length > 0 && ns.every(isLoopback) ? [PASTA_DNS_FORWARD] : [];
  }
  return [];
}

export function hostnameContent(hostname: string): string {
  return `${hostname}\n`;
}

export interface ContainerFilesInput {
  hostname: string;
  name: string;
  /** The container's network mode: 'host' shares the host's; others have their own namespace. */
  network: string;
  addHosts?: readonly string[];
  dns?: readonly string[];
  dnsSearch?: readonly string[];
  dnsOptions?: readonly string[];
  /** --no-hosts: keep the image's /etc/hosts. */
  noHosts?: boolean;
  /** Supplied by the network backend once there is one. */
  containerIps?: readonly string[];
  hostGateway?: string;
  /** Default: networkNameservers(network, host resolv.conf). */
  networkNameservers?: readonly string[];
  networkSearch?: readonly string[];
  ipv6?: boolean;
  /** For tests: where the host's files are read from. */
  hostEtc?: { hosts: string; resolvConf: string; resolvedResolvConf: string };
}

const HOST_ETC = {
  hosts: '/etc/hosts',
  resolvConf: '/etc/resolv.conf',
  // systemd-resolved's real upstream servers, when /etc/resolv.conf is its 127.0.0.53 stub.
  resolvedResolvConf: '/run/systemd/resolve/resolv.conf',
};

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The content of the three files (undefined = that file is not generated). */
export async function containerFilesContent(input: ContainerFilesInput): Promise<{ hosts?: string; resolvConf?: string; hostname: string }> {
  const etc = input.hostEtc ?? HOST_ETC;
  const out: { hosts?: string; resolvConf?: string; hostname: string } = { hostname: hostnameContent(input.hostname) };
  if (!input.noHosts) {
    out.hosts = hostsContent({
      hostname: input.hostname,
      name: input.name,
      addHosts: input.addHosts ?? [],
      baseHosts: await readOptional(etc.hosts),
      containerIps: input.containerIps ?? [],
      hostGateway: input.hostGateway,
    });
  }
  const dnsNone = input.dns?.length === 1 && input.dns[0] === 'none';
  const anyDns = Boolean(input.dns?.length || input.dnsSearch?.length || input.dnsOptions?.length);
  // podman: --dns none, or --network none without any DNS flag, leaves resolv.conf alone.
  if (!dnsNone && (input.network !== 'none' || anyDns)) {
    const namespace = input.network === 'host' ? 'host' : 'private';
    let hostResolvConf = (await readOptional(etc.resolvConf)) ?? '';
    const ns = parseResolvConf(hostResolvConf).nameservers;
    if (namespace === 'private' && ns.length > 0 && ns.every((n) => n === '127.0.0.53')) {
      hostResolvConf = (await readOptional(etc.resolvedResolvConf)) ?? hostResolvConf;
    }
    out.resolvConf = resolvConfContent({
      hostResolvConf,
      namespace,
      networkNameservers: input.networkNameservers ?? networkNameservers(input.network, hostResolvConf),
      networkSearch: input.networkSearch ?? [],
      ipv6: input.ipv6 ?? false,
      dns: input.dns ?? [],
      dnsSearch: input.dnsSearch ?? [],
      dnsOptions: input.dnsOptions ?? [],
    });
  }
  return out;
}

/** The container's userdata dir (generated files, seccomp rules) inside its containers/<id>/ dir. */
export function userdataDir(containerDir: string): string {
  return path.join(containerDir, 'userdata');
}

/**
 * Generate hosts, resolv.conf and hostname into `dir` (created if missing),
 * each replaced atomically and readable by every user of the container.
 */
export async function writeContainerFiles(dir: string, input: ContainerFilesInput): Promise<ContainerFiles> {
  const content = await containerFilesContent(input);
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const files: ContainerFiles = { hostname: path.join(dir, 'hostname') };
  // Written again at every start: atomic, but no fsync (nothing to keep across a power loss).
  const opts = { mode: 0o644, durable: false };
  const writes = [writeFileAtomic(files.hostname, content.hostname, opts)];
  if (content.hosts !== undefined) {
    files.hosts = path.join(dir, 'hosts');
    writes.push(writeFileAtomic(files.hosts, content.hosts, opts));
  }
  if (content.resolvConf !== undefined) {
    files.resolvConf = path.join(dir, 'resolv.conf');
    writes.push(writeFileAtomic(files.resolvConf, content.resolvConf, opts));
  }
  await Promise.all(writes);
  return files;
}

/** The helper's `run` options that bind the files in. Pure. */
export function containerFilesHelperArgs(files: ContainerFiles): string[] {
  const a: string[] = [];
  if (files.hosts !== undefined) a.push('--etc-hosts', files.hosts);
  if (files.resolvConf !== undefined) a.push('--etc-resolv-conf', files.resolvConf);
  a.push('--etc-hostname', files.hostname);
  return a;
}
