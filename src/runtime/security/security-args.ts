// A container's security settings from the `run`/`create` flags, decided
// once at create time and stored in its record, then turned into the
// helper's `run` options at every start (docs/helper-protocol.md):
//
//   // create: validate + compile first, store once the container exists
//   const plan = await planContainerSecurity(flags, { uid, additionalGids })
//   await writeContainerSecurity(userdataDir, plan)      // userdata/security.json + seccomp.rules
//   // start:
//   args.push(...securityHelperArgs(await loadContainerSecurity(userdataDir)))
//
// Podman's defaults: its capability list, its seccomp profile (our own copy
// of its content, src/runtime/security/seccomp-default.json), its masked and
// read-only paths, no no_new_privs. --privileged: every capability, no
// seccomp, nothing masked.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TscRunError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import { capabilityList, capabilitySets, type CapabilitySets } from './capabilities.js';
import defaultSeccompProfile from './seccomp-default.json' with { type: 'json' };
import { compileSeccompProfile, goArchOf, parseSeccompProfile, type SeccompProfile } from './seccomp-profile.js';

/** containers.conf's default masked paths (+ powercap, as newer podman). */
export const DEFAULT_MASKED_PATHS = [
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/fs/selinux',
  '/sys/dev/block',
  '/sys/devices/virtual/powercap',
];

export const DEFAULT_READONLY_PATHS = ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** --read-only-tmpfs (podman's default with --read-only): rw tmpfs here; /dev and /dev/shm are tmpfs anyway. */
export const READ_ONLY_TMPFS = ['/tmp', '/var/tmp', '/run'];

export interface SecurityFlags {
  capAdd?: readonly string[] | undefined;
  capDrop?: readonly string[] | undefined;
  privileged?: boolean | undefined;
  /** --security-opt values as given. */
  securityOpt?: readonly string[] | undefined;
  readOnly?: boolean | undefined;
  /** Default true, as podman. */
  readOnlyTmpfs?: boolean | undefined;
}

export type SeccompChoice = { kind: 'unconfined' } | { kind: 'default' } | { kind: 'profile'; path: string };

export interface SecurityOptParse {
  noNewPrivileges: boolean;
  seccomp: SeccompChoice;
  mask: string[];
  /** 'ALL' or paths to take out of the masked/read-only lists. */
  unmask: string[];
}

function parseBool(opt: string, v: string): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new UsageError(`invalid --security-opt ${opt}: ${JSON.stringify(v)} is not a boolean`);
}

function paths(v: string): string[] {
  return v.split(':').filter((p) => p !== '');
}

