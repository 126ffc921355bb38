// `top`: the processes of a running container from the host's /proc
// (procfs/container-pids.ts), translated into the container's view: pids
// from NSpid at the container's level, ids through its uid_map/gid_map,
// names from its own /etc/passwd and /etc/group (top-descriptors.ts makes
// the columns). podman's psgo joins the container to read the same.

import { alignColumns } from '../../format/output.js';
import type { Roots } from '../../config/paths.js';
import { TscRunError } from '../../errors.js';
import type { ContainerRecord } from '../../storage/containers.js';
import { shownRecord } from '../container/stopping-mark.js';
import { readContainerFile } from '../container/etc-files.js';
import { containerPids } from '../procfs/container-pids.js';
import { insideId, parseBootTime, parseIdMap } from '../procfs/proc-files.js';
import { readCmdline, readProcess, readProcText } from '../procfs/read-process.js';
import { parseGroup, parsePasswd } from '../container/run-spec.js';
import { topRows, UnknownDescriptorError, type TopContext, type TopProcess } from './top-descriptors.js';

/** The kernel's overflow id: what an unmapped id shows as. */
const OVERFLOW_ID = 65534;
/** USER_HZ: /proc counts in these on every Linux architecture we run on. */
const CLOCK_TICKS = 100;

function namer(entries: ReadonlyArray<{ name: string; id: number }>): (id: number) => string {
  const byId = new Map<number, string>();
  for (const e of entries) if (!byId.has(e.id)) byId.set(e.id, e.name);
  return (id) => byId.get(id) ?? String(id);
}

function users(text: string | undefined): (id: number) => string {
  return namer(parsePasswd(text ?? '').map((e) => ({ name: e.name, id: e.uid })));
}

function groups(text: string | undefined): (id: number) => string {
  return namer(parseGroup(text ?? '').map((e) => ({ name: e.name, id: e.gid })));
}

/** Unix nanoseconds, with what performance.now() knows below the millisecond. */
function nowNanos(): bigint {
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.floor((ms % 1) * 1_000_000));
}

export async function containerTop(roots: Roots, rec: ContainerRecord, descriptors: readonly string[]): Promise<string> {
  let rows: string[];
  try {
    rows = await containerTopRows(roots, rec, descriptors);
  } catch (err) {
    if (!(err instanceof UnknownDescriptorError)) throw err;
    // podman's fallback: ps(1) inside, its lines as they are.
    const { psInContainer } = await import('./ps-fallback.js');
    const lines = await psInContainer(roots, rec, descriptors);
    return lines.length ? `${lines.join('\n')}\n` : '';
  }
  return `${alignColumns(rows.join('\n'))}\n`;
}

/** The header and one tab-separated row per process of a running container (pod top joins several). */
export async function containerTopRows(roots: Roots, rec: ContainerRecord, descriptors: readonly string[]): Promise<string[]> {
  const c = shownRecord(roots.runRoot, rec);
  const init = c.state.pid;
  if (c.state.status !== 'running' || init === undefined) throw new TscRunError('top can only be used on running containers');
  const initFiles = readProcess(init);
  if (!initFiles) throw new TscRunError('top can only be used on running containers');
  // Our view lists a pid per namespace level down to the process's own; the container's is the last.
  const level = Math.max(0, initFiles.status.nspid.length - 1);
  const uidMap = parseIdMap(readProcText(`/proc/${init}/uid_map`) ?? '0 0 4294967295');
  const gidMap = parseIdMap(readProcText(`/proc/${init}/gid_map`) ?? '0 0 4294967295');
  const uid = (host: number) => insideId(uidMap, host) ?? OVERFLOW_ID;
  const gid = (host: number) => insideId(gidMap, host) ?? OVERFLOW_ID;

  const hostPids = containerPids(init);
  const files = new Map(hostPids.flatMap((p) => {
    const f = readProcess(p);
    return f ? [[p, f] as const] : [];
  }));
  const nsPid = (host: number) => files.get(host)?.status.nspid[level] ?? 0;
  const procs: TopProcess[] = [...files].map(([hostPid, f]) => ({
    hostPid,
    pid: nsPid(hostPid),
    ppid: nsPid(f.status.ppid),
    pgid: nsPid(f.stat.pgrp),
    stat: f.stat,
    status: f.status,
    ruid: uid(f.status.uids[0] ?? 0),
    uid: uid(f.status.uids[1] ?? 0),
    rgid: gid(f.status.gids[0] ?? 0),
    gid: gid(f.status.gids[1] ?? 0),
    groups: f.status.groups.map(gid),
    args: readCmdline(hostPid),
    label: readProcText(`/proc/${hostPid}/attr/current`)?.replace(/\0/g, '').trim() || undefined,
  }));

  const ctx: TopContext = {
    userName: users(await readContainerFile(roots.dataRoot, c, 'etc/passwd')),
    groupName: groups(await readContainerFile(roots.dataRoot, c, 'etc/group')),
    hostUserName: users(readProcText('/etc/passwd')),
    hostGroupName: groups(readProcText('/etc/group')),
    nowNs: nowNanos(),
    bootTime: parseBootTime(readProcText('/proc/stat') ?? ''),
    clockTicks: CLOCK_TICKS,
  };
  return topRows(procs, descriptors, ctx);
}
