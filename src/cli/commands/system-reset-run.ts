// The work of `system reset` (loaded only when it runs): every container
// removed (running ones stopped), every process still tied to this store
// killed (monitors, exec sessions, fuse-overlayfs: anything of ours whose
// command line names the store), mounts under it detached (root), then the
// data root, the runtime root and a moved volume directory removed through
// the helper, which also removes files owned by sub-ids.

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Roots } from '../../config/paths.js';
import { engineConfig } from '../../host/engine-config.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { lifecycleContext } from '../../runtime/container/lifecycle-context.js';
import { removeContainer } from '../../runtime/container/container-remove.js';
import { warn } from '../warn.js';

/** Pure: whether a process's argv names one of the trees (an argument is the path, lies under it, or carries it after `=`/`:`). */
export function namesTree(argv: readonly string[], trees: readonly string[]): boolean {
  return argv.some((a) => trees.some((t) => a === t || a.includes(`${t}/`) || a.endsWith(`=${t}`) || a.endsWith(`:${t}`)));
}

function ourProcesses(trees: readonly string[]): number[] {
  const me = process.getuid!();
  const mine = new Set([process.pid, process.ppid]);
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pid = Number(d);
    if (mine.has(pid)) continue;
    try {
      if (fs.statSync(`/proc/${d}`).uid !== me) continue;
      const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (namesTree(argv, trees)) out.push(pid);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** Mount points under the trees in this mount namespace, deepest first (mountinfo field 5, octal escapes decoded). */
function mountsUnder(trees: readonly string[]): string[] {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const points = text
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => trees.some((t) => p === t || p.startsWith(`${t}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export async function runSystemReset(roots: Roots): Promise<void> {
  const trees = [roots.dataRoot, roots.runRoot];
  const volumePath = engineConfig().volumePath;
  if (volumePath) trees.push(volumePath);

  const ctx = lifecycleContext(roots, warn);
  // Pods first: their infra containers cannot be removed on their own.
  try {
    const { removeAllPods } = await import('../../pod/pod-lifecycle.js');
    await removeAllPods({ roots, treeOps: helperTreeOps(), warn });
  } catch {
    /* an unreadable pod store is removed below all the same */
  }
  let records: Array<{ id: string }> = [];
  try {
    records = await ctx.store.list();
  } catch {
    /* an unreadable store is removed below all the same */
  }
  for (const r of records) {
    try {
      await removeContainer(ctx, r.id, { force: true, timeout: 0 });
    } catch {
      /* whatever stays is killed and removed below */
    }
  }
  // podman removes every image first (rmi -a -f), warning of each damaged one (330-corrupt-images); the tree goes below.
  try {
    const { damagedImages, loadCatalog, missingConfigText } = await import('../../image/catalog.js');
    for (const r of await damagedImages(roots.dataRoot, await loadCatalog(roots.dataRoot))) {
      warn(`Failed to determine parent of image: ${missingConfigText(r.id)}, ignoring the error`);
    }
  } catch {
    /* an unreadable image store is removed below all the same */
  }
  for (const pid of ourProcesses(trees)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  if (process.getuid!() === 0) {
    for (const m of mountsUnder(trees)) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  }
  const existing = trees.filter((t) => fs.existsSync(t));
  if (existing.length) await helperTreeOps().rmtree(...existing.map((t) => path.resolve(t)));
}
