// Reads the host's cgroup layout and this user's delegation (I/O side of
// cgroups.ts): a handful of small /proc and /sys reads, no processes.

import fs from 'node:fs';
import path from 'node:path';
import {
  cgroupLayoutOf,
  cgroupVersionOf,
  delegationOf,
  parseControllerList,
  parseProcCgroup,
  parseV1Controllers,
  unifiedPathOf,
  userServiceCgroup,
  type CgroupDelegation,
  type CgroupDirFacts,
  type CgroupLayout,
} from './cgroups.js';

export interface CgroupFacts {
  layout: CgroupLayout;
  version: 'v1' | 'v2';
  /** podman's host.cgroupControllers: what containers of this user could use. */
  controllers: string[];
  delegation: CgroupDelegation;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

function fsType(p: string): number | undefined {
  try {
    return fs.statfsSync(p).type;
  } catch {
    return undefined;
  }
}

function readOr(p: string, fallback: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return fallback;
  }
}

function writable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    fs.accessSync(path.join(p, 'cgroup.procs'), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function dirFacts(mount: string, cgPath: string): CgroupDirFacts | undefined {
  const dir = path.join(mount, cgPath);
  if (!fs.existsSync(dir)) return undefined;
  return {
    path: cgPath,
    controllers: parseControllerList(readOr(path.join(dir, 'cgroup.controllers'), '')),
    writable: writable(dir),
  };
}

export function probeCgroups(uid: number): CgroupFacts {
  const layout = cgroupLayoutOf(fsType(CGROUP_ROOT), fsType(path.join(CGROUP_ROOT, 'unified')));
  const version = cgroupVersionOf(layout);
  const candidates: CgroupDirFacts[] = [];
  if (layout !== 'legacy') {
    const mount = layout === 'unified' ? CGROUP_ROOT : path.join(CGROUP_ROOT, 'unified');
    const own = unifiedPathOf(parseProcCgroup(readOr('/proc/self/cgroup', ''))) ?? '/';
    for (const p of new Set([own, ...(uid === 0 ? [] : [userServiceCgroup(uid)])])) {
      const f = dirFacts(mount, p);
      if (f) candidates.push(f);
    }
  }
  const delegation = delegationOf(layout, candidates);
  let controllers: string[];
  if (layout === 'unified') controllers = delegation.controllers;
  // On v1 only root can use the controllers; rootless podman lists none.
  else controllers = uid === 0 ? parseV1Controllers(readOr('/proc/cgroups', '')) : [];
  return { layout, version, controllers, delegation };
}
