// The mount flags (nosuid, nodev, noexec) of the filesystem a host path is
// on, which podman reads with statfs(2) to default a bind's options; Node's
// statfs has no flags, so they come from /proc/self/mountinfo.

import fs from 'node:fs';
import type { SourceFlags } from './mount-options.js';

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The per-mount flags of the mount holding `realPath` (the last of the longest mount points above it). Pure. */
export function flagsFromMountinfo(mountinfo: string, realPath: string): SourceFlags {
  let best: { len: number; opts: string[] } | undefined;
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f.length < 6) continue;
    const mp = unescape(f[4]!);
    const under = mp === '/' || realPath === mp || realPath.startsWith(mp + '/');
    if (!under || (best && mp.length < best.len)) continue;
    best = { len: mp.length, opts: f[5]!.split(',') };
  }
  const opts = new Set(best?.opts ?? []);
  return { nosuid: opts.has('nosuid'), nodev: opts.has('nodev'), noexec: opts.has('noexec') };
}

export function sourceFlags(realPath: string): SourceFlags {
  return flagsFromMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'), realPath);
}
