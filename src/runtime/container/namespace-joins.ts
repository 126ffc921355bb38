// --pid, --ipc, --uts, --cgroupns and --userns with `container:NAME` or
// `ns:PATH` (podman's ParseNamespace): parsed and resolved at create, turned
// into the helper's `--ns-join TYPE=SOURCE` options at every start.
//
// tsc-run gives each container a user namespace of its own (podman puts every
// rootless container in one), and a namespace can only be joined from the
// user namespace owning it: a container joining another's namespaces lives
// in that container's user namespace (the helper joins it; its maps are the
// other container's). Joined containers are dependencies, as in podman: they
// are started first and cannot be removed before this one.

import fs from 'node:fs';
import { TscRunError, UsageError } from '../../errors.js';
import type { ContainerRecord } from '../../storage/containers.js';

export type NsFlag = 'pid' | 'ipc' | 'uts' | 'cgroupns' | 'userns';

/** A joinable namespace as stored in `config.namespaces` (`user` for --userns). */
export type NsKey = 'pid' | 'ipc' | 'uts' | 'cgroupns' | 'user';

export type NsValue = { kind: 'mode'; mode: string } | { kind: 'container'; nameOrId: string } | { kind: 'path'; path: string };

const KEY: Record<NsFlag, NsKey> = { pid: 'pid', ipc: 'ipc', uts: 'uts', cgroupns: 'cgroupns', userns: 'user' };
/** podman's words: "looking up container to share pid namespace with" */
const SHARE_WORD: Record<NsKey, string> = { pid: 'pid', ipc: 'ipc', uts: 'uts', cgroupns: 'cgroup', user: 'user' };
/** podman's words: "cannot find specified PID namespace path" */
const PATH_WORD: Record<NsKey, string> = { pid: 'PID', ipc: 'IPC', uts: 'UTS', cgroupns: 'cgroup', user: 'user' };
/** The helper's --ns-join types. */
const HELPER_TYPE: Record<NsKey, string> = { pid: 'pid', ipc: 'ipc', uts: 'uts', cgroupns: 'cgroup', user: 'user' };

/** `container:X` / `ns:P` of any of the flags; anything else is the flag's own mode, parsed by its caller. Pure. */
export function parseJoinValue(value: string): NsValue {
  if (value.startsWith('container:')) {
    const nameOrId = value.slice('container:'.length);
    if (nameOrId === '') throw new UsageError('invalid config provided: namespace mode container requires a value');
    return { kind: 'container', nameOrId };
  }
  if (value.startsWith('ns:')) {
    const p = value.slice('ns:'.length);
    if (p === '') throw new UsageError('invalid config provided: namespace mode path requires a value');
    return { kind: 'path', path: p };
  }
  return { kind: 'mode', mode: value };
}

export interface JoinDeps {
  lookup(nameOrId: string): Promise<ContainerRecord>;
  get(id: string): Promise<ContainerRecord | undefined>;
  rootless: boolean;
}

export interface JoinPlan {
  /** `container:<id>` or `ns:<path>` per namespace joined. */
  namespaces: Partial<Record<NsKey, string>>;
  /** Joined containers' ids: dependencies (started first, not removable before this one). */
  requires: string[];
  /** The container whose user namespace this one lives in (its maps are copied), if any. */
  usernsDonor?: ContainerRecord;
  /** --uts container:X: X's hostname is this one's. */
  hostname?: string;
}

/**
 * Which user namespace a container lives in, as a token: `host` (root, no
 * user namespace), `bridge` (the rootless netns holder's) or the id of the
 * container that made it. Follows containers that joined others.
 */
