// The helper `run` options a container gets at each start for its security
// (decided at create, stored in userdata/security.json) and its generated
// /etc/hosts, /etc/resolv.conf and /etc/hostname (written again at every
// start, as podman does, so a changed host resolv.conf is seen):
//
//   const extra = await securityAndFilesArgs(store.containerDir(c.id), c)
//
// Returns options only (no `--`): they go before the command.

import { containerFilesHelperArgs, userdataDir, writeContainerFiles } from './container-files.js';
import { loadContainerSecurity, securityHelperArgs } from './security-args.js';

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

export async function securityAndFilesArgs(containerDir: string, c: StartArgsRecord): Promise<string[]> {
  const dir = userdataDir(containerDir);
  const files = await writeContainerFiles(dir, {
    hostname: c.config.hostname,
    name: c.name,
    network: c.config.network,
    addHosts: c.config.addHosts ?? [],
    dns: c.config.dns ?? [],
    dnsSearch: c.config.dnsSearch ?? [],
    dnsOptions: c.config.dnsOptions ?? [],
    noHosts: c.config.noHosts === true,
  });
  const security = await loadContainerSecurity(dir);
  return [...(security ? securityHelperArgs(security) : []), ...containerFilesHelperArgs(files)];
}
