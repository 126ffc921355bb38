// Signals for kill and stop: parsing names and numbers the way podman does
// (`KILL`, `sigterm`, `9`, `RTMIN+3`), and delivering one to a container's
// process without ever hitting a reused pid: the target's start time must
// still be the recorded one.

import { constants } from 'node:os';
import { UsageError } from '../../errors.js';
import type { ContainerRecord } from '../../storage/containers.js';
import { bootId, isAlive, type ProcStamp } from '../../storage/proc-stamp.js';

const SIGRTMIN = 34;
const SIGRTMAX = 64;

/** Aliases podman's signal map has beyond the kernel's names. */
const ALIASES: Record<string, number> = { IOT: 6, CLD: 17, POLL: 29 };

/** Signal number for a name or number as the user typed it; podman's error otherwise. */
export function parseSignal(raw: string): number {
  const invalid = () => new UsageError(`invalid signal: ${raw}`);
  if (/^-?\d+$/.test(raw.trim())) {
    const n = Number(raw);
    if (n <= 0) throw invalid();
    if (n > SIGRTMAX) throw new UsageError(`valid signals are 1 through ${SIGRTMAX}`); // podman's range check
    return n;
  }
  const name = raw.trim().toUpperCase().replace(/^SIG/, '');
  const rt = /^RTM(IN|AX)([+-]\d+)?$/.exec(name);
  if (rt) {
    const base = rt[1] === 'IN' ? SIGRTMIN : SIGRTMAX;
    const n = base + Number(rt[2] ?? 0);
    if (n < SIGRTMIN || n > SIGRTMAX) throw invalid();
    return n;
  }
  const known = (constants.signals as Record<string, number>)[`SIG${name}`] ?? ALIASES[name];
  if (known === undefined || name === 'UNUSED') throw invalid();
  return known;
}

/**
 * kill -s: podman's ParseSignalNameOrNumber (a leading `-` dropped, 0 invalid)
 * then its check of the number's range.
 */
export function parseKillSignal(raw: string): number {
  const base = raw.startsWith('-') ? raw.slice(1) : raw;
  if (/^[+-]?\d+$/.test(base)) {
    const n = Number(base);
    if (n === 0) throw new UsageError(`invalid signal: ${base}`);
    if (n < 1 || n > SIGRTMAX) throw new UsageError(`valid signals are 1 through ${SIGRTMAX}`);
    return n;
  }
  try {
    return parseSignal(base);
  } catch {
    throw new UsageError(`invalid signal: ${base}`);
  }
}

/** `SIGTERM` for 15; `SIGRTMIN+3` style for real-time signals. */
export function signalName(signo: number): string {
  for (const [name, n] of Object.entries(constants.signals as Record<string, number>)) {
    if (n === signo && name !== 'SIGIOT' && name !== 'SIGPOLL' && name !== 'SIGUNUSED') return name;
  }
  if (signo >= SIGRTMIN && signo <= SIGRTMAX) return signo === SIGRTMIN ? 'SIGRTMIN' : `SIGRTMIN+${signo - SIGRTMIN}`;
  return `signal ${signo}`;
}

/** The container's stop signal: its config, else SIGTERM. */
export function stopSignalOf(rec: ContainerRecord): number {
  const s = rec.config.stopSignal;
  return typeof s === 'number' && s > 0 && s <= SIGRTMAX ? s : constants.signals.SIGTERM;
}

/**
 * Where a signal for the container goes: its own process when recorded
 * (pid + start time), else the monitor, which relays signals to it (the
 * foreground helper forwards TERM, INT, HUP, QUIT, USR1, USR2 and WINCH, and
 * its death takes the container with it).
 */
export function signalTarget(rec: ContainerRecord): ProcStamp | undefined {
  const s = rec.state;
  if (s.pid !== undefined && s.pidStartTime !== undefined) {
    return { pid: s.pid, startTime: s.pidStartTime, bootId: s.monitor?.bootId ?? bootId() };
  }
  return s.monitor;
}

/**
 * Send signo to the container. False when its process is already gone (or
 * its pid now belongs to someone else: never signalled). The start-time check
 * and kill(2) are two steps; a pid cannot be reused in between unless the
 * process dies and the kernel cycles through every pid in that instant.
 */
export function signalContainer(rec: ContainerRecord, signo: number): boolean {
  const target = signalTarget(rec);
  if (!target || !isAlive(target)) return false;
  try {
    process.kill(target.pid, signo);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
