// Freezing a container's processes for `pause`: the cgroup v2 freezer when
// the container has a cgroup of its own (a delegated v2 subtree, made for
// its limits: container-cgroup.ts); otherwise SIGSTOP to every process of its
// pid namespace (procfs/container-pids.ts), until a round finds none left
// running (a process may fork while we go), and SIGCONT to thaw. Signals are
// visible to the container (a parent sees its child stopped), which the
// freezer is not; both leave the processes exactly where they were.

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError } from '../../errors.js';
import { containerPids } from '../procfs/container-pids.js';
import { containerCgroupDir } from '../procfs/own-cgroup.js';
import { parseStatFields } from '../procfs/proc-files.js';

const ROUNDS = 100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function setFrozen(dir: string, frozen: boolean): Promise<void> {
  fs.writeFileSync(path.join(dir, 'cgroup.freeze'), frozen ? '1' : '0');
  for (let i = 0; i < ROUNDS; i++) {
    const events = fs.readFileSync(path.join(dir, 'cgroup.events'), 'utf8');
    if (new RegExp(`^frozen ${frozen ? 1 : 0}$`, 'm').test(events)) return;
    await sleep(10);
  }
  throw new TscRunError(`the cgroup freezer of ${dir} did not ${frozen ? 'freeze' : 'thaw'} the container in time`);
}

function stateOf(pid: number): string | undefined {
  try {
    return parseStatFields(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).state;
  } catch {
    return undefined; // gone
  }
}

/** Signal pid if it still is in the container's pid namespace (a pid read a moment ago may be reused). */
function signalMember(pid: number, ns: string, sig: NodeJS.Signals): void {
  try {
    if (fs.readlinkSync(`/proc/${pid}/ns/pid`) !== ns) return;
    process.kill(pid, sig);
  } catch {
    /* gone meanwhile */
  }
}

function namespaceOf(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** Stop every process of the container whose process is pid. */
export async function freezeContainer(id: string, pid: number): Promise<void> {
  const dir = containerCgroupDir(id, pid);
  if (dir) return setFrozen(dir, true);
  for (let round = 0; round < ROUNDS; round++) {
    const ns = namespaceOf(pid);
    if (ns === undefined) return; // the container is gone: nothing left to stop
    // T = stopped; t (traced), Z and X need nothing either.
    const running = containerPids(pid).filter((p) => !['T', 't', 'Z', 'X', undefined].includes(stateOf(p)));
    if (running.length === 0) return;
    for (const p of running) signalMember(p, ns, 'SIGSTOP');
    await sleep(round === 0 ? 1 : 10); // SIGSTOP takes effect when each is next scheduled
  }
  throw new TscRunError(`could not stop every process of container ${id}: they keep starting new ones`);
}

/** Let every process of the container run again. */
export async function thawContainer(id: string, pid: number): Promise<void> {
  const dir = containerCgroupDir(id, pid);
  if (dir) return setFrozen(dir, false);
  const ns = namespaceOf(pid);
  if (ns === undefined) return;
  for (const p of containerPids(pid)) signalMember(p, ns, 'SIGCONT');
}
