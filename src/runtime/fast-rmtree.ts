// Removing a finished container's tree quickly: most of it belongs to the
// user (an --rm container that wrote nothing as another uid), so Node
// removes it directly; only what a sub-id owns needs the helper's rmtree
// (a process and a user namespace, ~20 ms). Overlay's work/work is made
// mode 000 by the kernel: opened up first, as it is ours.

import fs from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../storage/atomic-file.js';

export type Rmtree = (...paths: string[]) => Promise<void>;

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
    const left: string[] = [];
    for (const p of paths) if (!(await removeDirect(p))) left.push(p);
    if (left.length) await helperRmtree(...left);
  };
}
