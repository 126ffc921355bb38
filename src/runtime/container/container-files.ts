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
import { TscRunError, UsageError } from '../../errors.js';
import type { ContainersTable } from '../../host/containers-table.js';
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
  if (sep <= 0) throw new UsageError(`bad format for add-host: ${JSON.stringify(value)}`);
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
  /** The base hosts file's text (containers.conf base_hosts_file, default the host's /etc/hosts); undefined = none. */
  baseHosts?: string | undefined;
  /** The container's own addresses, each listed with its hostname and name; none = no such line (host network). */
  containerIps?: readonly string[];
  /** The host as the container reaches it, for --add-host NAME:host-gateway. */
  hostGateway?: string | undefined;
  /** The host.containers.internal address; undefined = no such line. */
  hostContainersInternal?: string | undefined;
}

/**
 * podman 4.3's (containers/common etchosts): --add-host entries, then the
 * base file's, then localhost (v4 and v6), host.containers.internal and the
 * container's own addresses, each of these last with only the names not
 * already listed (a user's entry is never shadowed; a line with no name left
 * is dropped).
 */
export function hostsContent(input: HostsInput): string {
  const entries: HostEntry[] = (input.addHosts ?? []).map((v) => parseAddHost(v, input.hostGateway));
  entries.push(...parseHosts(input.baseHosts ?? ''));
  const taken = new Set(entries.flatMap((e) => e.names));
  const own = [input.hostname, input.name].filter((n) => n !== '');
  const special: HostEntry[] = [
    { ip: '127.0.0.1', names: ['localhost'] },
    { ip: '::1', names: ['localhost'] },
    ...(input.hostContainersInternal ? [{ ip: input.hostContainersInternal, names: ['host.containers.internal'] }] : []),
    ...(input.containerIps ?? []).map((ip) => ({ ip, names: own })),
  ];
  for (const e of special) {
    const names = e.names.filter((n) => !taken.has(n));
    if (names.length) entries.push({ ip: e.ip, names });
  }
  return entries.map((e) => `${e.ip}\t${e.names.join(' ')}\n`).join('');
}

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

