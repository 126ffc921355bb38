// Podman's warnings come from logrus' text formatter on stderr. Not on a
// terminal (scripts, logs):
//   time="2026-11-22T11:33:53Z" level=warning msg="StopSignal SIGTERM failed to stop container r1 in 1 seconds, resorting to SIGKILL"
// On a terminal, coloured, with the seconds since the program started:
//   \x1b[33mWARN\x1b[0m[0000] StopSignal SIGTERM failed ...
// Scripts that parse podman's stderr see the same line from us.

import { toSyslog } from './syslog.js';

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

/** One logrus text line for `level` (warning, error, info). */
export function logrusLine(level: 'warning' | 'error' | 'info', msg: string, opts: { terminal: boolean; now?: Date; uptimeSeconds?: number }): string {
  const text = msg.replace(/\n$/, '');
  if (opts.terminal) {
    const color = level === 'warning' ? 33 : level === 'error' ? 31 : 36;
    const secs = Math.trunc(opts.uptimeSeconds ?? process.uptime());
    return `\x1b[${color}m${level.toUpperCase().slice(0, 4)}\x1b[0m[${String(secs).padStart(4, '0')}] ${text.padEnd(44)} \n`;
  }
  return `time=${JSON.stringify(localRfc3339(opts.now ?? new Date()))} level=${level} msg=${logfmtValue(text)}\n`;
}

export function warn(msg: string, now: Date = new Date()): void {
  process.stderr.write(logrusLine('warning', msg, { terminal: process.stderr.isTTY === true, now }));
  toSyslog('warning', msg);
}
