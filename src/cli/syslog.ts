// --syslog: our warnings and errors also go to the system log, as podman's
// logrus syslog hook sends them. Node has no datagram unix sockets, so each
// line goes through logger(1); only with --syslog, so it costs nothing else.

import fs from 'node:fs';

let enabled = false;

/** podman refuses --syslog when there is no syslog socket to write to. */
export function enableSyslog(socket = '/dev/log'): boolean {
  try {
    if (!fs.statSync(socket).isSocket()) return false;
  } catch {
    return false;
  }
  enabled = true;
  return true;
}

export function toSyslog(level: 'err' | 'warning', msg: string): void {
  if (!enabled) return;
  // Loaded here, not at start: every command's error path imports this
  // module, and child_process pulls in net, dgram and streams (~5 ms).
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  spawnSync('logger', ['-t', 'tsc-run', '-p', `user.${level}`, '--', msg], { stdio: 'ignore' });
}
