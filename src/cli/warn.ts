// Podman's warnings come from logrus' text formatter on stderr:
//   time="2026-11-22T11:33:53Z" level=warning msg="StopSignal SIGTERM failed to stop container r1 in 1 seconds, resorting to SIGKILL"
// Scripts that parse podman's stderr see the same line from us.

import { rfc3339 } from '../format/human.js';
import { toSyslog } from './syslog.js';

export function warn(msg: string, now: Date = new Date()): void {
  process.stderr.write(`time=${JSON.stringify(rfc3339(now))} level=warning msg=${JSON.stringify(msg)}\n`);
  toSyslog('warning', msg);
}
