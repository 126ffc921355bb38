// The /etc/hosts and /etc/resolv.conf of a container that shares another's
// network (--network container:X), as podman 4.3 keeps them: the files of
// the container at the root of the chain (X, or the one X shares, ...) are
// bound into it themselves, one inode for all (an edit in one is seen in the
// other; `inspect` names them as its HostsPath and ResolvConfPath); the
// joiner's own line, `127.0.0.1 HOSTNAME NAME`, is added to that hosts file
// at its start and removed at its exit. Its hostname stays its own (podman
// shares no UTS namespace here). A pod member's line is the pod's business
// (src/pod/pod-hosts.ts).

import type { Roots } from '../config/paths.js';
import { userdataDir } from '../runtime/container/container-files.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import { editHostsFile, type HostsLine } from './etc-hosts-edit.js';
import { sharedNetworkContainer } from './network-mode.js';

/** The container whose network namespace (and /etc files) `rec` uses in the end: `rec` itself unless it shares one. */
export async function networkRootContainer(store: ContainerStore, rec: ContainerRecord): Promise<ContainerRecord | undefined> {
  let cur: ContainerRecord | undefined = rec;
  const seen = new Set<string>();
  while (cur) {
    const next = sharedNetworkContainer(cur.config.network);
    if (next === undefined) return cur;
    if (seen.has(cur.id)) return undefined;
    seen.add(cur.id);
    cur = await store.get(next);
  }
  return undefined;
}

/** The userdata dir holding the hosts and resolv.conf `rec` binds: the network root's. */
export async function etcFilesDir(store: ContainerStore, rec: ContainerRecord): Promise<string> {
  const root = await networkRootContainer(store, rec);
  return userdataDir(store.containerDir((root ?? rec).id));
}

/** The joiner's line in the shared hosts file (podman's getLocalhostHostEntry). */
export function joinerHostsLine(rec: Pick<ContainerRecord, 'name' | 'config'>): HostsLine {
  return { ip: '127.0.0.1', names: [rec.config.hostname, rec.name] };
}

/** Whether `rec`'s line is kept in another container's hosts file by this module. */
function keepsLine(rec: ContainerRecord): boolean {
  return sharedNetworkContainer(rec.config.network) !== undefined && !rec.pod && rec.config.noHosts !== true;
}

/** At a joiner's start: its line in the network root's hosts file (under that container's lock). */
export async function addJoinerHosts(roots: Roots, rec: ContainerRecord): Promise<void> {
  await editJoinerLine(roots, rec, 'add');
}

/** At a joiner's exit: its line leaves the shared hosts file. Nothing for other containers. */
export async function releaseJoinerHosts(roots: Roots, rec: ContainerRecord): Promise<void> {
  await editJoinerLine(roots, rec, 'remove');
}

async function editJoinerLine(roots: Roots, rec: ContainerRecord, what: 'add' | 'remove'): Promise<void> {
  if (!keepsLine(rec)) return;
  const store = new ContainerStore(roots.dataRoot);
  const root = await networkRootContainer(store, rec);
  if (!root || root.id === rec.id) return;
  const line = joinerHostsLine(rec);
  const file = `${userdataDir(store.containerDir(root.id))}/hosts`;
  await store.locked(root.id, () => (what === 'add' ? editHostsFile(file, [line], []) : editHostsFile(file, [], [line])));
}