export async function usernsOwner(rec: ContainerRecord, deps: Pick<JoinDeps, 'get' | 'rootless'>, depth = 0): Promise<string> {
  const cfg = rec.config;
  const follow = async (id: string): Promise<string> => {
    const next = depth < 16 ? await deps.get(id) : undefined;
    return next ? usernsOwner(next, deps, depth + 1) : `gone:${id}`;
  };
  if (cfg.network.startsWith('container:')) return follow(cfg.network.slice('container:'.length));
  const ns = cfg.namespaces ?? {};
  for (const k of ['user', 'pid', 'ipc', 'uts', 'cgroupns'] as const) {
    const v = ns[k];
    if (v?.startsWith('container:')) return follow(v.slice('container:'.length));
    if (v?.startsWith('ns:')) return `path:${v.slice(3)}`;
  }
  if (cfg.network === 'bridge') return 'bridge';
  if (!deps.rootless && !cfg.userns && !cfg.uidmap?.length && !cfg.gidmap?.length) return 'host';
  return rec.id;
}

/**
 * The joins a create asks for. `requested` holds the flags' values that are
 * `container:`/`ns:`; `own` describes the new container: its network's user
 * namespace (a token as usernsOwner gives, or undefined for one of its own)
 * and whether it asked for maps of its own (--userns MODE, --uidmap...).
 */
export async function planNamespaceJoins(
  requested: Partial<Record<NsFlag, NsValue>>,
  own: { networkOwner?: string | undefined; networkLabel?: string | undefined; ownMaps?: string | undefined; hostname?: string | undefined; shmSize?: string | undefined; pod?: string | undefined },
  deps: JoinDeps,
): Promise<JoinPlan> {
  const plan: JoinPlan = { namespaces: {}, requires: [] };
  const owners: Array<{ owner: string; label: string }> = [];
  const joins: string[] = [];
  if (own.networkOwner !== undefined) owners.push({ owner: own.networkOwner, label: own.networkLabel ?? '--network' });
  for (const flag of ['userns', 'pid', 'ipc', 'uts', 'cgroupns'] as const) {
    const v = requested[flag];
    if (!v || v.kind === 'mode') continue;
    const key = KEY[flag];
    if (v.kind === 'path') {
      checkNamespacePath(key, v.path);
      plan.namespaces[key] = `ns:${v.path}`;
      joins.push(`--${flag} ns:${v.path}`);
      continue;
    }
    let donor: ContainerRecord;
    try {
      donor = await deps.lookup(v.nameOrId);
    } catch (err) {
      throw new TscRunError(`looking up container to share ${SHARE_WORD[key]} namespace with: ${(err as Error).message}`, undefined, { cause: err });
    }
    // Its own pod's infra it joins so when the pod shares namespaces but not its network (src/pod/pod-inherit.ts).
    if (donor.config.pause && donor.pod && donor.pod !== own.pod) {
      throw new TscRunError(`${donor.name} is the infra container of pod ${donor.pod}: join the pod with --pod instead`);
    }
    if (key === 'ipc' && donor.config.namespaces?.ipc === 'private') {
      throw new TscRunError(`joining IPC of container ${donor.id} is not allowed: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`);
    }
    // The donor's /dev/shm is this one's (podman shares it unless the donor has none, --ipc none).
    if (key === 'ipc' && own.shmSize !== undefined && donor.config.namespaces?.ipc !== 'none') {
      throw new UsageError(`--shm-size and --ipc container:${v.nameOrId} cannot be used together: the container shares the /dev/shm of ${donor.name}`);
    }
    plan.namespaces[key] = `container:${donor.id}`;
    if (!plan.requires.includes(donor.id)) plan.requires.push(donor.id);
    // --userns container:X joins X's own user namespace; another flag joins the one owning X's namespace.
    owners.push({ owner: await usernsOwner(donor, deps), label: `--${flag} container:${v.nameOrId}` });
    joins.push(`--${flag} container:${v.nameOrId}`);
    plan.usernsDonor ??= donor;
    if (key === 'uts') plan.hostname = donor.config.hostname;
  }
  if (!joins.length) return plan;
  if (own.ownMaps !== undefined) {
    throw new UsageError(`${own.ownMaps} and ${joins[0]!} cannot be used together: the container lives in the user namespace of the namespaces it joins`);
  }
  if (own.hostname !== undefined && plan.namespaces.uts !== undefined) {
    throw new UsageError('invalid config provided: cannot set hostname when running in the host UTS namespace: invalid configuration');
  }
  // Paths are checked by the helper (it reads which user namespace owns them).
  const known = owners.filter((o) => !o.owner.startsWith('path:'));
  const first = known[0];
  const other = known.find((o) => o.owner !== first?.owner);
  if (first && other) {
    throw new TscRunError(
      `${first.label} and ${other.label}: the two live in different user namespaces (tsc-run gives each container its own), and a container can only join namespaces of one`,
    );
  }
  return plan;
}

