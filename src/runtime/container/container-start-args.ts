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
import { writeFileAtomic } from '../../storage/atomic-file.js';
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
    for (const [name, key] of [['hosts', 'hosts'], ['resolv.conf', 'resolvConf']] as const) {
      if (key === 'hosts' && net.sharedHosts) {
        if (await fs.access(net.sharedHosts).then(() => true, () => false)) files.hosts = net.sharedHosts;
        continue;
      }
      const text = await fs.readFile(path.join(mirror, name), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      files[key] = path.join(dir, name);
      await writeFileAtomic(files[key], text, { mode: 0o644 });
    }
  }
  const security = await loadContainerSecurity(dir);
  return [...(security ? securityHelperArgs(security) : []), ...containerFilesHelperArgs(files)];
}
