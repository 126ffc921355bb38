// The per-container runtime files of bridge networking, under
// <runroot>/networks/, once the processes they name are gone:
//
//   pids/ID, pids/ID.monitor   `PID START` of the container's process and its
//                              monitor (its network set-up writes them at each
//                              start): stale when neither runs
//   pids/*.tmp                 the set-up's temp file, its writer killed: a minute old
//   ports/ID.json, ports/ID.log  the port forwarder's stamp and log: stale when
//                              the forwarder is gone
//   allocations.json entries   of containers that no longer exist
//
// Found without a lock (`system check`), removed under the netns lock after
// a second look (a start writes them under it, or after it with a live
// process), so a sweep beside running commands removes nothing live. Each
// removal is one unlink or one atomic rewrite: a kill -9 mid-sweep leaves
// the rest for the next one. Nothing here starts the rootless netns.

import fs from 'node:fs';
import path from 'node:path';
import { ContainerStore } from '../../storage/containers.js';
import { readJson, writeJsonAtomic } from '../../storage/json-store.js';
import { withLock } from '../../storage/lock.js';
import { isAlive, readProcStat, type ProcStamp } from '../../storage/proc-stamp.js';
import { allocationsFile, type Allocations } from './bridge-attach.js';
import { netnsPaths } from './rootless-netns.js';

export interface StaleNetworkFile {
  /** A file's path, or `allocations.json#ID` for an entry. */
  what: string;
  detail: string;
}

const TMP_GRACE_MS = 60_000;

function names(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether a `PID START` file names a process that runs (a missing or malformed file, a zombie: no). */
function namesLiveProcess(file: string): boolean {
  const m = /^(\d+) (\d+)\s*$/.exec(readText(file) ?? '');
  if (!m) return false;
  let st;
  try {
    st = readProcStat(Number(m[1]));
  } catch {
    return false;
  }
  // A monitor that exited stays a zombie until its parent (often pid 1) reaps it.
  return st !== undefined && st.startTime === Number(m[2]) && st.state !== 'Z' && st.state !== 'X';
}

function olderThan(file: string, ms: number): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs > ms;
  } catch {
    return false;
  }
}

async function forwarderAlive(file: string): Promise<boolean> {
  const st = await readJson<ProcStamp | undefined>(file, { missing: undefined }).catch(() => undefined);
  return st !== undefined && isAlive(st);
}

/** Stale files of `ids` (all when undefined); read only. */
export async function staleNetworkFiles(roots: { runRoot: string; dataRoot: string }, ids?: ReadonlySet<string>): Promise<StaleNetworkFile[]> {
  const dir = netnsPaths(roots.runRoot).dir;
  const out: StaleNetworkFile[] = [];
  const wanted = (id: string) => ids === undefined || ids.has(id);
  const store = new ContainerStore(roots.dataRoot);
  const exists = async (id: string) => (await store.get(id)) !== undefined;
  const pids = path.join(dir, 'pids');
  for (const n of names(pids)) {
    const file = path.join(pids, n);
    if (n.endsWith('.tmp')) {
      if (wanted(n.split('.')[0]!) && olderThan(file, TMP_GRACE_MS)) out.push({ what: file, detail: 'a network set-up\'s temp file, its writer gone' });
      continue;
    }
    const id = n.replace(/\.monitor$/, '');
    if (!wanted(id)) continue;
    const main = path.join(pids, id);
    if (!(await exists(id))) {
      out.push({ what: file, detail: 'of a container that no longer exists' });
      continue;
    }
    // The monitor's stamp keeps both while it runs: it restarts the container (--restart) and rewrites them.
    if (namesLiveProcess(main) || namesLiveProcess(`${main}.monitor`)) continue;
    out.push({ what: file, detail: 'names a container process and monitor that are gone' });
  }
  const ports = path.join(dir, 'ports');
  for (const n of names(ports)) {
    const m = /^([0-9a-f]+)\.(json|log)$/.exec(n);
    if (!m || !wanted(m[1]!)) continue;
    if (await forwarderAlive(path.join(ports, `${m[1]}.json`))) continue;
    out.push({ what: path.join(ports, n), detail: 'the port forwarder it names is gone' });
  }
  const allocs = await readJson<Allocations>(allocationsFile(roots.runRoot), { missing: () => ({}) }).catch((): Allocations => ({}));
  for (const id of Object.keys(allocs)) {
    if (wanted(id) && !(await exists(id))) out.push({ what: `${allocationsFile(roots.runRoot)}#${id}`, detail: 'an address allocation of a container that no longer exists' });
  }
  return out;
}

/**
 * Remove what is stale of `ids` (all when undefined), under the netns lock,
 * each looked at again first; returns what went.
 */
export async function sweepNetworkFiles(roots: { runRoot: string; dataRoot: string }, ids?: ReadonlySet<string>): Promise<string[]> {
  const p = netnsPaths(roots.runRoot);
  if (!fs.existsSync(p.dir)) return [];
  return withLock(p.lock, async () => {
    const stale = await staleNetworkFiles(roots, ids);
    const entries = stale.filter((s) => s.what.includes('#')).map((s) => s.what.slice(s.what.indexOf('#') + 1));
    for (const s of stale) if (!s.what.includes('#')) fs.rmSync(s.what, { force: true });
    if (entries.length) {
      const file = allocationsFile(roots.runRoot);
      const allocs = await readJson<Allocations>(file, { missing: () => ({}) });
      for (const id of entries) delete allocs[id];
      await writeJsonAtomic(file, allocs, { durable: false });
    }
    return stale.map((s) => s.what);
  });
}
