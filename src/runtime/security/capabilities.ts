// Linux capability names and numbers, and podman's rules for the five sets
// a container's process gets (bounding, permitted, effective, inheritable,
// ambient) from --cap-add, --cap-drop, --privileged and the user. Pure.

import { UsageError } from '../../errors.js';
import { DEFAULT_CAPABILITIES as DEFAULT_CAPABILITY_NAMES } from '../../config/default-capabilities.js';

/** Index = capability number (linux/capability.h). */
export const CAPABILITY_NAMES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

/** containers.conf's default_capabilities (podman's built-in list). */
export const DEFAULT_CAPABILITIES: readonly CapabilityName[] = DEFAULT_CAPABILITY_NAMES;

const BY_NAME = new Map<string, number>(CAPABILITY_NAMES.map((n, i) => [n, i]));

export function capabilityNumber(name: CapabilityName): number {
  return BY_NAME.get(name)!;
}

/**
 * A --cap-add/--cap-drop word → its canonical name, or 'ALL'. Podman accepts
 * any case and the name with or without `CAP_`; unknown names are an error
 * in its words.
 */
export function normalizeCapability(word: string): CapabilityName | 'ALL' {
  const up = word.trim().toUpperCase();
  if (up === 'ALL') return 'ALL';
  const name = up.startsWith('CAP_') ? up : `CAP_${up}`;
  if (!BY_NAME.has(name)) throw new UsageError(`${JSON.stringify(name)}: unknown capability`);
  return name as CapabilityName;
}

/** Every value of a repeatable flag that may also hold comma-separated lists. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export interface CapabilitySets {
  bounding: CapabilityName[];
  effective: CapabilityName[];
  permitted: CapabilityName[];
  inheritable: CapabilityName[];
  ambient: CapabilityName[];
}

export interface CapabilityInput {
  capAdd?: readonly string[] | undefined;
  capDrop?: readonly string[] | undefined;
  privileged?: boolean | undefined;
  /** The container process's uid (in the container). */
  uid: number;
  /** The kernel's highest capability (/proc/sys/kernel/cap_last_cap); --privileged and ALL stop there. */
  lastCap: number;
}

function sorted(set: Iterable<CapabilityName>): CapabilityName[] {
  return [...new Set(set)].sort((a, b) => capabilityNumber(a) - capabilityNumber(b));
}

/**
 * The five sets as podman 4 (with crun) gives them:
 * - bounding = defaults (every cap up to lastCap for --privileged or
 *   `--cap-add ALL`) + --cap-add − --cap-drop (`--cap-drop ALL` empties the
 *   defaults; caps added explicitly stay);
 * - uid 0: permitted = effective = bounding, inheritable = ambient = none;
 * - another uid: only the caps named by --cap-add (that survive the drops;
 *   `--cap-add ALL`: the whole bounding set) in permitted, effective,
 *   inheritable and ambient, so they outlive execve; nothing otherwise
 *   (--privileged alone gives it none).
 */
export function capabilitySets(input: CapabilityInput): CapabilitySets {
  const adds = splitList(input.capAdd).map(normalizeCapability);
  const drops = splitList(input.capDrop).map(normalizeCapability);
  const everything = CAPABILITY_NAMES.slice(0, Math.max(0, Math.min(input.lastCap, CAPABILITY_NAMES.length - 1) + 1));

  const addAll = input.privileged === true || adds.includes('ALL');
  const dropAll = drops.includes('ALL');
  const explicitAdds = adds.filter((c): c is CapabilityName => c !== 'ALL');
  const explicitDrops = new Set(drops.filter((c): c is CapabilityName => c !== 'ALL'));

  let base: CapabilityName[];
  if (addAll) base = [...everything];
  else if (dropAll) base = [];
  else base = [...DEFAULT_CAPABILITIES];
  const bounding = sorted([...base, ...explicitAdds].filter((c) => !explicitDrops.has(c) && capabilityNumber(c) <= input.lastCap));

  if (input.uid === 0) return { bounding, effective: bounding, permitted: bounding, inheritable: [], ambient: [] };
  const granted = adds.includes('ALL') ? bounding : sorted(explicitAdds.filter((c) => bounding.includes(c)));
  return { bounding, effective: granted, permitted: granted, inheritable: granted, ambient: granted };
}

/** A set as the helper wants it: comma-separated numbers. */
export function capabilityList(set: readonly CapabilityName[]): string {
  return set.map(capabilityNumber).join(',');
}

/** The hex mask /proc/PID/status shows (CapBnd: 00000000800405fb). */
export function capabilityMask(set: readonly CapabilityName[]): string {
  let m = 0n;
  for (const c of set) m |= 1n << BigInt(capabilityNumber(c));
  return m.toString(16).padStart(16, '0');
}
