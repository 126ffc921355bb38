// Which host processes belong to a container, from /proc alone (no cgroup
// needed): every process whose pid namespace is the one of the container's
// process, plus processes in namespaces a container process made for its
// own children (their parent chain leads into the container). A process
// of `exec` joins the namespace, so it is found too; the helper processes
// around the container (monitor, exec relay) are outside it and are not.

import fs from 'node:fs';
import { parseStatFields } from './proc-files.js';

function pidNamespace(pid: number | 'self'): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined; // gone, a kernel thread, or another user's process
  }
}

function parentOf(pid: number): number | undefined {
  try {
    return parseStatFields(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).ppid;
  } catch {
    return undefined;
  }
}

/** Host pids of the container whose process is initPid (ascending); empty when that process is gone. */
export function containerPids(initPid: number): number[] {
  const target = pidNamespace(initPid);
  if (target === undefined) return [];
  const own = pidNamespace('self');
  const members = new Set<number>();
  const elsewhere: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(name);
    const ns = pidNamespace(pid);
    if (ns === target) members.add(pid);
    else if (ns !== undefined && ns !== own) elsewhere.push(pid);
  }
  // Nested namespaces: only processes outside both ours and the container's need their parent read.
  const parents = new Map(elsewhere.map((p) => [p, parentOf(p)]));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (ppid !== undefined && members.has(ppid) && !members.has(pid)) {
        members.add(pid);
        grew = true;
      }
    }
  }
  return [...members].sort((a, b) => a - b);
}
