// --userns, --uidmap and --gidmap: the id maps a container's user namespace
// gets. Rootless, podman reads --uidmap's HOST ids in the user's own
// namespace (0 = the user, 1.. = its subordinate ids), so the maps given
// are composed with that default map into real host ids for newuidmap;
// `keep-id` maps the user's uid and gid to themselves inside (and runs as
// them unless -u says otherwise). As root the host ids are real. Pure.

import { UsageError } from '../../errors.js';
import type { IdMapping, IdMaps } from '../../host/idmap.js';
import { withGoFields } from '../../format/go-fields.js';

export interface UsernsRequest {
  /** --userns: '' (default), 'host' (same as default here), 'keep-id'. */
  mode: string;
  uidmap: readonly string[];
  gidmap: readonly string[];
}

/** `CONTAINER:HOST:SIZE` (podman also accepts a leading `+`/`@` flag, which we refuse). */
export function parseIdMapFlag(value: string, flag: string): IdMapping {
  const m = /^(\d+):(\d+):(\d+)$/.exec(value);
  if (!m || Number(m[3]) === 0) throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: want CONTAINER:HOST:SIZE`);
  return { container: Number(m[1]), host: Number(m[2]), count: Number(m[3]) };
}

/**
 * Compose `inner` (container → intermediate ids) with `outer` (intermediate
 * → host ids). Every intermediate id used must be mapped by outer.
 */
export function composeMaps(inner: readonly IdMapping[], outer: readonly IdMapping[], flag: string): IdMapping[] {
  const out: IdMapping[] = [];
  for (const m of inner) {
    let c = m.container;
    let i = m.host;
    let left = m.count;
    while (left > 0) {
      const o = outer.find((r) => i >= r.container && i < r.container + r.count);
      if (!o) throw new UsageError(`${flag}: id ${i} is not mapped to you (see /etc/subuid and /etc/subgid)`);
      const n = Math.min(left, o.container + o.count - i);
      out.push({ container: c, host: o.host + (i - o.container), count: n });
      c += n;
      i += n;
      left -= n;
    }
  }
  return out;
}

function idsMapped(map: readonly IdMapping[]): number {
  return map.reduce((n, m) => n + m.count, 0);
}

/** keep-id in the intermediate namespace: id → itself via 0, 0..id-1 → 1..id, id+1.. → id+1.. */
export function keepIdInner(id: number, total: number): IdMapping[] {
  if (total <= id) throw new UsageError(`--userns keep-id: your id ${id} is beyond the ${total - 1} subordinate ids you have`);
  const out: IdMapping[] = [];
  if (id > 0) out.push({ container: 0, host: 1, count: id });
  out.push({ container: id, host: 0, count: 1 });
  if (total > id + 1) out.push({ container: id + 1, host: id + 1, count: total - id - 1 });
  return out;
}

/**
 * keep-id through fuse-overlayfs: its uidmapping/gidmapping (`SEEN:SHOWN:COUNT`: an owner as
 * the server sees it in the container's namespace, and as it shows it), so that the image's
 * files keep the owners they have by default (root's stay 0:0, as podman) and what the
 * container writes is stored as a default-mapped container would store it. Our id 0 (the
 * user) is seen inside keep-id as `id`, ours 1..id as 0..id-1, those above as themselves.
 */
export function keepIdFuseMapping(me: { uid: number; gid: number }, defaults: IdMaps): string {
  const one = (id: number, total: number): string => {
    const parts = [`${id}:0:1`];
    if (id > 0) parts.push(`0:1:${id}`);
    if (total > id + 1) parts.push(`${id + 1}:${id + 1}:${total - id - 1}`);
    return parts.join(':');
  };
  return `uidmapping=${one(me.uid, idsMapped(defaults.uid))},gidmapping=${one(me.gid, idsMapped(defaults.gid))}`;
}

/**
 * Why a --userns mode is refused. podman's `auto` (rootless: a range of the
 * user's sub-ids, 1024 or the image's highest id + 1, `0 1 1024` in its
 * namespace) and `nomap` (`0 1 65536`: every sub-id, not the user's own id)
 * both leave the user's own id unmapped; podman then gives the container a
 * chowned copy of the image's layers. Our container storage belongs to that
 * id and is not copied per mapping, so the container's root could not read
 * its own files.
 */
export function unsupportedUsernsReason(mode: string): string {
  const kind = mode.split(':')[0]!;
  if (kind === 'auto' || kind === 'nomap') {
    return `--userns ${JSON.stringify(mode)} is not supported: it leaves your own id unmapped, and tsc-run's container storage belongs to that id (podman makes a chowned copy of the image for it); use keep-id, host, or --uidmap/--gidmap mapping id 0`;
  }
  return `--userns ${JSON.stringify(mode)} is not supported: use keep-id or host (or --uidmap/--gidmap)`;
}

