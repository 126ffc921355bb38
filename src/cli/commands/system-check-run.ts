// The work of `system check` (loaded only when it runs): what a crash or a
// kill -9 can leave in the store, found, and with --repair mended.
//
//   layer      a layer no image or container uses, or an unpack that never
//              finished (no layer.json): removed through the helper
//   temp       an atomic write's temp file whose writer died: removed
//   container  a record that says running/paused while its monitor is gone:
//              its exit folded in, as the exit command would have
//   lock       a lock file whose holder died, or a taker's leftover: taken
//              and released (which breaks it), leftovers swept
//   network    a bridge network runtime file (networks/pids/, ports/, an
//              allocation) whose process or container is gone: removed
//              under the netns lock (src/network/bridge/runtime-files.ts)
//
// Everything that could race a live command is done under the lock that
// command takes (a layer's, the containers'), so check --repair is safe
// beside other commands.

import fs from 'node:fs';
import path from 'node:path';
import type { Roots } from '../../config/paths.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { sweepTempFiles } from '../../storage/atomic-file.js';
import { ContainerStore } from '../../storage/containers.js';
import { ImageStore } from '../../storage/images.js';
import { lockHolder, sweepLockLeftovers, withLock } from '../../storage/lock.js';
import { isAlive, pidIsRunning } from '../../storage/proc-stamp.js';
import { cleanupContainer } from '../../runtime/container/container-cleanup.js';
import { liveRecord } from '../../runtime/container/container-observe.js';
import { lifecycleContext } from '../../runtime/container/lifecycle-context.js';
import { warn } from '../warn.js';

export interface Finding {
  kind: 'layer' | 'temp' | 'container' | 'lock' | 'network';
  what: string;
  detail: string;
  repair: () => Promise<void>;
}

const TEMP_RE = /^\..+\.tmp-(\d+)-[0-9a-f]+$/;

function dirs(p: string): string[] {
  try {
    return fs.readdirSync(p, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(p, e.name));
  } catch {
    return [];
  }
}

function names(p: string): string[] {
  try {
    return fs.readdirSync(p);
  } catch {
    return [];
  }
}

async function layerFindings(dataRoot: string): Promise<Finding[]> {
  const used = new Set<string>();
  for (const i of await new ImageStore(dataRoot).list().catch(() => [])) for (const l of i.layers) used.add(l);
  for (const c of await new ContainerStore(dataRoot).list().catch(() => [])) for (const l of c.layers) used.add(l);
  const out: Finding[] = [];
  for (const dir of dirs(path.join(dataRoot, 'layers'))) {
    const id = path.basename(dir);
    const complete = fs.existsSync(path.join(dir, 'layer.json'));
    if (complete && used.has(id)) continue;
    const lock = path.join(dataRoot, 'locks', `layer-${id}.lock`);
    out.push({
      kind: 'layer',
      what: id,
      detail: complete ? 'no image or container uses it' : 'unpacking never finished (no layer.json)',
      // Under the layer's lock: an unpack in progress holds it, and is left alone.
      repair: () =>
        withLock(lock, async () => {
          if (fs.existsSync(path.join(dir, 'layer.json')) && complete === false) return; // finished meanwhile
          await helperTreeOps().rmtree(dir);
        }, { timeoutMs: 1000 }),
    });
  }
  return out;
}

function tempFindings(roots: Roots): Finding[] {
  const places = [roots.dataRoot, roots.runRoot, ...[roots.dataRoot, roots.runRoot].flatMap((r) => dirs(r).flatMap((d) => [d, ...dirs(d)]))];
  const out: Finding[] = [];
  const now = Date.now();
  for (const dir of places) {
    const stale = names(dir).filter((n) => {
      const m = TEMP_RE.exec(n);
      if (!m) return false;
      if (!pidIsRunning(Number(m[1]))) return true;
      const st = fs.statSync(path.join(dir, n), { throwIfNoEntry: false });
      return st !== undefined && now - st.mtimeMs > 60_000;
    });
    for (const n of stale) {
      out.push({ kind: 'temp', what: path.join(dir, n), detail: 'left by a write that never finished', repair: async () => void (await sweepTempFiles(dir)) });
    }
  }
  return out;
}

async function containerFindings(roots: Roots): Promise<Finding[]> {
  const ctx = lifecycleContext(roots, warn);
  const out: Finding[] = [];
  for (const rec of await ctx.store.list().catch(() => [])) {
    if (rec.state.status !== 'running' && rec.state.status !== 'paused') continue;
    const live = liveRecord(roots.runRoot, rec);
    if (live.state.status === rec.state.status) continue;
    out.push({
      kind: 'container',
      what: rec.id,
      detail: `recorded ${rec.state.status} but its monitor is gone`,
      repair: async () => void (await cleanupContainer(ctx, rec.id, { rm: false })),
    });
  }
  return out;
}

async function lockFindings(dataRoot: string): Promise<Finding[]> {
  const dir = path.join(dataRoot, 'locks');
  const out: Finding[] = [];
  for (const n of names(dir).filter((x) => x.endsWith('.lock'))) {
    const file = path.join(dir, n);
    const holder = await lockHolder(file).catch(() => undefined);
    if (!holder || isAlive(holder)) continue;
    out.push({
      kind: 'lock',
      what: file,
      detail: `held by process ${holder.pid}, which is gone`,
      // Taking it breaks the stale generation; the takers' leftovers go with it.
      repair: async () => {
        await withLock(file, async () => {}, { timeoutMs: 1000 });
        await sweepLockLeftovers(file);
      },
    });
  }
  return out;
}

async function networkFindings(roots: Roots): Promise<Finding[]> {
  const { staleNetworkFiles, sweepNetworkFiles } = await import('../../network/bridge/runtime-files.js');
  return (await staleNetworkFiles(roots)).map((s) => ({
    kind: 'network' as const,
    what: s.what,
    detail: s.detail,
    // Looked at again under the netns lock: a start since may have made it live.
    repair: async () => void (await sweepNetworkFiles(roots, new Set([s.what.includes('#') ? s.what.slice(s.what.indexOf('#') + 1) : path.basename(s.what).split('.')[0]!]))),
  }));
}

export async function findProblems(roots: Roots): Promise<Finding[]> {
  return [...(await containerFindings(roots)), ...(await layerFindings(roots.dataRoot)), ...tempFindings(roots), ...(await lockFindings(roots.dataRoot)), ...(await networkFindings(roots))];
}
