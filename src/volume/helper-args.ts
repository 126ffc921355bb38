// A container's mounts as the helper's `run` options (docs/helper-protocol.md,
// "Volumes and bind mounts"):
//   --bind SRC:DEST:OPTS      a host path or volume bound onto DEST
//   --tmpfs DEST:OPTS         a new tmpfs on DEST
// `\` and `:` in any field are escaped with `\`. OPTS is what the helper
// needs to know, comma-separated: ro nosuid nodev noexec, bind (not
// recursive), a propagation other than private, copyup / chown (a volume's
// first use), U (chown -R; Uchanged on a later start), uid=N,gid=N (the container's user, for chown and
// U), and for tmpfs size=, mode=, tmpcopyup. Mounts go in order of
// destination depth (podman's sort), so /a is mounted before /a/b. Pure.

import { TscRunError } from '../errors.js';
import { cleanPath } from './mount-spec.js';
import type { ContainerMount } from '../storage/volume-types.js';

/** What the helper does to a volume the first time it is mounted (volume.json's NeedsCopyUp / NeedsChown). */
export interface VolumeFirstUse {
  copyUp: boolean;
  chown: boolean;
}

/** A volume made with `--opt type=...`: mounted as that instead of its _data. */
export interface VolumeMountSource {
  type: string;
  device?: string | undefined;
  /** The `o` option, split on commas. */
  o: string[];
}

export interface MountArgsInput {
  mounts: readonly ContainerMount[];
  /** By volume name; absent = nothing to do on first use. */
  firstUse: ReadonlyMap<string, VolumeFirstUse>;
  /** By volume name, for volumes with a type. */
  typed: ReadonlyMap<string, VolumeMountSource>;
  /** The container's process user (in-namespace ids), for chown and U. */
  user: { uid: number; gid: number };
  /**
   * Its first start (podman: state Configured): U chowns -R; on a later one
   * only a source whose top is not the user's already (helper's Uchanged).
   */
  firstStart?: boolean;
}

export function escapeField(s: string): string {
  return s.replace(/[\\:]/g, (c) => `\\${c}`);
}

const PASSED = new Set(['ro', 'nosuid', 'nodev', 'noexec', 'bind', 'shared', 'rshared', 'slave', 'rslave', 'unbindable', 'runbindable', 'U', 'tmpcopyup']);

function depth(dest: string): number {
  return cleanPath(dest).split('/').filter(Boolean).length;
}

function helperOpts(options: readonly string[], extra: readonly string[], user: MountArgsInput['user'], laterStart = false): string {
  const out = options.filter((o) => PASSED.has(o) || o.startsWith('size=') || o.startsWith('mode='));
  out.push(...extra);
  if (out.includes('U') || out.includes('chown')) out.push(`uid=${user.uid}`, `gid=${user.gid}`);
  return out.map((o) => (o === 'U' && laterStart ? 'Uchanged' : o)).map(escapeField).join(',');
}

/** The o= words a tmpfs-typed volume passes on. */
function tmpfsWords(o: readonly string[]): string[] {
  return o.filter((w) => ['ro', 'nosuid', 'nodev', 'noexec'].includes(w) || w.startsWith('size=') || w.startsWith('mode='));
}

export function mountHelperArgs(i: MountArgsInput): string[] {
  const sorted = [...i.mounts].sort((a, b) => depth(a.destination) - depth(b.destination));
  const args: string[] = [];
  const later = i.firstStart === false;
  for (const m of sorted) {
    const dest = escapeField(cleanPath(m.destination));
    if (m.type === 'tmpfs') {
      args.push('--tmpfs', `${dest}:${helperOpts(m.options, [], i.user)}`);
      continue;
    }
    if (m.type === 'bind') {
      args.push('--bind', `${escapeField(m.source)}:${dest}:${helperOpts(m.options, [], i.user, later)}`);
      continue;
    }
    const typed = i.typed.get(m.name);
    if (typed) {
      if (typed.type === 'tmpfs') {
        args.push('--tmpfs', `${dest}:${helperOpts(m.options.filter((o) => o !== 'U'), tmpfsWords(typed.o), i.user)}`);
        continue;
      }
      if (!((typed.type === 'bind' || typed.type === 'none') && typed.device?.startsWith('/'))) {
        throw new TscRunError(`volume ${m.name}: mounting a ${JSON.stringify(typed.type)} filesystem is not supported rootless; only tmpfs and bind volumes are`);
      }
      const ro = typed.o.includes('ro') ? ['ro'] : [];
      args.push('--bind', `${escapeField(typed.device)}:${dest}:${helperOpts(m.options, ro, i.user, later)}`);
      continue;
    }
    const first = i.firstUse.get(m.name);
    const extra: string[] = [];
    if (first?.chown) extra.push('chown');
    if (first?.copyUp && !m.options.includes('nocopy')) extra.push('copyup');
    args.push('--bind', `${escapeField(m.source)}:${dest}:${helperOpts(m.options, extra, i.user, later)}`);
  }
  return args;
}
