// The user namespace a container's helper gets: the host default, or the
// maps its --userns/--uidmap/--gidmap ask for (userns-options.ts).

import type { ContainerRecord } from '../../storage/containers.js';
import type { UserNamespacePlan } from '../../host/preflight.js';
import { planUserns } from './userns-options.js';
import { TscRunError } from '../../errors.js';

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
 * A rootless container on a bridge network lives in a user namespace nested in the bridge
 * holder's (which has the default map): its own maps in the holder's ids, written by the helper
 * from inside the holder's namespace (`--userns-nested`). Undefined when it has no maps of its
 * own (it then lives in the holder's namespace itself) or as root (the bridge is the host's).
 */
export function nestedUserNamespace(c: ContainerRecord, host: UserNamespacePlan): UserNamespacePlan | undefined {
  const cfg = c.config;
  if (host.kind !== 'rootless' || (!cfg.userns && !cfg.uidmap?.length && !cfg.gidmap?.length)) return undefined;
  const plan = planUserns({ mode: cfg.userns ?? '', uidmap: cfg.uidmap ?? [], gidmap: cfg.gidmap ?? [] }, host.maps, { uid: process.getuid!(), gid: process.getgid!() });
  if (!plan.nested) return undefined;
  // Its interfaces are configured as root of its namespace (containerNsenterArgs).
  if (!plan.nested.uid.some((m) => m.container === 0) || !plan.nested.gid.some((m) => m.container === 0)) {
    throw new TscRunError('--uidmap/--gidmap on a bridge network must map container id 0: the container\'s network is set up as its root');
  }
  return { ...host, maps: plan.nested };
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
