// The global --log-level and the logrus lines it lets through. Podman logs
// with logrus: `time="..." level=debug msg="..."` on stderr when stderr is
// not a terminal, `DEBU[0000] ...` in colour when it is. Every layer may log
// (this module does no I/O policy of its own), the CLI sets the level once.

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'panic'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
type Line = 'trace' | 'debug' | 'info' | 'warning' | 'error';

const RANK: Record<Line | LogLevelName, number> = { trace: 0, debug: 1, info: 2, warn: 3, warning: 3, error: 4, fatal: 5, panic: 6 };

// podman's default level is warn.
let threshold = RANK.warn;

export function setLogLevel(level: LogLevelName): void {
  threshold = RANK[level];
}

/** Whether a line of `level` is shown at the current --log-level. */
export function logEnabled(level: Line): boolean {
  return RANK[level] >= threshold;
}

/** Go's time.RFC3339 of a time in the local zone, as logrus stamps an entry. */
export function localRfc3339(now: Date): string {
  const off = -now.getTimezoneOffset();
  const local = new Date(now.getTime() + off * 60_000).toISOString().slice(0, 19);
  if (off === 0) return `${local}Z`;
  const a = Math.abs(off);
  return `${local}${off < 0 ? '-' : '+'}${String(Math.trunc(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** logrus quotes a value unless it is made only of these characters. */
function logfmtValue(v: string): string {
  return v !== '' && /^[A-Za-z0-9\-._/@^+]+$/.test(v) ? v : JSON.stringify(v);
}

const COLOUR: Record<Line, number> = { trace: 37, debug: 37, info: 36, warning: 33, error: 31 };

/** One logrus text line for `level`. */
export function logrusLine(level: Line, msg: string, opts: { terminal: boolean; now?: Date; uptimeSeconds?: number }): string {
  const text = msg.replace(/\n$/, '');
  if (opts.terminal) {
    const secs = Math.trunc(opts.uptimeSeconds ?? process.uptime());
    return `\x1b[${COLOUR[level]}m${level.toUpperCase().slice(0, 4)}\x1b[0m[${String(secs).padStart(4, '0')}] ${text.padEnd(44)} \n`;
  }
  return `time=${JSON.stringify(localRfc3339(opts.now ?? new Date()))} level=${level} msg=${logfmtValue(text)}\n`;
}

function emit(level: Line, msg: string): void {
  if (!logEnabled(level)) return;
  process.stderr.write(logrusLine(level, msg, { terminal: process.stderr.isTTY === true }));
}

/** --log-level=debug: what was decided and why (files read, roots, requests, helper calls). */
export function logDebug(msg: string): void {
  emit('debug', msg);
}

const said = new Set<string>();

/** A debug line said once per process (roots and drivers are looked up by many modules). */
export function logDebugOnce(msg: string): void {
  if (said.has(msg)) return;
  said.add(msg);
  logDebug(msg);
}

/** --log-level=trace: the detail under a debug line. */
export function logTrace(msg: string): void {
  emit('trace', msg);
}

/** --log-level=info and below. */
export function logInfo(msg: string): void {
  emit('info', msg);
}
