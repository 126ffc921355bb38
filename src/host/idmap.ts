// User-namespace id maps for the current user, from /etc/subuid and
// /etc/subgid (shadow's format: `owner:start:count`, owner being a login
// name or a numeric uid). The map gives container id 0 to the user itself
// and container ids 1.. to every subordinate range, in file order, like
// rootless podman. Parsing and map building are pure; reading the files is
// the one I/O function at the bottom.

import fs from 'node:fs';
import os from 'node:os';

/** `container` ids [container, container+count) are host ids [host, host+count). */
export interface IdMapping {
  container: number;
  host: number;
  count: number;
}

export interface IdMaps {
  uid: IdMapping[];
  gid: IdMapping[];
}

export interface SubIdEntry {
  owner: string;
  start: number;
  count: number;
}

export interface SubIdRange {
  start: number;
  count: number;
}

/** Who to look up: entries may name the user or its numeric uid. */
export interface SubIdOwner {
  name: string | undefined;
  uid: number;
}

/** The kernel accepts at most this many lines in uid_map/gid_map. */
export const MAX_MAP_LINES = 340;

const MAX_ID = 0xffffffff;

function parseId(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= MAX_ID ? n : undefined;
}

/** Entries of a subuid/subgid file; comments, blank and malformed lines are skipped, as newuidmap does. */
export function parseSubIdFile(text: string): SubIdEntry[] {
  const out: SubIdEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(':');
    if (parts.length !== 3 || !parts[0]) continue;
    const start = parseId(parts[1]!);
    const count = parseId(parts[2]!);
    if (start === undefined || count === undefined || count === 0 || start + count - 1 > MAX_ID) continue;
    out.push({ owner: parts[0], start, count });
  }
  return out;
}

/** All ranges of `who`, by name or by uid, in file order (duplicates dropped). */
export function subIdRangesFor(entries: readonly SubIdEntry[], who: SubIdOwner): SubIdRange[] {
  const uid = String(who.uid);
  const seen = new Set<string>();
  const out: SubIdRange[] = [];
  for (const e of entries) {
    if (e.owner !== uid && e.owner !== who.name) continue;
    const key = `${e.start}:${e.count}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ start: e.start, count: e.count });
  }
  return out;
}

/**
 * 0 -> hostId (count 1), then 1.. -> each range consecutively. Stops before
 * container ids would pass 2^32-2 or the map would exceed the kernel's line limit.
 */
export function buildIdMap(hostId: number, ranges: readonly SubIdRange[]): IdMapping[] {
  const map: IdMapping[] = [{ container: 0, host: hostId, count: 1 }];
  let next = 1;
  for (const r of ranges) {
    if (map.length >= MAX_MAP_LINES) break;
    const count = Math.min(r.count, MAX_ID - next);
    if (count <= 0) break;
    map.push({ container: next, host: r.start, count });
    next += count;
  }
  return map;
}

/** Number of container ids a map covers (65537 for the usual single range). */
export function mappedIdCount(map: readonly IdMapping[]): number {
  return map.reduce((n, m) => n + m.count, 0);
}

/** `C:H:N` as the helper's --uid-map/--gid-map take it. */
export function formatMapping(m: IdMapping): string {
  return `${m.container}:${m.host}:${m.count}`;
}

export const SUBUID_FILE = '/etc/subuid';
export const SUBGID_FILE = '/etc/subgid';

/** The current user, as subuid/subgid files may name it. */
export function currentSubIdOwner(): SubIdOwner {
  let name: string | undefined;
  try {
    name = os.userInfo().username;
  } catch {
    // A uid without a passwd entry: only numeric entries can match.
  }
  return { name, uid: process.getuid!() };
}

function readRanges(file: string, who: SubIdOwner): SubIdRange[] {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return subIdRangesFor(parseSubIdFile(text), who);
}

/** Subordinate ranges of the current user: `{uid: [...], gid: [...]}` (either may be empty). */
export function currentSubIdRanges(files = { subuid: SUBUID_FILE, subgid: SUBGID_FILE }): {
  uid: SubIdRange[];
  gid: SubIdRange[];
} {
  const who = currentSubIdOwner();
  return { uid: readRanges(files.subuid, who), gid: readRanges(files.subgid, who) };
}

/**
 * The maps of a rootless user namespace for the current user. Callers
 * normally go through preflight's hostUserNamespace(), which also checks
 * that the ranges exist and the host can use them.
 */
export function userNamespaceMaps(ranges = currentSubIdRanges()): IdMaps {
  return {
    uid: buildIdMap(process.getuid!(), ranges.uid),
    gid: buildIdMap(process.getgid!(), ranges.gid),
  };
}
