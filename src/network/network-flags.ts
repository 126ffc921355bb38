// The network flags of run/create (--network, -p, -P) checked together,
// before anything is stored: the mode to record, the port requests, and
// podman's rules between them (ports are dropped with podman's warning on
// host, none and container: networks; DNS and host flags cannot change the
// files a container: network shares; a privileged host port is refused
// when rootless). The host and the store are reached through `deps`.

import { TscRunError } from '../errors.js';
import type { ContainerRecord } from '../storage/containers.js';
import { networkOptionsOf, parseNetworkFlag, resolveNetworkMode } from './network-mode.js';
import { parsePortSpec, type PortRequest } from './port-spec.js';
import { privilegedPortError } from './privileged-ports.js';

export interface NetworkFlags {
  /** Several when --network was given more than once. */
  network?: string | readonly string[] | undefined;
  publish: readonly string[];
  publishAll: boolean;
  /** Flags that write the generated hosts / resolv.conf. */
  dnsFlags: readonly string[];
  addHosts: readonly string[];
  /** --userns, --uidmap or --gidmap given. */
  usernsFlags: boolean;
}

export interface NetworkDeps {
  installed(): { pasta: boolean; slirp4netns: boolean };
  lookupContainer(nameOrId: string): Promise<ContainerRecord>;
  rootless: boolean;
  unprivilegedPortStart(): number;
  warn(message: string): void;
}

export interface NetworkPlan {
  network: string;
  networkOptions: string[];
  ports: PortRequest[];
  publishAll: boolean;
  /** container:NAME: the container whose network (and user namespace) this one shares. */
  sharedWith?: ContainerRecord;
}

export async function planNetwork(f: NetworkFlags, deps: NetworkDeps): Promise<NetworkPlan> {
  const values = f.network === undefined ? [] : typeof f.network === 'string' ? [f.network] : f.network.map(String);
  const req = parseNetworkFlag(values[0]);
  // Several networks exist only for bridges (podman), which do not exist here.
  if (values.length > 1) {
    throw new TscRunError(`cannot set multiple networks without bridge network mode, selected mode ${req.kind === 'default' ? 'private' : req.kind}: invalid argument`);
  }
  let ports = f.publish.map(parsePortSpec);
  let publishAll = f.publishAll;
  if ((req.kind === 'host' || req.kind === 'none' || req.kind === 'container') && (ports.length || publishAll)) {
    deps.warn('Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use');
    ports = [];
    publishAll = false;
  }
  if (req.kind === 'container') {
    let target: ContainerRecord;
    try {
      target = await deps.lookupContainer(req.nameOrId);
    } catch (err) {
      throw new TscRunError(`looking up container to share net namespace with: ${(err as Error).message}`, undefined, { cause: err });
    }
    const conflict = f.dnsFlags.length ? f.dnsFlags[0] : f.addHosts.length ? '--add-host' : f.usernsFlags ? '--userns' : undefined;
    if (conflict) {
      throw new TscRunError(
        `conflicting options: ${conflict} and --network container:${req.nameOrId} (the container shares the network, /etc/hosts, /etc/resolv.conf and user namespace of ${target.name})`,
      );
    }
    return { network: `container:${target.id}`, networkOptions: [], ports: [], publishAll: false, sharedWith: target };
  }
  const network = resolveNetworkMode(req, deps.installed());
  if (deps.rootless && (network === 'pasta' || network === 'slirp4netns')) {
    const start = deps.unprivilegedPortStart();
    const low = ports.filter((p) => p.hostPort > 0 && p.hostPort < start).map((p) => p.hostPort);
    if (low.length) throw privilegedPortError(Math.min(...low), start);
  }
  return { network, networkOptions: networkOptionsOf(req), ports, publishAll };
}
