// The capability sets of an exec'd process, as podman 4 decides them
// (libpod prepareProcessExec) from the container's own sets: the bounding
// set is the container's (every cap with --privileged), inheritable is
// cleared; root gets permitted = effective = bounding; the container's own
// non-root user keeps the caps it was given (effective, also as
// inheritable and ambient so they survive execve); another user gets the
// container's sets without inheritable and ambient, so execve leaves it
// none. Pure.

import { CAPABILITY_NAMES, type CapabilitySets } from '../security/capabilities.js';

export interface ExecCapsInput {
  container: CapabilitySets;
  /** The exec'd process's uid (in the container). */
  uid: number;
  /** No -u, or -u naming the container's own user. */
  sameUser: boolean;
  privileged: boolean;
  /** /proc/sys/kernel/cap_last_cap. */
  lastCap: number;
}

export function execCapabilities(i: ExecCapsInput): CapabilitySets {
  const all = CAPABILITY_NAMES.slice(0, Math.max(0, Math.min(i.lastCap, CAPABILITY_NAMES.length - 1) + 1));
  const bounding = i.privileged ? all : [...i.container.bounding];
  if (i.uid === 0) return { bounding, effective: bounding, permitted: bounding, inheritable: [], ambient: [] };
  const own = i.container.effective;
  if (i.sameUser) return { bounding, effective: [...own], permitted: [...own], inheritable: [...own], ambient: [...own] };
  // Ambient caps must be inheritable too; with none inheritable there are none.
  return { bounding, effective: [...own], permitted: [...i.container.permitted], inheritable: [], ambient: [] };
}
