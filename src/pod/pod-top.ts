// `pod top`: the processes of every running container of a pod (the
// infra too), as `top` shows one container's, under one header. As podman's
// psgo does, a pid namespace is listed once: with `--share +pid` the whole
// pod is one namespace, read through the first member (whose /etc/passwd
// names the users; the infra has none), else each container's own.

import fs from 'node:fs';
import type { Roots } from '../config/paths.js';
import { alignColumns } from '../format/output.js';
import { TscRunError } from '../errors.js';
import { containerTopRows } from '../runtime/top/container-top.js';
import { podMembers } from './pod-lifecycle.js';
import type { PodRecord } from './pod-store.js';

function pidNamespace(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** psgo also takes `-eo user,pid` style comma lists. */
export function splitDescriptors(words: readonly string[]): string[] {
  return words.flatMap((w) => w.split(',')).filter((w) => w !== '');
}

/** The table, or '' when nothing of the pod runs (podman prints nothing then). */
export async function podTop(roots: Roots, pod: PodRecord, descriptors: readonly string[]): Promise<string> {
  const members = await podMembers(roots, pod);
  const order = [...members.filter((c) => c.id !== pod.infraId), ...members.filter((c) => c.id === pod.infraId)];
  const seen = new Set<string>();
  const rows: string[] = [];
  const words = splitDescriptors(descriptors);
  for (const c of order) {
    if (c.state.status !== 'running' || c.state.pid === undefined) continue;
    const ns = pidNamespace(c.state.pid);
    if (ns === undefined || seen.has(ns)) continue;
    seen.add(ns);
    let part: string[];
    try {
      part = await containerTopRows(roots, c, words);
    } catch (err) {
      // It stopped between the listing and the reading: as if it had not been running.
      if (err instanceof TscRunError && /only be used on running/.test(err.message)) continue;
      throw err;
    }
    rows.push(...(rows.length ? part.slice(1) : part));
  }
  return rows.length ? `${alignColumns(rows.join('\n'))}\n` : '';
}
