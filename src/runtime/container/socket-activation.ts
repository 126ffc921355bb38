// systemd socket activation through tsc-run, as podman 4.3 passes it on: a
// container started from a unit with LISTEN_FDS in our environment gets
// those descriptors (3.. on) and LISTEN_FDS/LISTEN_FDNAMES, with LISTEN_PID
// set to 1 (its own pid 1 is the activated process). An explicit
// --preserve-fds wins, with podman's warning.

import fs from 'node:fs';
import { TscRunError } from '../../errors.js';
import { logEnabled, logrusLine } from '../../format/log.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Helper `--env` options for the LISTEN_* variables we were started with. */
export function listenEnvArgs(env: Env): string[] {
  const out: string[] = [];
  for (const key of ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES']) {
    const v = env[key];
    if (v !== undefined) out.push('--env', `${key}=${key === 'LISTEN_PID' ? '1' : v}`);
  }
  return out;
}

function isOpen(fd: number): boolean {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** How many descriptors the container receives: --preserve-fds when given, else LISTEN_FDS. */
export function activationFds(env: Env, preserveFds: number | undefined): number | undefined {
  const val = env.LISTEN_FDS;
  if (val === undefined || val === '') return preserveFds;
  if (preserveFds) {
    if (logEnabled('warning')) process.stderr.write(logrusLine('warning', 'Ignoring LISTEN_FDS to preserve custom user-specified FDs', { terminal: process.stderr.isTTY === true }));
    return preserveFds;
  }
  const n = Number(val);
  if (!/^\d+$/.test(val) || !Number.isSafeInteger(n)) throw new TscRunError(`converting LISTEN_FDS=${val}: strconv.Atoi: parsing ${JSON.stringify(val)}: invalid syntax`);
  // Only descriptors we really have (a LISTEN_FDS inherited without them passes none).
  let open = 0;
  while (open < n && isOpen(3 + open)) open++;
  return open || undefined;
}
