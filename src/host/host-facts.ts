// Gathers everything `info` and `system doctor` report about this host, in
// one pass: file reads and statfs calls, the cached native-overlay probe,
// and cached `--version` runs. The decisions live in pure modules.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Roots } from '../config/paths.js';
import { HostPrerequisiteError } from '../errors.js';
import { logDebugOnce } from '../format/log.js';
import { currentSubIdRanges, userNamespaceMaps, type IdMapping } from './idmap.js';
import { probeCgroups, type CgroupFacts } from './cgroup-probe.js';
import { readSearchRegistries, mountProgramFromOpts, readStorageConf, type StorageConf } from './containers-conf.js';
import { findExecutable, isExecutableFile, readWritable } from './executables.js';
import { HostCache } from './host-cache.js';
import type { InfoIdMap, SecurityFacts } from './info-report.js';
import { probeNetwork, type NetworkFacts } from './network-backends.js';
import { probeNativeOverlay, type HelperRunner } from './overlay-probe.js';
import { readSecurityFacts } from './security-facts.js';
import type { DirFacts } from './doctor-checks.js';
import { chooseStorageDriver, type DriverChoice, type OverlayProbe } from './storage-driver.js';
import { readSystemFacts, type SystemFacts } from './system-facts.js';

export interface GatherOptions {
  roots: Roots;
  flagDriver?: string | undefined;
  storageOpts?: readonly string[] | undefined;
  /** Runs the overlay probe; default: the real helper. */
  runProbe?: HelperRunner;
  env?: Record<string, string | undefined>;
}

export interface StorageFacts {
  conf: StorageConf;
  fuseOverlayfs: string | undefined;
  devFuseRW: boolean;
  probe: OverlayProbe;
  /** The driver decision, or why none could be made (unsupported driver named). */
  choice: { choice: DriverChoice } | { error: Error };
}

export interface HostFacts {
  uid: number;
  gid: number;
  user: string;
  rootless: boolean;
  roots: Roots;
  system: SystemFacts;
  cgroup: CgroupFacts;
  network: NetworkFacts;
  security: SecurityFacts;
  storage: StorageFacts;
  uidmap: InfoIdMap[] | null;
  gidmap: InfoIdMap[] | null;
  registriesSearch: string[];
}

/** podman's host.idMappings: the maps a rootless container gets; null as root. */
function idMappingsOf(uid: number): { uidmap: InfoIdMap[] | null; gidmap: InfoIdMap[] | null } {
  if (uid === 0) return { uidmap: null, gidmap: null };
  const maps = userNamespaceMaps(currentSubIdRanges());
  const tags = (m: IdMapping): InfoIdMap => ({ container_id: m.container, host_id: m.host, size: m.count });
  return { uidmap: maps.uid.map(tags), gidmap: maps.gid.map(tags) };
}

function userName(uid: number): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(uid);
  }
}

async function gatherStorage(o: GatherOptions, uid: number, gid: number, kernel: string, cache: HostCache): Promise<StorageFacts> {
  const rootless = uid !== 0;
  const conf = readStorageConf(rootless, o.env);
  const fuseOverlayfs = findExecutable('fuse-overlayfs', o.env?.PATH ?? process.env.PATH);
  const devFuseRW = readWritable('/dev/fuse');
  const optProgram = mountProgramFromOpts(o.storageOpts ?? []);
  const mp = optProgram
    ? { path: optProgram, source: '--storage-opt' }
    : conf.mountProgram
      ? { path: conf.mountProgram, source: conf.configFile }
      : undefined;
  const wantsVfs = (o.flagDriver ?? conf.driver) === 'vfs';
  // vfs needs no probe; everything else depends on whether native overlay works.
  const probe: OverlayProbe = wantsVfs
    ? { ok: false, reason: 'not probed: vfs selected' }
    : await probeNativeOverlay({ kernel, uid, gid, dataRoot: o.roots.dataRoot, cache, run: o.runProbe });
  let choice: StorageFacts['choice'];
  try {
    choice = {
      choice: chooseStorageDriver({
        kernel,
        rootless,
        flagDriver: o.flagDriver,
        confDriver: conf.driver ? { value: conf.driver, source: conf.configFile } : undefined,
        mountProgram: mp && { ...mp, executable: isExecutableFile(mp.path) },
        nativeOverlay: probe,
        fuseOverlayfs,
        devFuseRW,
      }),
    };
  } catch (err) {
    choice = { error: err as Error };
  }
  return { conf, fuseOverlayfs, devFuseRW, probe, choice };
}

export async function gatherHostFacts(o: GatherOptions): Promise<HostFacts> {
  const uid = process.getuid!();
  const gid = process.getgid!();
  const system = readSystemFacts();
  const cache = new HostCache(o.roots.runRoot);
  try {
    const network = probeNetwork(cache);
    const storage = await gatherStorage(o, uid, gid, system.kernel, cache);
    const maps = idMappingsOf(uid);
    return {
      uid,
      gid,
      user: userName(uid),
      rootless: uid !== 0,
      roots: o.roots,
      system,
      cgroup: probeCgroups(uid),
      network,
      security: readSecurityFacts(),
      storage,
      uidmap: maps.uidmap,
      gidmap: maps.gidmap,
      registriesSearch: readSearchRegistries(o.env),
    };
  } finally {
    cache.save();
  }
}

/**
 * For commands that mount a rootfs: the storage driver to use (from the same
 * flags, storage.conf and cached probe as `info`), or a HostPrerequisiteError
 * naming the fix when the configured driver cannot work here.
 */
export async function resolveStorageDriver(o: Omit<GatherOptions, 'env'>): Promise<DriverChoice> {
  const cache = new HostCache(o.roots.runRoot);
  try {
    const s = await gatherStorage(o, process.getuid!(), process.getgid!(), os.release(), cache);
    if ('error' in s.choice) throw s.choice.error;
    const { problem } = s.choice.choice;
    if (problem) throw new HostPrerequisiteError(problem.message, problem.fix);
    logDebugOnce(`Using graph driver ${s.choice.choice.driver}`);
    return s.choice.choice;
  } finally {
    cache.save();
  }
}

function canCreateIn(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What is at `p`, for the doctor's directory checks. */
export function dirFacts(p: string): DirFacts {
  try {
    const st = fs.statSync(p);
    return { path: p, stat: { isDir: st.isDirectory(), uid: st.uid, mode: st.mode, writable: canCreateIn(p) } };
  } catch {
    let up = path.dirname(p);
    while (up !== path.dirname(up) && !fs.existsSync(up)) up = path.dirname(up);
    return { path: p, ancestor: { path: up, writable: canCreateIn(up) } };
  }
}