export interface UsernsPlan {
  /** The maps to give the helper; undefined = the default. */
  maps?: IdMaps;
  /**
   * Rootless: the same maps in the ids of the user's own namespace (0 = the user, 1.. = its
   * sub-ids), before they are composed with the default map: what a container nested in a
   * bridge holder's user namespace (which has the default map) gets (docs/runtime.md).
   */
  nested?: IdMaps;
  /** keep-id: the user to run as when -u is not given. */
  defaultUser?: string;
}

/**
 * The container's maps. `defaults` is the rootless default map (undefined
 * as root: no user namespace by default, host ids are real).
 */
export function planUserns(req: UsernsRequest, defaults: IdMaps | undefined, me: { uid: number; gid: number }): UsernsPlan {
  const mode = req.mode;
  if (mode !== '' && mode !== 'host' && mode !== 'keep-id') throw new UsageError(unsupportedUsernsReason(mode));
  if (mode === 'keep-id' && (req.uidmap.length || req.gidmap.length)) {
    throw new UsageError('--userns and --uidmap/--gidmap cannot be used together');
  }
  if (mode === 'keep-id') {
    if (!defaults) throw new UsageError('keep-id is only supported in rootless mode');
    const nested = { uid: keepIdInner(me.uid, idsMapped(defaults.uid)), gid: keepIdInner(me.gid, idsMapped(defaults.gid)) };
    return {
      maps: {
        uid: composeMaps(nested.uid, defaults.uid, '--userns keep-id'),
        gid: composeMaps(nested.gid, defaults.gid, '--userns keep-id'),
      },
      nested,
      defaultUser: `${me.uid}:${me.gid}`,
    };
  }
  if (!req.uidmap.length && !req.gidmap.length) return {};
  // podman: one of the two given alone is used for both.
  const uidIn = (req.uidmap.length ? req.uidmap : req.gidmap).map((v) => parseIdMapFlag(v, '--uidmap'));
  const gidIn = (req.gidmap.length ? req.gidmap : req.uidmap).map((v) => parseIdMapFlag(v, '--gidmap'));
  // The container's storage belongs to us (id 0 of our namespace, or root): its
  // root can only mount and read it when that id is mapped inside.
  for (const [flag, map] of [['--uidmap', uidIn], ['--gidmap', gidIn]] as const) {
    if (!map.some((m) => m.host === 0)) {
      throw new UsageError(`${flag} must map host id 0 (${defaults ? 'your own id' : 'root'}) into the container: the container's files belong to it`);
    }
  }
  if (!defaults) return { maps: { uid: uidIn, gid: gidIn } };
  return { maps: { uid: composeMaps(uidIn, defaults.uid, '--uidmap'), gid: composeMaps(gidIn, defaults.gid, '--gidmap') }, nested: { uid: uidIn, gid: gidIn } };
}

/**
 * inspect's `.HostConfig.IDMappings` as podman 4.3 shows them: `C:H:N` strings, rootless in
 * the ids of the user's own namespace (as podman's containers, nested in its rootless
 * namespace, see them); undefined without maps of its own (podman: a nil pointer, left out).
 */
export function inspectIdMappings(req: UsernsRequest, defaults: IdMaps | undefined, me: { uid: number; gid: number }): { UidMap: string[]; GidMap: string[] } | undefined {
  if (req.mode !== 'keep-id' && !req.uidmap.length && !req.gidmap.length) return undefined;
  let plan: UsernsPlan;
  try {
    plan = planUserns(req, defaults, me);
  } catch {
    return undefined; // the host's sub-ids changed since create: its start will say why
  }
  const maps = defaults ? plan.nested : plan.maps;
  if (!maps) return undefined;
  const fmt = (m: readonly IdMapping[]) => m.map((x) => `${x.container}:${x.host}:${x.count}`);
  // JSON keys UidMap/GidMap; a template names podman's Go fields UIDMap/GIDMap.
  const uid = fmt(maps.uid);
  const gid = fmt(maps.gid);
  return withGoFields({ UidMap: uid, GidMap: gid }, { UIDMap: uid, GIDMap: gid });
}
