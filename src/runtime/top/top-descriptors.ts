// `top CONTAINER [DESCRIPTORS]`: the AIX format descriptors of podman's
// psgo (`ps -ef` style by default: USER PID PPID %CPU ELAPSED TTY TIME
// COMMAND), computed from what /proc says about each process of the
// container, seen as the container sees itself: its pids (NSpid), its user
// and group names. psgo's arithmetic: start time and CPU time in whole
// seconds, ELAPSED and TIME as Go durations, %CPU with three decimals. Pure.

import { GoTime } from '../../format/go-time.js';
import { UsageError } from '../../errors.js';
import { CAPABILITY_NAMES } from '../security/capabilities.js';
import { goDuration } from '../procfs/go-duration.js';
import { ttyName, type ProcStatFields, type ProcStatus } from '../procfs/proc-files.js';

/** One process, with its ids already translated into the container's namespaces. */
export interface TopProcess {
  hostPid: number;
  /** In the container's pid namespace (0: the parent is outside, e.g. an exec'd process). */
  pid: number;
  ppid: number;
  pgid: number;
  stat: ProcStatFields;
  status: ProcStatus;
  /** Real and effective uid/gid and supplementary groups in the container (the overflow id when unmapped). */
  ruid: number;
  uid: number;
  rgid: number;
  gid: number;
  groups: number[];
  /** /proc/<pid>/cmdline split at NULs. */
  args: string[];
  /** /proc/<pid>/attr/current, undefined when absent. */
  label: string | undefined;
}

export interface TopContext {
  userName(uid: number): string;
  groupName(gid: number): string;
  hostUserName(uid: number): string;
  hostGroupName(gid: number): string;
  /** Now, in Unix nanoseconds. */
  nowNs: bigint;
  /** /proc/stat btime. */
  bootTime: number;
  /** Clock ticks per second (100 on Linux). */
  clockTicks: number;
}

interface Descriptor {
  code?: string;
  normal: string;
  header: string;
  value(p: TopProcess, ctx: TopContext): string;
}

function startSeconds(p: TopProcess, ctx: TopContext): number {
  return ctx.bootTime + Math.floor(p.stat.startTime / ctx.clockTicks);
}

function elapsedNs(p: TopProcess, ctx: TopContext): bigint {
  return ctx.nowNs - BigInt(startSeconds(p, ctx)) * 1_000_000_000n;
}

function cpuSeconds(p: TopProcess, ctx: TopContext): number {
  return Math.floor((p.stat.utime + p.stat.stime) / ctx.clockTicks);
}

/** psgo's parseCAP: `full`, `none`, or the sorted names (without CAP_). */
export function capNames(hex: string): string {
  const mask = BigInt(`0x${hex || '0'}`);
  if (mask === 0x1ffffffffffn) return 'full';
  const names: string[] = [];
  for (let i = 0; i < 64; i++) {
    if ((mask >> BigInt(i)) & 1n) names.push(CAPABILITY_NAMES[i]?.replace(/^CAP_/, '') ?? 'unknown');
  }
  return names.length ? names.sort().join(',') : 'none';
}

