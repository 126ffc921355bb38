// --systemd=true|false|always: podman 4.3's systemd mode. Decided once at
// create (pkg/specgen/generate/container_create.go), applied at every start
// (libpod's setupSystemd): tmpfs on /run, /run/lock, /tmp and
// /var/log/journal (their image contents copied up), a writable cgroup for
// systemd, container_uuid in the environment, and SIGRTMIN+3 as the stop
// signal unless one was given. Pure.

import { UsageError } from '../../errors.js';
import type { ContainerMount } from '../../storage/volume-types.js';

export type SystemdFlag = 'true' | 'false' | 'always';

/** SIGRTMIN+3 (34 + 3 on Linux): what systemd takes as "halt". */
export const SYSTEMD_STOP_SIGNAL = 37;

/** The commands that make `true` mean systemd mode, besides any `.../systemd`. */
const INIT_COMMANDS = new Set(['/sbin/init', '/usr/sbin/init', '/usr/local/sbin/init']);

/** The flag's value (podman takes it in any case); podman's error otherwise. */
export function parseSystemdFlag(v: string): SystemdFlag {
  const lower = v.toLowerCase();
  if (lower === 'true' || lower === 'false' || lower === 'always') return lower;
  throw new UsageError('invalid config provided: --systemd values must be one of "true, false, always": invalid configuration');
}

/**
 * Whether the container runs in systemd mode: always, or (true) when the
 * command (entrypoint + cmd) is an init or systemd, looking past a leading
 * `/bin/sh -c` as podman does for build's shell form.
 */
export function usesSystemdMode(flag: SystemdFlag, command: readonly string[]): boolean {
  if (flag === 'always') return true;
  if (flag === 'false' || command.length === 0) return false;
  const first = command.length > 2 && command[0] === '/bin/sh' && command[1] === '-c' ? command[2]! : command[0]!;
  return INIT_COMMANDS.has(first) || first.split('/').pop() === 'systemd';
}

/** The tmpfs mounts, in podman's order, except where the container already mounts something. */
export function systemdTmpfsMounts(taken: readonly string[]): ContainerMount[] {
  const have = new Set(taken.map((d) => d.replace(/\/+$/, '') || '/'));
  return ['/run', '/run/lock', '/tmp', '/var/log/journal']
    .filter((d) => !have.has(d))
    .map((destination) => ({ type: 'tmpfs', destination, options: ['rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup', 'mode=1777'] }));
}

/** container_uuid (the id's first 32 characters) unless the environment sets it. */
export function systemdEnv(id: string, env: readonly string[]): string[] {
  return env.some((e) => e.startsWith('container_uuid=')) ? [] : [`container_uuid=${id.slice(0, 32)}`];
}

/** What the host's cgroup layout allows for systemd's cgroup. */
export interface CgroupHost {
  /** cgroup v2 only (/sys/fs/cgroup is cgroup2). */
  unified: boolean;
  /** v1: /sys/fs/cgroup/systemd (the name=systemd hierarchy) exists. */
  v1Systemd: boolean;
  /** The container has a cgroup namespace of its own. */
  cgroupnsPrivate: boolean;
}

/**
 * The helper options that give systemd its cgroup, as podman does: on v1
 * the host's name=systemd hierarchy bound read-write (its release_agent
 * masked); on v2 the host's /sys/fs/cgroup read-write. A fresh cgroup2
 * mount (v2 with a private cgroup namespace) the helper does not make.
 */
export function systemdCgroupArgs(h: CgroupHost): { args: string[] } | { refused: string } {
  if (h.unified) {
    if (h.cgroupnsPrivate) return { refused: 'systemd mode with a private cgroup namespace on a cgroup v2 host needs a fresh cgroup2 mount, which tsc-run does not make: use --cgroupns=host' };
    return { args: ['--bind', '/sys/fs/cgroup:/sys/fs/cgroup:'] };
  }
  if (!h.v1Systemd) return { args: [] };
  return { args: ['--bind', '/sys/fs/cgroup/systemd:/sys/fs/cgroup/systemd:bind', '--mask', '/sys/fs/cgroup/systemd/release_agent'] };
}
