// A systemd-mode container's start (systemd-mode.ts decides, this looks at
// the host): its tmpfs mounts joined to the container's own, sorted with
// them by depth as podman sorts every mount, and the options giving systemd
// its cgroup and container_uuid.

import fs from 'node:fs';
import { TscRunError } from '../../errors.js';
import { CGROUP2_SUPER_MAGIC } from '../../host/cgroups.js';
import type { ContainerRecord } from '../../storage/containers.js';
import type { ContainerMount } from '../../storage/volume-types.js';
import { READ_ONLY_TMPFS } from '../security/security-args.js';
import { systemdCgroupArgs, systemdEnv, systemdTmpfsMounts, type CgroupHost } from './systemd-mode.js';

function cgroupHost(c: ContainerRecord): CgroupHost {
  let unified = false;
  try {
    unified = fs.statfsSync('/sys/fs/cgroup').type === CGROUP2_SUPER_MAGIC;
  } catch {
    /* no /sys/fs/cgroup: nothing to bind */
  }
  return { unified, v1Systemd: !unified && fs.existsSync('/sys/fs/cgroup/systemd'), cgroupnsPrivate: c.config.namespaces?.cgroupns === 'private' };
}

/** Refuse at create what a start could not do (systemd-mode.ts's systemdCgroupArgs). */
export function checkSystemdHost(c: ContainerRecord): void {
  const r = systemdCgroupArgs(cgroupHost(c));
  if ('refused' in r) throw new TscRunError(r.refused);
}

/** The container's mounts with systemd's tmpfs mounts added where nothing else is mounted. */
export function mountsWithSystemd(c: ContainerRecord): ContainerMount[] {
  const own = c.config.mounts ?? [];
  if (!c.config.systemd) return own;
  const readOnlyTmpfs = c.config.readOnly && c.config.readOnlyTmpfs !== false ? READ_ONLY_TMPFS : [];
  return [...own, ...systemdTmpfsMounts([...own.map((m) => m.destination), ...readOnlyTmpfs])];
}

/** The helper options for systemd's cgroup and environment. */
export function systemdStartArgs(c: ContainerRecord): string[] {
  if (!c.config.systemd) return [];
  const r = systemdCgroupArgs(cgroupHost(c));
  if ('refused' in r) throw new TscRunError(r.refused);
  return [...r.args, ...systemdEnv(c.id, c.config.env).flatMap((e) => ['--env', e])];
}