/** podman's split of one --security-opt: at the first '=', or (docker's old syntax) the first ':' when there is no '='. */
function splitSecurityOpt(opt: string): [string, string] {
  const i = opt.includes('=') ? opt.indexOf('=') : opt.indexOf(':');
  if (i < 0) throw new UsageError(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
  return [opt.slice(0, i), opt.slice(i + 1)];
}

/** Whether the kernel enforces AppArmor (runc's check). */
function apparmorEnabled(): boolean {
  try {
    return fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').startsWith('Y') && fs.existsSync('/sys/kernel/security/apparmor');
  } catch {
    return false;
  }
}

/**
 * The spec annotations podman records for --security-opt label=/seccomp=/apparmor=
 * (io.podman.annotations.*): inspect's HostConfig.SecurityOpt is read back from them.
 * label values accumulate, joined by ",label="; the others keep the last. Pure.
 */
export function securityOptAnnotations(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const labels: string[] = [];
  for (const opt of values ?? []) {
    if (opt === 'no-new-privileges') continue;
    const [key, value] = splitSecurityOpt(opt);
    if (key === 'label') {
      labels.push(value);
      out['io.podman.annotations.label'] = labels.join(',label=');
    } else if (key === 'seccomp' || key === 'apparmor') {
      out[`io.podman.annotations.${key}`] = value;
    }
  }
  return out;
}

/**
 * podman's --security-opt keys. label (SELinux) has no effect: this host has no
 * SELinux for rootless containers to be labelled by. apparmor: only `unconfined`
 * (the state of a container here) is taken, podman's refusal otherwise.
 */
export function parseSecurityOpts(values: readonly string[] | undefined): SecurityOptParse {
  const out: SecurityOptParse = { noNewPrivileges: false, seccomp: { kind: 'default' }, mask: [], unmask: [] };
  for (const opt of values ?? []) {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    const [key, value] = splitSecurityOpt(opt);
    switch (key) {
      case 'no-new-privileges':
        out.noNewPrivileges = parseBool(key, value);
        break;
      case 'seccomp':
        out.seccomp = value === 'unconfined' ? { kind: 'unconfined' } : { kind: 'profile', path: value };
        break;
      case 'mask':
        out.mask.push(...paths(value));
        break;
      case 'unmask':
        out.unmask.push(...paths(value));
        break;
      case 'systempaths':
        // podman: `systempaths=unconfined` turns off the masked and read-only paths.
        if (value !== 'unconfined') throw new UsageError(`invalid systempaths option ${JSON.stringify(value)}, only "unconfined" is supported`);
        out.unmask.push('ALL');
        break;
      case 'apparmor':
        if (value !== '' && value !== 'unconfined') {
          if (!apparmorEnabled()) throw new TscRunError(`apparmor profile ${JSON.stringify(value)} specified, but Apparmor is not enabled on this system`);
          throw new TscRunError(`apparmor profile ${JSON.stringify(value)}: tsc-run does not load AppArmor profiles; use apparmor=unconfined`);
        }
        break;
      case 'label':
        break;
      case 'proc-opts':
        throw new TscRunError('--security-opt proc-opts is not supported: tsc-run mounts /proc with the kernel\'s default options');
      default:
        throw new UsageError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  }
  for (const p of [...out.mask, ...out.unmask.filter((u) => u !== 'ALL')]) {
    if (!p.startsWith('/')) throw new UsageError(`${JSON.stringify(p)} is not an absolute path`);
  }
  return out;
}

/** What a container's process gets; stored in its record (plain JSON). */
export interface ContainerSecurity {
  privileged: boolean;
  capabilities: CapabilitySets;
  noNewPrivileges: boolean;
  /** The rules file the helper loads (userdata/seccomp.rules); undefined = unconfined. */
  seccompRules?: string | undefined;
  /** Where the profile came from: 'default', 'unconfined' or its path. */
  seccompProfile: string;
  maskedPaths: string[];
  readonlyPaths: string[];
  readOnlyRoot: boolean;
  tmpfs: string[];
  /** Supplementary groups of the process (in the container). */
  additionalGids?: number[];
}

export interface SecurityContext {
  /** The container process's uid (in the container). */
  uid: number;
  /** /proc/sys/kernel/cap_last_cap. */
  lastCap: number;
}

/** Everything but the seccomp rules. Pure. */
export function resolveSecurity(flags: SecurityFlags, ctx: SecurityContext): Omit<ContainerSecurity, 'seccompRules'> & { seccomp: SeccompChoice } {
  const opts = parseSecurityOpts(flags.securityOpt);
  const privileged = flags.privileged === true;
  const capabilities = capabilitySets({ capAdd: flags.capAdd, capDrop: flags.capDrop, privileged, uid: ctx.uid, lastCap: ctx.lastCap });
  const unmaskAll = opts.unmask.includes('ALL');
  const keep = (p: string) => !unmaskAll && !opts.unmask.includes(p);
  const seccomp: SeccompChoice = privileged && opts.seccomp.kind === 'default' ? { kind: 'unconfined' } : opts.seccomp;
  const readOnlyRoot = flags.readOnly === true;
  return {
    privileged,
    capabilities,
    noNewPrivileges: opts.noNewPrivileges,
    seccomp,
    seccompProfile: seccomp.kind === 'profile' ? seccomp.path : seccomp.kind,
    maskedPaths: privileged ? [...opts.mask] : [...new Set([...DEFAULT_MASKED_PATHS.filter(keep), ...opts.mask])],
    readonlyPaths: privileged ? [] : DEFAULT_READONLY_PATHS.filter(keep),
    readOnlyRoot,
    tmpfs: readOnlyRoot && flags.readOnlyTmpfs !== false ? [...READ_ONLY_TMPFS] : [],
  };
}

/** The kernel's highest capability number (40 on 5.9+), from /proc. */
export function kernelLastCap(): number {
  try {
    const n = Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
    return Number.isInteger(n) && n >= 0 ? n : 40;
  } catch {
    return 40;
  }
}

async function loadProfile(choice: SeccompChoice, cwd: string): Promise<SeccompProfile | undefined> {
  if (choice.kind === 'unconfined') return undefined;
  if (choice.kind === 'default') return defaultSeccompProfile;
  const file = path.resolve(cwd, choice.path);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new TscRunError(`opening seccomp profile failed: open ${choice.path}: ${why}`);
  }
  return parseSeccompProfile(text, choice.path);
}

export interface PlanContext {
  /** The container process's uid (in the container). */
  uid: number;
  /** Its supplementary groups (user-resolve.ts). */
  additionalGids?: readonly number[];
  /** For a relative seccomp profile path (default: process.cwd()). */
  cwd?: string;
}

/** A new container's security settings and the seccomp rules to write, before anything is stored. */
export interface SecurityPlan {
  security: Omit<ContainerSecurity, 'seccompRules'>;
  /** The compiled seccomp rules file content; undefined = unconfined. */
  rules?: string | undefined;
}

const RULES_FILE = 'seccomp.rules';
const SECURITY_FILE = 'security.json';

/**
 * Decide a new container's security settings: validates the flags and reads
 * and compiles the seccomp profile, so a bad flag or profile fails before
 * the container exists (podman's messages). Writes nothing.
 */
export async function planContainerSecurity(flags: SecurityFlags, ctx: PlanContext): Promise<SecurityPlan> {
  const { seccomp, ...security } = resolveSecurity(flags, { uid: ctx.uid, lastCap: kernelLastCap() });
  if (ctx.additionalGids?.length) security.additionalGids = [...ctx.additionalGids];
  const profile = await loadProfile(seccomp, ctx.cwd ?? process.cwd());
  if (profile === undefined) return { security };
  const rules = compileSeccompProfile(profile, {
    capabilities: security.capabilities.bounding,
    goArch: goArchOf(process.arch),
    kernelRelease: os.release(),
  });
  return { security, rules };
}

/** Store the plan in the container's userdata dir: seccomp.rules and security.json. */
export async function writeContainerSecurity(userdataDir: string, plan: SecurityPlan): Promise<ContainerSecurity> {
  await fsp.mkdir(userdataDir, { recursive: true, mode: 0o755 });
  const sec: ContainerSecurity = { ...plan.security };
  if (plan.rules !== undefined) sec.seccompRules = path.join(userdataDir, RULES_FILE);
  // Both at once: their fsyncs share the filesystem's journal commit instead of waiting for two in turn.
  await Promise.all([
    ...(plan.rules !== undefined ? [writeFileAtomic(path.join(userdataDir, RULES_FILE), plan.rules, { mode: 0o644 })] : []),
    writeFileAtomic(path.join(userdataDir, SECURITY_FILE), `${JSON.stringify(sec, null, 2)}\n`, { mode: 0o644 }),
  ]);
  return sec;
}

/** A container's stored settings; undefined for a container created before they existed. */
export async function loadContainerSecurity(userdataDir: string): Promise<ContainerSecurity | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(userdataDir, SECURITY_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const v = JSON.parse(text) as Partial<ContainerSecurity> | null;
  if (!v || typeof v !== 'object' || !v.capabilities || !Array.isArray(v.maskedPaths)) {
    throw new TscRunError(`malformed ${path.join(userdataDir, SECURITY_FILE)}`);
  }
  return v as ContainerSecurity;
}

/** The helper's `run` options for these settings. Pure. */
export function securityHelperArgs(sec: ContainerSecurity): string[] {
  const c = sec.capabilities;
  const a = [
    `--cap-bounding=${capabilityList(c.bounding)}`,
    `--cap-permitted=${capabilityList(c.permitted)}`,
    `--cap-effective=${capabilityList(c.effective)}`,
    `--cap-inheritable=${capabilityList(c.inheritable)}`,
    `--cap-ambient=${capabilityList(c.ambient)}`,
  ];
  if (sec.noNewPrivileges) a.push('--no-new-privs');
  if (sec.seccompRules !== undefined) a.push('--seccomp', sec.seccompRules);
  for (const p of sec.maskedPaths) a.push('--mask', p);
  for (const p of sec.readonlyPaths) a.push('--readonly-path', p);
  for (const p of sec.tmpfs) a.push('--tmpfs', p);
  if (sec.readOnlyRoot) a.push('--read-only');
  if (sec.privileged) a.push('--host-devices');
  if (sec.additionalGids?.length) a.push(`--groups=${sec.additionalGids.join(',')}`);
  return a;
}
