// `run`/`create --pod NAME|ID|new:NAME` and `--pod-id-file`: the pod a new
// container joins and what that means for its record: its network is the
// infra's (`container:<infra id>`), plus the other shared namespaces
// (`netJoin`), and the pod's hostname when uts is shared.

import fs from 'node:fs/promises';
import { TscRunError, UsageError } from '../errors.js';
import type { PodFlagDeps } from './pod-flags.js';
import { inheritFromPod, type MemberInherited, type MemberOwnFlags } from './pod-inherit.js';
import { PodStore, type PodRecord } from './pod-store.js';

export interface PodJoin {
  pod: PodRecord;
  /** `container:<infra id>`, or undefined when the pod does not share its network. */
  network?: string;
  netJoin: string[];
  /** The pod's hostname when the member is in its uts namespace. */
  hostname?: string;
  /** pod create -v values the member gets too. */
  volumes: string[];
  /** The pod's --device, --security-opt, --shm-size with the member's own after them; its --pid/--uts. */
  inherited: MemberInherited;
}

export interface PodJoinRequest {
  pod?: string | undefined;
  podIdFile?: string | undefined;
  /** The member's own flags that a shared network makes impossible. */
  publish: readonly string[];
  network?: string | undefined;
  hostname?: string | undefined;
  /** The member's own --device, --security-opt, --shm-size and namespace flags. */
  own?: MemberOwnFlags | undefined;
}

export async function podForCreate(req: PodJoinRequest, deps: PodFlagDeps): Promise<PodJoin> {
  let ref = req.pod;
  if (req.podIdFile !== undefined) {
    if (ref !== undefined) throw new UsageError('cannot specify both --pod and --pod-id-file');
    try {
      ref = (await fs.readFile(req.podIdFile, 'utf8')).trim();
    } catch {
      throw new TscRunError(`reading pod ID file: open ${req.podIdFile}: no such file or directory`);
    }
  }
  if (ref === undefined || ref === '') throw new UsageError('--pod needs a pod name or ID');
  let pod: PodRecord;
  const isNew = ref.startsWith('new:');
  if (isNew) {
    const { createPodFromFlags } = await import('./pod-flags.js');
    // podman moves the container's published ports to the new pod.
    pod = await createPodFromFlags(
      {
        name: ref.slice(4),
        infra: true,
        publish: [...req.publish],
        network: req.network,
        // podman gives the new pod the container's --hostname (the member then has it through the pod's uts).
        hostname: req.hostname,
        addHost: [],
        dns: [],
        dnsSearch: [],
        dnsOption: [],
        noHosts: false,
        label: [],
        uidmap: [],
        gidmap: [],
        replace: false,
        createCommand: [],
      },
      deps,
    );
  } else {
    pod = new PodStore(deps.roots.dataRoot).lookup(ref);
    if (pod.infraId && pod.share.includes('net')) {
      if (req.publish.length) {
        throw new TscRunError('invalid config provided: published or exposed ports must be defined when the pod is created: network cannot be configured when it is shared with a pod');
      }
      if (req.network !== undefined) {
        throw new TscRunError('invalid config provided: networks must be defined when the pod is created: network cannot be configured when it is shared with a pod');
      }
    }
  }
  const hostNetwork = pod.infraId !== undefined && pod.share.includes('net') && (await infraNetwork(deps, pod.infraId)) === 'host';
  const inherited = inheritFromPod(pod, req.own ?? {}, { hostNetwork });
  const out: PodJoin = { pod, netJoin: [], volumes: pod.volumes ?? [], inherited };
  if (hostNetwork) out.network = 'host';
  else if (pod.infraId && pod.share.includes('net')) {
    out.network = `container:${pod.infraId}`;
    out.netJoin = inherited.netJoin;
  }
  if (inherited.joinsUts) {
    if (req.hostname !== undefined && !isNew) throw new TscRunError('invalid config provided: cannot set hostname when joining the pod UTS namespace: invalid configuration');
    out.hostname = pod.hostname;
  }
  return out;
}

async function infraNetwork(deps: PodFlagDeps, infraId: string): Promise<string | undefined> {
  const { ContainerStore } = await import('../storage/containers.js');
  return (await new ContainerStore(deps.roots.dataRoot).get(infraId))?.config.network;
}
