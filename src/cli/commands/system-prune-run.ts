// The work of `system prune` (loaded only when it runs): each prune in
// podman's order, its removals printed under podman's headings, then the
// space the file system got back.

import fs from 'node:fs';
import type { Roots } from '../../config/paths.js';
import { MultipleErrors, TscRunError } from '../../errors.js';
import { goHumanSize } from '../../format/human.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { pruneImages } from '../../image/prune.js';
import { pruneContainers } from '../../runtime/container/container-prune.js';
import { lifecycleContext } from '../../runtime/container/lifecycle-context.js';
import { removeContainer } from '../../runtime/container/container-remove.js';
import { pruneCandidates, volumePrune } from '../../volume/volume-commands.js';
import { warn } from '../warn.js';

function freeBytes(p: string): number {
  try {
    const s = fs.statfsSync(p);
    return s.bavail * s.bsize;
  } catch {
    return 0;
  }
}

function section(title: string, lines: readonly string[]): void {
  if (lines.length) process.stdout.write(`${title}\n${lines.map((l) => `${l}\n`).join('')}`);
}

export async function runSystemPrune(roots: Roots, o: { all: boolean; volumes: boolean; filters: string[] }): Promise<void> {
  const before = freeBytes(roots.dataRoot);
  const errors: TscRunError[] = [];
  const asEngineError = (e: Error) => (e instanceof TscRunError ? e : new TscRunError(e.message));
  const ctx = lifecycleContext(roots, warn);

  // podman prunes pods first (a pod with nothing running goes with its containers), and prints them after the containers.
  const { prunePods } = await import('../../pod/pod-lifecycle.js');
  const pods = await prunePods({ roots, treeOps: helperTreeOps(), warn });
  const containers = await pruneContainers(ctx, o.filters);
  section('Deleted Containers', containers.removed);
  errors.push(...containers.errors.map(asEngineError));
  section('Deleted Pods', pods.removed);
  errors.push(...pods.errors);

  if (o.volumes) {
    const vctx = { roots, treeOps: helperTreeOps, removeContainer: async () => {} };
    const names = await pruneCandidates(vctx, o.filters);
    const removed: string[] = [];
    try {
      await volumePrune(vctx, names, (n) => removed.push(n));
    } catch (err) {
      if (err instanceof MultipleErrors) errors.push(...err.errors);
      else if (err instanceof TscRunError) errors.push(err);
      else throw err;
    }
    section('Deleted Volumes', removed);
  }

  const images = await pruneImages(
    {
      dataRoot: roots.dataRoot,
      treeOps: helperTreeOps(),
      // prune never removes a container for an image: one in use is not a candidate.
      removeContainer: async (c) => removeContainer(ctx, c.id, { force: true }),
    },
    { all: o.all, filters: o.filters },
  );
  section('Deleted Images', images);

  // Then the networks no container uses (podman prints them last); a network rm -f would need is never a candidate.
  const { networkPrune, networkPruneCandidates } = await import('../../network/network-commands.js');
  const nctx = { roots, removeContainer: () => Promise.reject(new TscRunError('system prune removes no container for a network')) };
  const networks: string[] = [];
  try {
    await networkPrune(nctx, await networkPruneCandidates(nctx, o.filters), (n) => networks.push(n));
  } catch (err) {
    if (err instanceof MultipleErrors) errors.push(...err.errors);
    else if (err instanceof TscRunError) errors.push(err);
    else throw err;
  }
  section('Deleted Networks', networks);

  process.stdout.write(`Total reclaimed space: ${goHumanSize(Math.max(0, freeBytes(roots.dataRoot) - before))}\n`);
  if (errors.length) throw errors.length === 1 ? errors[0]! : new MultipleErrors(errors);
}
