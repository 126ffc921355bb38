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

function mountNamespace(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

/**
 * The container's processes when its pid namespace holds others' too (the
 * host's with `--pid host`, one joined or joined by others, a pod's shared
 * one): those of the namespace in its own mount namespace (every container
 * has its own, and `exec` joins it), as its cgroup would count them.
 * Undefined when its process is gone.
 */
export function containerPidsInMountNamespace(initPid: number): number[] | undefined {
  const mnt = mountNamespace(initPid);
  if (mnt === undefined) return undefined;
  // Our helper joins the mount namespace for `exec` (and waits there as root): not the container's (its --init is).
  return containerPids(initPid).filter((p) => mountNamespace(p) === mnt && (p === initPid || !isOurHelper(p)));
}

/** The helper runs from a sealed memfd copy (helpers/src/sealed.c), or from its file where memfds may not be executed. */
function isOurHelper(pid: number): boolean {
  try {
    const exe = fs.readlinkSync(`/proc/${pid}/exe`);
    if (exe.startsWith('/memfd:tsc-run-helper')) return true;
  } catch {
    // another user's process: not ours to judge by its exe
  }
  try {
    const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return argv0.endsWith('/tsc-run-helper');
  } catch {
    return false;
  }
}
