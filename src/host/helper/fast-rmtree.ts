// Removing trees quickly: most of a finished container (or a layer) belongs
// to the user itself (the container's root is the user), so Node removes
// it directly; only what a sub-id owns needs the helper's rmtree (a process
// and a user namespace, ~20 ms). The direct way is not taken for a tree
// with a mount point anywhere in it (the helper refuses those; Node's rm
// would descend). Overlay's work/work is made mode 000 by the kernel:
// opened up first, as it is ours.

import fs from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../../storage/atomic-file.js';

export type Rmtree = (...paths: string[]) => Promise<void>;

/** Mount points (field 5 of mountinfo, octal escapes decoded). Pure. */
export function mountPoints(mountinfo: string): string[] {
  return mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => m !== undefined && m !== '')
    .map((m) => m.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** Whether any mount point is p or lies beneath it. Pure. */
export function hasMountBeneath(mounts: readonly string[], p: string): boolean {
  const dir = path.resolve(p);
  return mounts.some((m) => m === dir || m.startsWith(dir + '/'));
}

async function removeDirect(p: string): Promise<boolean> {
  await fs.chmod(path.join(p, 'work', 'work'), 0o700).catch(() => undefined);
  try {
    await fs.rm(p, { recursive: true, force: true });
    return true;
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOTEMPTY' || code === 'EBUSY') return false;
    throw err;
  }
}

/** An rmtree that tries the direct way first and hands what is left to `helperRmtree`. */
export function fastRmtree(helperRmtree: Rmtree): Rmtree {
  return async (...paths) => {
    let mounts: string[];
    try {
      mounts = mountPoints(await fs.readFile('/proc/self/mountinfo', 'utf8'));
    } catch {
      return helperRmtree(...paths);
    }
    const left: string[] = [];
    for (const p of paths) {
      const direct = path.isAbsolute(p) && path.resolve(p) !== '/' && !hasMountBeneath(mounts, p);
      if (!direct || !(await removeDirect(p))) left.push(p);
    }
    if (left.length) await helperRmtree(...left);
  };
}
