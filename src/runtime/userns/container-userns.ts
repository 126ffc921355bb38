// The user namespace a container's helper gets: the host default, or the
// maps its --userns/--uidmap/--gidmap ask for (userns-options.ts).

import type { ContainerRecord } from '../../storage/containers.js';
import type { UserNamespacePlan } from '../../host/preflight.js';
import { planUserns } from './userns-options.js';

export function containerUserNamespace(c: ContainerRecord, host: UserNamespacePlan): UserNamespacePlan {
  const cfg = c.config;
  if (!cfg.userns && !cfg.uidmap?.length && !cfg.gidmap?.length) return host;
  const plan = planUserns(
    { mode: cfg.userns ?? '', uidmap: cfg.uidmap ?? [], gidmap: cfg.gidmap ?? [] },
    host.kind === 'rootless' ? host.maps : undefined,
    { uid: process.getuid!(), gid: process.getgid!() },
  );
  if (!plan.maps) return host;
  // As root the helper writes the maps itself; the tools are only named.
  return host.kind === 'rootless'
    ? { ...host, maps: plan.maps }
    : { kind: 'rootless', maps: plan.maps, newuidmap: '/usr/bin/newuidmap', newgidmap: '/usr/bin/newgidmap' };
}

/**
 * The namespace in which the container's stored files (upper dir, private mounts of a stopped
 * container) carry their container ids. A keep-id container served by fuse-overlayfs stores
 * them as a default-mapped one does (the server shifts what the container sees), so its files
 * are read in the host default namespace; any other container's in its own.
 */
export function storageUserNamespace(c: ContainerRecord, host: UserNamespacePlan): UserNamespacePlan {
  if (c.config.userns === 'keep-id' && c.storage?.mountProgram !== undefined && host.kind === 'rootless') return host;
  return containerUserNamespace(c, host);
}