/** podman's check of an `ns:PATH` at create: it must exist. */
function checkNamespacePath(key: NsKey, p: string): void {
  try {
    fs.statSync(p);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'ENOTDIR' ? 'not a directory' : (e.message ?? String(err));
    throw new TscRunError(`cannot find specified ${PATH_WORD[key]} namespace path: stat ${p}: ${why}`);
  }
}

/** Does the container join namespaces (so the helper gets no maps of its own)? */
export function joinsNamespaces(c: ContainerRecord): boolean {
  return Object.values(c.config.namespaces ?? {}).some((v) => v.startsWith('container:') || v.startsWith('ns:'));
}

/** Is the uts namespace joined (no --hostname for the helper)? */
export function joinsUts(c: ContainerRecord): boolean {
  const v = c.config.namespaces?.uts;
  return v !== undefined && (v.startsWith('container:') || v.startsWith('ns:'));
}

/** A joined container's namespace that is the host's (its mode was host): no join, the host flag. */
function hostEquivalent(key: NsKey, donor: ContainerRecord, rootless: boolean): string[] | undefined {
  const mode = donor.config.namespaces?.[key];
  if (mode !== undefined && /^(container|ns):/.test(mode)) return undefined;
  if (key === 'cgroupns') return mode === 'private' ? undefined : [];
  if (key === 'user') return !rootless && !donor.config.userns && !donor.config.uidmap?.length && !donor.config.gidmap?.length ? [] : undefined;
  return mode === 'host' ? [`--${key}ns=host`] : undefined;
}

export interface JoinArgs {
  args: string[];
  /** A namespace is joined for real: the helper gets no maps (it lives in the joined user namespace). */
  joins: boolean;
}

/**
 * The helper's `--ns-join` options at a start: a joined container's live
 * process (pid and start time, which the helper checks again), a path as is;
 * a joined container's namespace that is the host's becomes the host mode.
 */
export async function namespaceJoinArgs(
  c: ContainerRecord,
  live: (id: string) => Promise<{ record: ContainerRecord; pid?: number | undefined; startTime?: number | undefined } | undefined>,
  rootless: boolean,
): Promise<JoinArgs> {
  const out: JoinArgs = { args: [], joins: false };
  const ns = c.config.namespaces ?? {};
  for (const key of ['user', 'pid', 'ipc', 'uts', 'cgroupns'] as const) {
    const v = ns[key];
    if (v === undefined) continue;
    if (v.startsWith('ns:')) {
      out.args.push('--ns-join', `${HELPER_TYPE[key]}=path:${v.slice(3)}`);
      out.joins = true;
      continue;
    }
    if (!v.startsWith('container:')) continue;
    const id = v.slice('container:'.length);
    const d = await live(id);
    const flag = key === 'user' ? 'userns' : key;
    if (!d) throw new TscRunError(`the container whose ${SHARE_WORD[key]} namespace ${c.name} joins (${id.slice(0, 12)}) no longer exists`);
    const host = hostEquivalent(key, d.record, rootless);
    if (host) {
      out.args.push(...host);
      continue;
    }
    if (!d.pid || !d.startTime) {
      throw new TscRunError(`container ${d.record.name} is not running: ${c.name} joins its ${SHARE_WORD[key]} namespace (--${flag} container:${d.record.name})`);
    }
    out.args.push('--ns-join', `${HELPER_TYPE[key]}=container:${d.pid}:${d.startTime}`);
    // Its /dev/shm too (podman shares the donor's shm mount): POSIX shared memory is a tmpfs, not the ipc namespace.
    if (key === 'ipc') out.args.push('--shm-join', `container:${d.pid}:${d.startTime}`);
    out.joins = true;
  }
  return out;
}
