// Podman's warnings come from logrus' text formatter on stderr. Not on a
// terminal (scripts, logs):
//   time="2026-11-22T11:33:53Z" level=warning msg="StopSignal SIGTERM failed to stop container r1 in 1 seconds, resorting to SIGKILL"
// On a terminal, coloured, with the seconds since the program started:
//   \x1b[33mWARN\x1b[0m[0000] StopSignal SIGTERM failed ...
// Scripts that parse podman's stderr see the same line from us.

import { logEnabled, logrusLine } from '../format/log.js';
import { toSyslog } from './syslog.js';

export { localRfc3339, logrusLine } from '../format/log.js';

export function warn(msg: string, now: Date = new Date()): void {
  // --log-level=error (and above) silences warnings, as logrus does.
  if (!logEnabled('warning')) return;
  process.stderr.write(logrusLine('warning', msg, { terminal: process.stderr.isTTY === true, now }));
  toSyslog('warning', msg);
}
