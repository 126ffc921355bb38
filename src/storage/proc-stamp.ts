// Process identity stamps: a pid alone is not an identity (pids are reused,
// and a pid recorded before a reboot means nothing after it). A stamp adds the
// process start time (/proc/<pid>/stat field 22, clock ticks since boot) and
// the boot id, so "is the process that wrote this record still running?" has
// an exact answer. Used by locks (is the holder alive?) and container state
// (is the recorded monitor still that monitor?).

import fs from 'node:fs';

export interface ProcStamp {
  pid: number;
  /** /proc/<pid>/stat field 22: start time in clock ticks after boot. */
  startTime: number;
  /** /proc/sys/kernel/random/boot_id of the boot the process ran in. */
  bootId: string;
}

export interface ProcStat {
  pid: number;
  comm: string;
  /** Single-letter state: R, S, D, Z (zombie), X (dead), ... */
  state: string;
  startTime: number;
}

/**
 * Parse one /proc/<pid>/stat line. comm (field 2) is the executable name in
 * parentheses and may itself contain spaces and parentheses, e.g. "1 (a) (b) S ...",
 * so it spans from the first '(' to the LAST ')'; the fields after it are plain.
 */
export function parseProcStat(line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`malformed /proc stat line: ${line.slice(0, 80)}`);
  const pid = Number(line.slice(0, open).trim());
  const rest = line.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const state = rest[0];
  const startTime = Number(rest[22 - 3]);
  if (!Number.isSafeInteger(pid) || !state || !Number.isSafeInteger(startTime)) {
    throw new Error(`malformed /proc stat line: ${line.slice(0, 80)}`);
  }
  return { pid, comm: line.slice(open + 1, close), state, startTime };
}

/** The stat of a pid, or undefined when there is no such process (or it is unreadable). */
export function readProcStat(pid: number): ProcStat | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  let line: string;
  try {
    line = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return parseProcStat(line);
}

/** Start time of pid in clock ticks since boot, or undefined if it does not exist. */
export function processStartTime(pid: number): number | undefined {
  return readProcStat(pid)?.startTime;
}

let cachedBootId: string | undefined;

/** This boot's id; constant for the life of the process, so read once. */
export function bootId(): string {
  cachedBootId ??= fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return cachedBootId;
}

let cachedBootTime: number | undefined;

/** When this boot began (ms since the epoch, whole seconds: /proc/stat's btime). */
export function bootTimeMs(): number {
  if (cachedBootTime === undefined) {
    const m = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    if (!m) throw new Error('no btime in /proc/stat');
    cachedBootTime = Number(m[1]) * 1000;
  }
  return cachedBootTime;
}

let cachedSelf: ProcStamp | undefined;

export function stampSelf(): ProcStamp {
  if (!cachedSelf) {
    const startTime = processStartTime(process.pid);
    if (startTime === undefined) throw new Error('cannot read /proc/self/stat: is /proc mounted?');
    cachedSelf = { pid: process.pid, startTime, bootId: bootId() };
  }
  return { ...cachedSelf };
}

/** Boot ids compare without dashes so stamps can be embedded in file names compactly. */
export function compactBootId(id: string): string {
  return id.replace(/-/g, '').toLowerCase();
}

/**
 * True when the process that the stamp describes is still running: same boot,
 * the pid exists, it started at the recorded time (not a reused pid) and it is
 * not a zombie (a zombie has exited; it only waits to be reaped).
 */
export function isAlive(stamp: ProcStamp): boolean {
  if (compactBootId(stamp.bootId) !== compactBootId(bootId())) return false;
  const stat = readProcStat(stamp.pid);
  if (!stat || stat.startTime !== stamp.startTime) return false;
  return stat.state !== 'Z' && stat.state !== 'X';
}

/** Whether any (non-zombie) process has this pid; for records that carry only a pid. */
export function pidIsRunning(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Shape check for a stamp read back from disk. */
export function isProcStamp(v: unknown): v is ProcStamp {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    Number.isSafeInteger(s.pid) && Number.isSafeInteger(s.startTime) && typeof s.bootId === 'string'
  );
}