const DESCRIPTORS: Descriptor[] = [
  { code: '%C', normal: 'pcpu', header: '%CPU', value: (p, c) => ((100 * cpuSeconds(p, c)) / (Number(elapsedNs(p, c)) / 1e9)).toFixed(3) },
  { code: '%G', normal: 'group', header: 'GROUP', value: (p, c) => c.groupName(p.gid) },
  { normal: 'groups', header: 'GROUPS', value: (p, c) => p.groups.map((g) => c.groupName(g)).join(',') },
  { code: '%P', normal: 'ppid', header: 'PPID', value: (p) => String(p.ppid) },
  { code: '%U', normal: 'user', header: 'USER', value: (p, c) => c.userName(p.uid) },
  { normal: 'uid', header: 'UID', value: (p) => String(p.uid) },
  { code: '%a', normal: 'args', header: 'COMMAND', value: (p) => (p.args.length && p.args[0] !== '' ? p.args.join(' ') : `[${p.status.name}]`) },
  { code: '%c', normal: 'comm', header: 'COMMAND', value: (p) => p.stat.comm },
  { code: '%g', normal: 'rgroup', header: 'RGROUP', value: (p, c) => c.groupName(p.rgid) },
  { code: '%n', normal: 'nice', header: 'NI', value: (p) => String(p.stat.nice) },
  { code: '%p', normal: 'pid', header: 'PID', value: (p) => String(p.pid) },
  { code: '%r', normal: 'pgid', header: 'PGID', value: (p) => String(p.pgid) },
  { code: '%t', normal: 'etime', header: 'ELAPSED', value: (p, c) => goDuration(elapsedNs(p, c)) },
  { code: '%u', normal: 'ruser', header: 'RUSER', value: (p, c) => c.userName(p.ruid) },
  { code: '%x', normal: 'time', header: 'TIME', value: (p, c) => goDuration(BigInt(cpuSeconds(p, c)) * 1_000_000_000n) },
  { code: '%y', normal: 'tty', header: 'TTY', value: (p) => ttyName(p.stat.ttyNr) },
  { code: '%z', normal: 'vsz', header: 'VSZ', value: (p) => String(Math.floor(p.stat.vsize / 1024)) },
  { normal: 'capamb', header: 'AMBIENT CAPS', value: (p) => capNames(p.status.caps.amb) },
  { normal: 'capinh', header: 'INHERITED CAPS', value: (p) => capNames(p.status.caps.inh) },
  { normal: 'capprm', header: 'PERMITTED CAPS', value: (p) => capNames(p.status.caps.prm) },
  { normal: 'capeff', header: 'EFFECTIVE CAPS', value: (p) => capNames(p.status.caps.eff) },
  { normal: 'capbnd', header: 'BOUNDING CAPS', value: (p) => capNames(p.status.caps.bnd) },
  { normal: 'seccomp', header: 'SECCOMP', value: (p) => ['disabled', 'strict', 'filter'][p.status.seccomp] ?? '?' },
  { normal: 'label', header: 'LABEL', value: (p) => p.label ?? '?' },
  { normal: 'hpid', header: 'HPID', value: (p) => String(p.hostPid) },
  { normal: 'huser', header: 'HUSER', value: (p, c) => c.hostUserName(p.status.uids[1] ?? 0) },
  { normal: 'huid', header: 'HUID', value: (p) => String(p.status.uids[1] ?? 0) },
  { normal: 'hgroup', header: 'HGROUP', value: (p, c) => c.hostGroupName(p.status.gids[1] ?? 0) },
  { normal: 'hgroups', header: 'HGROUPS', value: (p, c) => p.status.groups.map((g) => c.hostGroupName(g)).join(',') },
  { normal: 'rss', header: 'RSS', value: (p) => String(Math.floor(p.status.rss / 1024)) },
  { normal: 'state', header: 'STATE', value: (p) => p.status.stateText },
  { normal: 'stime', header: 'STIME', value: (p, c) => new GoTime(startSeconds(p, c) * 1000, 0).toString() },
];

/** psgo's default, `ps -ef` compatible. */
export const DEFAULT_DESCRIPTORS = ['user', 'pid', 'ppid', 'pcpu', 'etime', 'tty', 'time', 'args'];

/** Every descriptor's normal name (podman's `top --list-descriptors`?). */
export function descriptorNames(): string[] {
  return DESCRIPTORS.map((d) => d.normal);
}

/** psgo's ErrUnknownDescriptor: `top` then runs ps(1) in the container instead (podman's fallback). */
export class UnknownDescriptorError extends UsageError {
  constructor(word: string) {
    super(`'${word}': unknown descriptor`);
  }
}

/** The descriptors asked for (comma-separated words allowed, codes too); podman's error for an unknown one. */
export function resolveDescriptors(words: readonly string[]): Descriptor[] {
  const list = words.flatMap((w) => w.split(',')).map((w) => w.trim()).filter((w) => w !== '');
  return (list.length ? list : DEFAULT_DESCRIPTORS).map((w) => {
    const d = DESCRIPTORS.find((x) => x.normal === w || x.code === w);
    if (!d) throw new UnknownDescriptorError(w);
    return d;
  });
}

/** The header row, then one row per process (in pid order), as tab-separated cells. */
export function topRows(procs: readonly TopProcess[], words: readonly string[], ctx: TopContext): string[] {
  const descs = resolveDescriptors(words);
  const rows = [descs.map((d) => d.header).join('\t')];
  for (const p of [...procs].sort((a, b) => a.pid - b.pid)) rows.push(descs.map((d) => d.value(p, ctx)).join('\t'));
  return rows;
}