/** resolv.conf text → its nameserver lines, the last search line and the last options line (podman's reading). */
export function parseResolvConf(text: string): ResolvConf {
  const r: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const f = raw.replace(/#.*/, '').trim().split(/\s+/);
    const [key, ...rest] = f;
    if (key === 'nameserver' && rest.length === 1 && isIP(rest[0]!.replace(/%\w+$/, '')) !== 0) r.nameservers.push(rest[0]!);
    else if (key === 'search') r.search = rest;
    else if (key === 'options') r.options = rest;
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
  /** The network's own resolver(s), listed first (slirp4netns: 10.0.2.3, a bridge's DNS responder). */
  networkNameservers?: readonly string[];
  /** The network's search domains, before the host's (dns.podman with a DNS responder); not with user servers. */
  networkSearch?: readonly string[];
  /** Whether the container has IPv6 (IPv6 nameservers are dropped otherwise in a private namespace). */
  ipv6?: boolean;
  /** The user's servers (containers.conf dns_servers, then --dns), search domains ('.' = none) and options. */
  dns?: readonly string[];
  dnsSearch?: readonly string[];
  dnsOptions?: readonly string[];
}

/**
 * podman 4.3's (containers/common resolvconf): the user's servers replace
 * the host's and the network's; without them, the network's resolvers,
 * then the host's (loopback ones, and IPv6 ones without IPv6, dropped in a
 * private namespace; Google's when none is left), and the user's search
 * domains and options come before the host's instead of replacing them.
 */
export function resolvConfContent(input: ResolvConfInput): string {
  const user = input.dns ?? [];
  for (const d of user) if (isIP(d) === 0) throw new UsageError(`${d} is not an ip address`);
  const keepHost = user.length === 0;
  const userSearch = input.dnsSearch ?? [];
  const userOptions = input.dnsOptions ?? [];
  let nameservers = keepHost ? [...(input.networkNameservers ?? [])] : [...user];
  const searchIn = userSearch.length ? [...userSearch] : keepHost ? [...(input.networkSearch ?? [])] : [];
  let search = searchIn.includes('.') ? [] : searchIn;
  let options = [...userOptions];
  if (keepHost || nameservers.length === 0 || searchIn.length === 0 || options.length === 0) {
    const host = parseResolvConf(input.hostResolvConf);
    let hostServers = host.nameservers;
    if (input.namespace === 'private') {
      hostServers = hostServers.filter((n) => !isLoopback(n) && (input.ipv6 === true || isIP(n.replace(/%.*$/, '')) !== 6));
      if (hostServers.length === 0) hostServers = [...DEFAULT_NAMESERVERS, ...(input.ipv6 ? DEFAULT_NAMESERVERS_V6 : [])];
    }
    if (keepHost || nameservers.length === 0) nameservers = [...nameservers, ...hostServers];
    if (searchIn.length === 0 || (keepHost && search.length > 0)) search = [...search, ...host.search];
    if (keepHost || options.length === 0) options = [...options, ...host.options];
  }
  let out = '';
  if (search.length && search.join(' ').trim() !== '.') out += `search ${search.join(' ')}\n`;
  for (const n of nameservers) out += `nameserver ${n}\n`;
  if (options.length && options.join(' ').trim() !== '') out += `options ${options.join(' ')}\n`;
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
  /** The container's own addresses; default: 127.0.0.1 in a private namespace, none on the host's network nor on bridge networks (a container whose last network was disconnected has none, as podman). */
  containerIps?: readonly string[];
  hostGateway?: string;
  /** The network's host.containers.internal address (containers.conf host_containers_internal_ip overrides). */
  hostContainersInternal?: string;
  /** Default: networkNameservers(network, host resolv.conf). */
  networkNameservers?: readonly string[];
  networkSearch?: readonly string[];
  ipv6?: boolean;
  /** containers.conf's [containers] settings; default: none set. */
  conf?: ContainersTable;
  /** For tests: where the host's files are read from. */
  hostEtc?: { hosts: string; resolvConf: string; resolvedResolvConf: string; networkManagerResolvConf?: string };
}

const HOST_ETC = {
  hosts: '/etc/hosts',
  resolvConf: '/etc/resolv.conf',
  // The real upstream servers, when /etc/resolv.conf names only a local stub resolver (as podman reads them).
  resolvedResolvConf: '/run/systemd/resolve/resolv.conf',
  networkManagerResolvConf: '/run/NetworkManager/no-stub-resolv.conf',
};

const NO_CONF: ContainersTable = { baseHostsFile: '', hostContainersInternalIp: '', dnsServers: [], dnsSearches: [], dnsOptions: [], noHosts: false, imageVolumeMode: '' };

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** base_hosts_file: '' = the host's /etc/hosts (may be missing), 'none', or a file that must exist ('image' is refused). */
async function baseHostsText(setting: string, hostHosts: string): Promise<string | undefined> {
  if (setting === 'none') return undefined;
  if (setting === '') return readOptional(hostHosts);
  if (setting === 'image') throw new TscRunError('containers.conf base_hosts_file = "image" is not supported: name a file, or "none"');
  try {
    return await fs.readFile(setting, 'utf8');
  } catch (e) {
    throw new TscRunError(`failed to create new hosts file: open ${setting}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
}

/** The content of the three files (undefined = that file is not generated). */
export async function containerFilesContent(input: ContainerFilesInput): Promise<{ hosts?: string; resolvConf?: string; hostname: string }> {
  const etc = input.hostEtc ?? HOST_ETC;
  const conf = input.conf ?? NO_CONF;
  const out: { hosts?: string; resolvConf?: string; hostname: string } = { hostname: hostnameContent(input.hostname) };
  if (!input.noHosts) {
    const hci = conf.hostContainersInternalIp === 'none' ? undefined : conf.hostContainersInternalIp || input.hostContainersInternal;
    out.hosts = hostsContent({
      hostname: input.hostname,
      name: input.name,
      addHosts: input.addHosts ?? [],
      baseHosts: await baseHostsText(conf.baseHostsFile, etc.hosts),
      containerIps: input.containerIps?.length ? input.containerIps : input.network === 'host' || input.network === 'bridge' ? [] : ['127.0.0.1'],
      hostGateway: input.hostGateway,
      hostContainersInternal: hci,
    });
  }
  const dnsNone = input.dns?.length === 1 && input.dns[0] === 'none';
  // containers.conf's values come first, the flags' after (podman joins them).
  const dns = dnsNone ? [] : [...conf.dnsServers, ...(input.dns ?? [])];
  const dnsSearch = [...conf.dnsSearches, ...(input.dnsSearch ?? [])];
  const dnsOptions = [...conf.dnsOptions, ...(input.dnsOptions ?? [])];
  const anyDns = Boolean(dns.length || dnsSearch.length || dnsOptions.length);
  // podman: --dns none, or --network none without any DNS setting, leaves resolv.conf alone.
  if (!dnsNone && (input.network !== 'none' || anyDns)) {
    const namespace = input.network === 'host' ? 'host' : 'private';
    let hostResolvConf = (await readOptional(etc.resolvConf)) ?? '';
    const ns = parseResolvConf(hostResolvConf).nameservers;
    if (namespace === 'private' && ns.length === 1) {
      const real = ns[0] === '127.0.0.53' ? etc.resolvedResolvConf : ns[0] === '127.0.0.1' ? etc.networkManagerResolvConf : undefined;
      if (real) hostResolvConf = (await readOptional(real)) ?? hostResolvConf;
    }
    out.resolvConf = resolvConfContent({
      hostResolvConf,
      namespace,
      networkNameservers: input.networkNameservers ?? networkNameservers(input.network, hostResolvConf),
      networkSearch: input.networkSearch ?? [],
      ipv6: input.ipv6 ?? false,
      dns,
      dnsSearch,
      dnsOptions,
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
  // podman 4.3 makes /etc/mtab -> /proc/mounts in every container's root that has none.
  a.push('--etc-mtab');
  return a;
}
