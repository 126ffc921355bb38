// Looking at host processes from a test: /proc/PID/stat fields, a process's
// children by program name, whether the same process (pid and start time)
// still runs. Every read copes with a process that is gone meanwhile.

import fs from 'node:fs';
import path from 'node:path';
import type { Sandbox } from './sandbox.js';

/** The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [19] start time; undefined when gone. */
export function procStat(pid: number): string[] | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The start time of pid (field 22 of its stat), undefined when it is gone. */
export function procStart(pid: number): number | undefined {
  const f = procStat(pid);
  return f ? Number(f[19]) : undefined;
}

/** A pid exists and is not a zombie (a signal-0 probe would count zombies as alive). */
export function pidRunning(pid: number): boolean {
  const f = procStat(pid);
  return f !== undefined && f[0] !== 'Z';
}

/** A pid exists at all (zombies included), as `kill -0` says. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The same process (pid and start time) still runs and is not a zombie. */
export function sameProcessRunning(pid: number, start: number): boolean {
  const f = procStat(pid);
  return f !== undefined && f[0] !== 'Z' && Number(f[19]) === start;
}

export interface ChildProc {
  pid: number;
  /** Start time (field 22 of its stat). */
  start: number;
  /** Basename of its argv[0]. */
  name: string;
}

/** The live (non-zombie) children of `parent` whose argv[0]'s basename passes `want`. */
export function childrenOf(parent: number, want: (name: string) => boolean = () => true): ChildProc[] {
  const out: ChildProc[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const f = procStat(Number(d));
    if (!f || Number(f[1]) !== parent || f[0] === 'Z') continue;
    let name: string;
    try {
      name = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0')[0]!.split('/').pop()!;
    } catch {
      continue; // gone meanwhile
    }
    if (want(name)) out.push({ pid: Number(d), start: Number(f[19]), name });
  }
  return out;
}

/** The pid a JSON state file under the store's runroot names (`networks/netns.json`, `networks/dns.json`); undefined while there is none. */
export function runrootPid(sb: Sandbox, rel: string): number | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(sb.runroot, rel), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}
