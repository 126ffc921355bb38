// `pod create --share` (podman's namespace list): the namespaces members
// share with the infra. Pure.

import { UsageError } from '../errors.js';
import type { SharedNamespace } from './pod-store.js';

export const DEFAULT_SHARE: SharedNamespace[] = ['ipc', 'net', 'uts'];

/**
 * `ipc,net,uts` (default), `+pid` (added to the default), `none`. With
 * `net`, members join the infra's namespaces through its network namespace
 * (a member is `--network container:INFRA` plus ipc/uts/pid); without it,
 * each shared one as `--ipc container:INFRA` (pod-inherit.ts). `cgroup` stands alone: the infra
 * and its members all keep the cgroup namespace they start in (the host's:
 * tsc-run makes a private one only for `--cgroupns private`), which is the
 * infra's, so sharing it needs no joining; members cannot ask for a private
 * one then.
 */
export function parseShare(value: string | undefined): SharedNamespace[] {
  if (value === undefined) return [...DEFAULT_SHARE];
  const v = value.trim();
  const add = v.startsWith('+');
  const words = (add ? v.slice(1) : v).split(',').map((w) => w.trim()).filter((w) => w !== '');
  if (!add && words.length === 1 && words[0] === 'none') return [];
  const out = new Set<SharedNamespace>(add ? DEFAULT_SHARE : []);
  for (const w of words) {
    if (w === 'net' || w === 'ipc' || w === 'uts' || w === 'pid' || w === 'cgroup') out.add(w);
    else if (w === 'none') throw new UsageError('--share none cannot be combined with other namespaces');
    else if (w === 'mnt' || w === 'mount') throw new UsageError('mount sharing functionality not supported on pod level');
    else if (w === 'user') throw new UsageError('--share user is not supported here: members are in the user namespace of the infra they join already');
    else throw new UsageError(`invalid kernel namespace to share: ${w}. Options are: cgroup, ipc, net, pid, uts or none`);
  }
  return [...out].sort();
}

/**
 * The member's helper `--net-join` list: what it takes from the infra besides
 * net (and user), less those in `skip`: a namespace the infra has from the
 * host (`pod create --pid host`: setns into a namespace of the initial user
 * namespace is refused inside ours, the member uses the host's itself) or
 * one the member sets itself (`run --pod P --pid host`: podman lets its own
 * flag win).
 */
export function memberJoins(share: readonly SharedNamespace[], skip: { pid?: boolean; uts?: boolean; ipc?: boolean } = {}): string[] {
  return share.filter((n): n is 'ipc' | 'uts' | 'pid' => (n === 'ipc' || n === 'uts' || n === 'pid') && skip[n] !== true);
}
