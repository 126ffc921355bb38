// The helper `run` options a container gets at each start for its security
// (decided at create, stored in userdata/security.json) and its generated
// /etc/hosts, /etc/resolv.conf and /etc/hostname (written again at every
// start, as podman does, so a changed host resolv.conf is seen):
//
//   const extra = await securityAndFilesArgs(store.containerDir(c.id), c)
//
// Returns options only (no `--`): they go before the command.

import fs from 'node:fs/promises';
import path from 'node:path';
import type { NetworkFilesInput } from '../../network/container-network.js';
import { containersTable } from '../../host/containers-table.js';
import { containerFilesHelperArgs, userdataDir, writeContainerFiles } from './container-files.js';
import { loadContainerSecurity, securityHelperArgs } from '../security/security-args.js';

/** What this needs of a container record (ContainerRecord fits). */
export interface StartArgsRecord {
  name: string;
  config: {
    hostname: string;
    network: string;
    addHosts?: readonly string[] | undefined;
    dns?: readonly string[] | undefined;
    dnsSearch?: readonly string[] | undefined;
    dnsOptions?: readonly string[] | undefined;
    noHosts?: boolean | undefined;
  };
}

/** `net` (src/network/container-network.ts): the container's addresses, or the container whose files it mirrors. */
export async function securityAndFilesArgs(containerDir: string, c: StartArgsRecord, net: NetworkFilesInput = {}): Promise<string[]> {
  const dir = userdataDir(containerDir);
  const mirror = net.mirrorDir;
  const files = await writeContainerFiles(dir, {
    hostname: c.config.hostname,
    name: c.name,
    network: c.config.network,
    addHosts: c.config.addHosts ?? [],
    // Sharing another container's network: its hosts and resolv.conf, copied below.
    dns: mirror ? ['none'] : (c.config.dns ?? []),
    dnsSearch: c.config.dnsSearch ?? [],
    dnsOptions: c.config.dnsOptions ?? [],
    noHosts: mirror !== undefined || c.config.noHosts === true,
    ...(net.containerIps ? { containerIps: net.containerIps } : {}),
    ...(net.hostGateway ? { hostGateway: net.hostGateway } : {}),
    ...(net.hostContainersInternal ? { hostContainersInternal: net.hostContainersInternal } : {}),
    conf: containersTable(),
    ...(net.networkNameservers ? { networkNameservers: net.networkNameservers } : {}),
    ...(net.networkSearch ? { networkSearch: net.networkSearch } : {}),
    ...(net.ipv6 !== undefined ? { ipv6: net.ipv6 } : {}),
  });
  if (mirror) {
    // Sharing another container's network: that container's own files are bound (one inode, as podman 4.3), none it lacks; --no-hosts keeps the image's.
    const exists = (f: string) => fs.access(f).then(() => true, () => false);
    const hosts = path.join(mirror, 'hosts');
    const resolv = path.join(mirror, 'resolv.conf');
    if (c.config.noHosts !== true && (await exists(hosts))) files.hosts = hosts;
    if (await exists(resolv)) files.resolvConf = resolv;
  }
  const security = await loadContainerSecurity(dir);
  return [...(security ? securityHelperArgs(security) : []), ...containerFilesHelperArgs(files)];
}
