// Can this host give us a rootless user namespace, and if not, what exactly
// should the admin run? `diagnoseHost` is pure (facts in, plan or error
// out); `gatherHostFacts` does the reading; `hostUserNamespace` ties them
// together and is what the helper spawner uses.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { HostPrerequisiteError } from '../errors.js';
import { findExecutable } from './executables.js';
import { currentSubIdOwner, currentSubIdRanges, userNamespaceMaps, type IdMaps, type SubIdRange } from './idmap.js';

/** Set by `podman unshare` and `tsc-run unshare` inside the namespace they made. */
export const USERNS_CONFIGURED_ENV = '_CONTAINERS_USERNS_CONFIGURED';

export interface MapTool {
  path: string;
  setuid: boolean;
  /** security.capability present; undefined when it could not be checked. */
  fileCaps: boolean | undefined;
}

export interface HostFacts {
  euid: number;
  /** Login name for messages and fixes (the uid when there is none). */
  user: string;
  /** /proc/self/uid_map is `0 0 4294967295`: we are in the host's user namespace. */
  initialUserNs: boolean;
  usernsConfigured: boolean;
  maxUserNamespaces: number | undefined;
  /** Debian/Ubuntu's kernel.unprivileged_userns_clone, when the kernel has it. */
  unprivilegedUsernsClone: number | undefined;
  /** Ubuntu 23.10+'s kernel.apparmor_restrict_unprivileged_userns. */
  apparmorRestrictsUserns: number | undefined;
  newuidmap: MapTool | undefined;
  newgidmap: MapTool | undefined;
  subuid: SubIdRange[];
  subgid: SubIdRange[];
}

/** What the helper should be given. */
export type UserNamespacePlan =
  /** Root, or already inside our/podman's unshare: work directly, no new user namespace. */
  | { kind: 'none' }
  | { kind: 'rootless'; maps: IdMaps; newuidmap: string; newgidmap: string };

export function usermodFix(user: string): string {
  return `sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user}`;
}

/** Pure: the plan, or the first problem with its exact fix. */
export function diagnoseHost(f: HostFacts): { kind: 'none' } | { kind: 'rootless'; newuidmap: string; newgidmap: string } {
  if (!f.initialUserNs) {
    if (f.usernsConfigured) return { kind: 'none' };
    throw new HostPrerequisiteError(
      'tsc-run is running inside a user namespace it did not create (/proc/self/uid_map is not the identity); ' +
        `run it on the host, or inside \`tsc-run unshare\` / \`podman unshare\``,
    );
  }
  if (f.euid === 0) return { kind: 'none' };
  if (f.maxUserNamespaces === 0) {
    throw new HostPrerequisiteError('user namespaces are disabled (user.max_user_namespaces is 0)', 'sudo sysctl -w user.max_user_namespaces=15000');
  }
  if (f.unprivilegedUsernsClone === 0) {
    throw new HostPrerequisiteError(
      'unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone is 0)',
      'sudo sysctl -w kernel.unprivileged_userns_clone=1',
    );
  }
  if (f.apparmorRestrictsUserns === 1) {
    throw new HostPrerequisiteError(
      'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns is 1)',
      'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0',
    );
  }
  for (const [name, tool] of [['newuidmap', f.newuidmap], ['newgidmap', f.newgidmap]] as const) {
    if (!tool) throw new HostPrerequisiteError(`${name} is not installed (rootless mode needs it)`, 'sudo apt-get install uidmap');
  }
  const tools = [f.newuidmap!, f.newgidmap!];
  const powerless = tools.filter((t) => !t.setuid && t.fileCaps === false);
  if (powerless.length) {
    throw new HostPrerequisiteError(
      `${powerless.map((t) => t.path).join(' and ')} ${powerless.length > 1 ? 'have' : 'has'} neither the setuid bit nor file capabilities`,
      `sudo chmod u+s ${tools.map((t) => t.path).join(' ')}`,
    );
  }
  const missing = [f.subuid.length ? '' : '/etc/subuid', f.subgid.length ? '' : '/etc/subgid'].filter(Boolean);
  if (missing.length) {
    throw new HostPrerequisiteError(
      `no subordinate ${missing.length > 1 ? 'uid and gid' : missing[0] === '/etc/subuid' ? 'uid' : 'gid'} range for user ${f.user} in ${missing.join(' and ')}`,
      usermodFix(f.user),
    );
  }
  return { kind: 'rootless', newuidmap: f.newuidmap!.path, newgidmap: f.newgidmap!.path };
}

// ---- I/O ----

function readNumber(file: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isNaN(n) ? undefined : n;
  } catch {
    return undefined;
  }
}

/** `0 0 4294967295` in whatever column alignment the kernel uses. */
export function isIdentityMap(text: string): boolean {
  const lines = text.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  return lines.length === 1 && lines[0] === '0 0 4294967295';
}

/** File capabilities via getcap (Node cannot read xattrs); undefined when getcap is absent. */
function hasFileCaps(p: string): boolean | undefined {
  const getcap = findExecutable('getcap');
  if (!getcap) return undefined;
  try {
    return /cap_set[ug]id/i.test(execFileSync(getcap, [p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return undefined;
  }
}

function mapTool(name: string): MapTool | undefined {
  const p = findExecutable(name);
  if (!p) return undefined;
  const setuid = (fs.statSync(p).mode & 0o4000) !== 0 && fs.statSync(p).uid === 0;
  return { path: p, setuid, fileCaps: setuid ? undefined : hasFileCaps(p) };
}

export function gatherHostFacts(env: NodeJS.ProcessEnv = process.env): HostFacts {
  const euid = process.geteuid!();
  let uidMap = '0 0 4294967295';
  try {
    uidMap = fs.readFileSync('/proc/self/uid_map', 'utf8');
  } catch {
    // No /proc: assume the host namespace; the helper will say what fails.
  }
  const initialUserNs = isIdentityMap(uidMap);
  const rootless = initialUserNs && euid !== 0;
  const owner = currentSubIdOwner();
  const ranges = rootless ? currentSubIdRanges() : { uid: [], gid: [] };
  return {
    euid,
    user: owner.name ?? String(owner.uid),
    initialUserNs,
    usernsConfigured: Boolean(env[USERNS_CONFIGURED_ENV]),
    maxUserNamespaces: rootless ? readNumber('/proc/sys/user/max_user_namespaces') : undefined,
    unprivilegedUsernsClone: rootless ? readNumber('/proc/sys/kernel/unprivileged_userns_clone') : undefined,
    apparmorRestrictsUserns: rootless ? readNumber('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') : undefined,
    newuidmap: rootless ? mapTool('newuidmap') : undefined,
    newgidmap: rootless ? mapTool('newgidmap') : undefined,
    subuid: ranges.uid,
    subgid: ranges.gid,
  };
}

let cachedPlan: UserNamespacePlan | undefined;

/**
 * The user namespace every helper call needs on this host: none as root (or
 * inside an unshare'd namespace), else the current user's maps. Throws a
 * HostPrerequisiteError naming the fix when rootless mode cannot work.
 */
export function hostUserNamespace(): UserNamespacePlan {
  if (cachedPlan) return cachedPlan;
  const facts = gatherHostFacts();
  const d = diagnoseHost(facts);
  cachedPlan = d.kind === 'none' ? d : { ...d, maps: userNamespaceMaps({ uid: facts.subuid, gid: facts.subgid }) };
  return cachedPlan;
}
