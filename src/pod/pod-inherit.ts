// What a member takes from its pod at create (podman's InfraInherit: the
// infra's devices, security options and /dev/shm size become the member's,
// its own flags applied after them), and which of the infra's namespaces it
// joins. Pure.

import { UsageError } from '../errors.js';
import { memberJoins } from './pod-share.js';
import type { PodRecord } from './pod-store.js';

/** The member's own flags that the pod's meet. */
export interface MemberOwnFlags {
  device?: readonly string[] | undefined;
  securityOpt?: readonly string[] | undefined;
  shmSize?: string | undefined;
  pid?: string | undefined;
  uts?: string | undefined;
  ipc?: string | undefined;
  cgroupns?: string | undefined;
}

export interface MemberInherited {
  device: string[];
  securityOpt: string[];
  shmSize?: string | undefined;
  /**
   * The member's --pid/--uts/--ipc after the pod's: `host` where the pod's namespace is the
   * host's; `container:INFRA` where the pod shares it but not its network (no --net-join then).
   */
  pid?: string | undefined;
  uts?: string | undefined;
  ipc?: string | undefined;
  /** The helper's --net-join list (ipc, uts, pid of the infra). */
  netJoin: string[];
  /** The member is in the pod's uts namespace (it has the pod's hostname). */
  joinsUts: boolean;
}

/** A --device value's path in the container (HOST[:CONTAINER][:MODE]). */
function deviceTarget(spec: string): string {
  const [host = '', second] = spec.split(':');
  return second?.startsWith('/') ? second : host;
}

/**
 * `hostNetwork`: the infra is in the host's network namespace, which a rootless member cannot
 * join (setns is refused in a namespace of the initial user namespace): the member uses the
 * host's network itself and joins the infra's other shared namespaces one by one.
 */
export function inheritFromPod(pod: PodRecord, own: MemberOwnFlags, o: { hostNetwork?: boolean } = {}): MemberInherited {
  const ownDevices = [...(own.device ?? [])];
  const taken = new Set(ownDevices.map(deviceTarget));
  const device = [...(pod.devices ?? []).filter((d) => !taken.has(deviceTarget(d))), ...ownDevices];
  const securityOpt = [...(pod.securityOpt ?? []), ...(own.securityOpt ?? [])];
  const shares = pod.infraId !== undefined && pod.share.includes('net') && o.hostNetwork !== true;
  if (pod.infraId !== undefined && pod.share.includes('cgroup') && own.cgroupns !== undefined && own.cgroupns !== 'host') {
    throw new UsageError(`--cgroupns ${own.cgroupns}: the pod shares its cgroup namespace (--share cgroup), which its containers keep`);
  }
  // Not joined: a namespace the member sets itself (podman lets its flag win), or one the pod has from the host.
  const podHost = { pid: pod.namespaces?.pid === 'host', uts: pod.namespaces?.uts === 'host' };
  const skip = { pid: own.pid !== undefined || podHost.pid, uts: own.uts !== undefined || podHost.uts, ipc: own.ipc !== undefined };
  const netJoin = shares ? memberJoins(pod.share, skip) : [];
  const out: MemberInherited = { device, securityOpt, netJoin, joinsUts: netJoin.includes('uts') };
  // In the pod's ipc namespace the member shares the infra's /dev/shm (podman's): its size is the pod's.
  if (netJoin.includes('ipc') && own.shmSize !== undefined) {
    throw new UsageError('--shm-size: the container shares the /dev/shm of its pod (which shares ipc): give the size to pod create --shm-size');
  }
  // --ipc host/none: no /dev/shm of its own to size.
  const shmSize = own.shmSize ?? (own.ipc === 'host' || own.ipc === 'none' ? undefined : pod.shmSize);
  if (shmSize !== undefined) out.shmSize = shmSize;
  const pid = own.pid ?? (shares && pod.share.includes('pid') && podHost.pid ? 'host' : undefined);
  if (pid !== undefined) out.pid = pid;
  const uts = own.uts ?? (shares && pod.share.includes('uts') && podHost.uts ? 'host' : undefined);
  if (uts !== undefined) out.uts = uts;
  // A pod sharing ipc/uts/pid but not its network (`--share ipc --network private`): the member has a
  // network of its own and joins each of those namespaces of the infra as `--ipc container:INFRA` does.
  if (pod.infraId !== undefined && !shares) {
    for (const n of ['ipc', 'uts', 'pid'] as const) {
      if (pod.share.includes(n) && own[n] === undefined && !(n !== 'ipc' && podHost[n])) out[n] = `container:${pod.infraId}`;
    }
    out.joinsUts = out.uts === `container:${pod.infraId}`;
  }
  return out;
}
