// Cgroup facts from /proc files, as pure functions: which hierarchy layout
// the host has, where this process sits, and what podman would report.

/** One line of /proc/<pid>/cgroup: `hierarchy-id:controller,list:/path`. */
export interface CgroupMembership {
  hierarchyId: number;
  /** Empty for the v2 unified hierarchy (`0::/path`). */
  controllers: string[];
  path: string;
}

export function parseProcCgroup(text: string): CgroupMembership[] {
  const out: CgroupMembership[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const id = Number(line.slice(0, first));
    if (!Number.isInteger(id)) continue;
    const ctl = line.slice(first + 1, second);
    out.push({ hierarchyId: id, controllers: ctl ? ctl.split(',') : [], path: line.slice(second + 1) || '/' });
  }
  return out;
}

/** The v2 path of this process (`0::/path`), if it is in a unified hierarchy. */
export function unifiedPathOf(members: readonly CgroupMembership[]): string | undefined {
  return members.find((m) => m.hierarchyId === 0 && m.controllers.length === 0)?.path;
}

/**
 * v1 controllers that are enabled and mounted, in /proc/cgroups order (what
 * podman lists on a cgroup v1 host): rows whose hierarchy id is not 0.
 */
export function parseV1Controllers(procCgroups: string): string[] {
  const out: string[] = [];
  for (const line of procCgroups.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [name, hierarchy, , enabled] = line.trim().split(/\s+/);
    if (name && hierarchy !== '0' && enabled === '1') out.push(name);
  }
  return out;
}

/** `cgroup.controllers`: a space-separated list. */
export function parseControllerList(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

export type CgroupLayout = 'unified' | 'hybrid' | 'legacy';

export const CGROUP2_SUPER_MAGIC = 0x63677270;

/**
 * From the filesystem types (statfs f_type) of /sys/fs/cgroup and of
 * /sys/fs/cgroup/unified (undefined when absent).
 */
export function cgroupLayoutOf(rootFsType: number | undefined, unifiedFsType: number | undefined): CgroupLayout {
  if (rootFsType === CGROUP2_SUPER_MAGIC) return 'unified';
  if (unifiedFsType === CGROUP2_SUPER_MAGIC) return 'hybrid';
  return 'legacy';
}

/** podman's `host.cgroupVersion`: only a pure v2 host is "v2". */
export function cgroupVersionOf(layout: CgroupLayout): 'v1' | 'v2' {
  return layout === 'unified' ? 'v2' : 'v1';
}

/** What we learnt about one candidate cgroup v2 directory for the user. */
export interface CgroupDirFacts {
  /** Path inside the v2 hierarchy, e.g. `/user.slice/user-1000.slice/user@1000.service`. */
  path: string;
  controllers: string[];
  /** This process may create child cgroups and move itself (dir + cgroup.procs writable). */
  writable: boolean;
}

export interface CgroupDelegation {
  delegated: boolean;
  /** The delegated subtree, when there is one. */
  path?: string;
  controllers: string[];
  /** One sentence: why it is or is not delegated. */
  detail: string;
}

/** The v2 controllers behind --memory, --cpus and --pids-limit. */
export const LIMIT_CONTROLLERS = ['memory', 'cpu', 'pids'] as const;

function hasLimitController(controllers: readonly string[]): boolean {
  return LIMIT_CONTROLLERS.some((c) => controllers.includes(c));
}

/**
 * Delegated means a v2 subtree this user can write to, with at least one of
 * the controllers --memory/--cpus/--pids-limit need enabled in it (a hybrid
 * host's v2 tree may hold only leftovers such as hugetlb).
 */
export function delegationOf(layout: CgroupLayout, candidates: readonly CgroupDirFacts[]): CgroupDelegation {
  if (layout === 'legacy') {
    return { delegated: false, controllers: [], detail: 'the host has no cgroup v2 hierarchy (cgroup v1 only)' };
  }
  const usable = candidates.find((c) => c.writable && hasLimitController(c.controllers));
  if (usable) {
    return {
      delegated: true,
      path: usable.path,
      controllers: usable.controllers,
      detail: `cgroup v2 subtree ${usable.path} is delegated (controllers: ${usable.controllers.join(' ')})`,
    };
  }
  const where = layout === 'hybrid' ? 'hybrid cgroup v1/v2 host: the v2 hierarchy' : 'cgroup v2';
  const writable = candidates.find((c) => c.writable);
  const detail = writable
    ? `${where} subtree ${writable.path} is writable but has none of the ${LIMIT_CONTROLLERS.join('/')} controllers` +
      (writable.controllers.length ? ` (only: ${writable.controllers.join(' ')})` : '')
    : `${where} has no subtree writable by this user` + (candidates[0] ? ` (own cgroup: ${candidates[0].path})` : '');
  return { delegated: false, controllers: candidates[0]?.controllers ?? [], detail };
}

/** The systemd user manager's cgroup, where delegation usually lives. */
export function userServiceCgroup(uid: number): string {
  return `/user.slice/user-${uid}.slice/user@${uid}.service`;
}
