// Does native overlay (with `userxattr`) work in a user namespace here?
// The helper answers by trying it on the data root's filesystem; the answer
// is cached in the runtime root per kernel release, uid and data root, like
// podman caches its overlay checks, so only the first `info` pays for it.

import fs from 'node:fs';
import path from 'node:path';
import { runHelper } from './helper/helper.js';
import { hostUserNamespace, type UserNamespacePlan } from './preflight.js';
import { findExecutable } from './executables.js';
import type { HostCache } from './host-cache.js';
import type { OverlayProbe } from './storage-driver.js';

/** Runs the helper's `probe-overlay SCRATCH` and reports its exit code and output. */
export type HelperRunner = (scratch: string) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

export interface OverlayProbeOptions {
  kernel: string;
  uid: number;
  gid: number;
  dataRoot: string;
  cache: HostCache;
  /** Default: the real helper (helperProbeRunner). */
  run?: HelperRunner;
}

/** A namespace mapping only our own ids, when the subordinate ranges are not usable. Pure. */
export function selfOnlyUserns(uid: number, gid: number, newuidmap: string, newgidmap: string): UserNamespacePlan {
  if (uid === 0) return { kind: 'none' };
  return {
    kind: 'rootless',
    maps: { uid: [{ container: 0, host: uid, count: 1 }], gid: [{ container: 0, host: gid, count: 1 }] },
    newuidmap,
    newgidmap,
  };
}

/**
 * The probe runs in the same user namespace containers get. When this user
 * has no usable subordinate ranges (doctor reports that apart), it still
 * tries with only its own ids mapped, which newuidmap allows.
 */
export function helperProbeRunner(uid: number, gid: number): HelperRunner {
  let userns: UserNamespacePlan;
  try {
    userns = hostUserNamespace();
  } catch {
    userns = selfOnlyUserns(uid, gid, findExecutable('newuidmap') ?? '/usr/bin/newuidmap', findExecutable('newgidmap') ?? '/usr/bin/newgidmap');
  }
  return (scratch) => runHelper({ mode: 'probe-overlay', args: [scratch], userns });
}

/**
 * Pure: the helper's answer → a probe result. Exit 0/1 is the kernel's
 * verdict (worth caching); anything else is the helper failing to set up
 * the namespace, which may be fixed any minute.
 */
export function probeResultOf(exitCode: number, stdout: string, stderr: string): OverlayProbe & { definitive: boolean } {
  const line = stdout.trim().split('\n').pop() ?? '';
  if (exitCode === 0 && line === 'ok') return { ok: true, reason: 'ok', definitive: true };
  if (exitCode === 1 && line) return { ok: false, reason: line, definitive: true };
  const why = stderr.trim().replace(/^tsc-run-helper:\s*/, '').split('\n')[0] || line;
  return { ok: false, untested: true, reason: `the probe exited with ${exitCode}${why ? ': ' + why : ''}`, definitive: false };
}

export async function probeNativeOverlay(o: OverlayProbeOptions): Promise<OverlayProbe> {
  const hit = o.cache.get().overlay;
  if (hit && hit.kernel === o.kernel && hit.uid === o.uid && hit.dataRoot === o.dataRoot) {
    return { ok: hit.ok, reason: hit.reason };
  }
  let scratch: string;
  try {
    // The probe must run on the filesystem that will hold the layers.
    fs.mkdirSync(o.dataRoot, { recursive: true, mode: 0o700 });
    scratch = fs.mkdtempSync(path.join(o.dataRoot, '.probe-overlay-'));
  } catch (err) {
    // Not cached: the data root may become writable later.
    return { ok: false, untested: true, reason: `cannot create a scratch directory in ${o.dataRoot}: ${(err as Error).message}` };
  }
  let result: ReturnType<typeof probeResultOf>;
  try {
    const r = await (o.run ?? helperProbeRunner(o.uid, o.gid))(scratch);
    result = probeResultOf(r.exitCode, r.stdout, r.stderr);
  } catch (err) {
    return { ok: false, untested: true, reason: (err as Error).message.replace(/^tsc-run-helper:\s*/, 'helper: ') };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (result.definitive) {
    o.cache.update((d) => {
      d.overlay = { kernel: o.kernel, uid: o.uid, dataRoot: o.dataRoot, ok: result.ok, reason: result.reason };
    });
  }
  return result.definitive ? { ok: result.ok, reason: result.reason } : { ok: false, untested: true, reason: result.reason };
}
