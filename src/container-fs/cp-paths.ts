// podman cp's path rules (cmd/podman/containers/cp.go, pkg/copy): which
// argument names a container, how a container path is made absolute, how a
// trailing `/` or `/.` survives resolution, and how entries are named at
// the destination (a directory's own name kept or not, the top renamed for
// a copy onto a new or an existing file's name). Pure.

import path from 'node:path';
import { UsageError } from '../errors.js';

export interface CpEnd {
  /** The container as given, or undefined for the local machine. */
  container?: string;
  path: string;
}

/** `[CONTAINER:]PATH`: a path starting with `.` or `/` is never a container's (podman's parseUserInput). */
export function parseCpEnd(input: string): CpEnd {
  if (input === '' || input.startsWith('.') || input.startsWith('/')) return { path: input };
  const i = input.indexOf(':');
  return i < 0 ? { path: input } : { container: input.slice(0, i), path: input.slice(i + 1) };
}

export interface CpArgs {
  src: CpEnd;
  dest: CpEnd;
}

/** Both ends, with podman's refusals (exactly one container, both paths given). */
export function parseCpArgs(source: string, destination: string): CpArgs {
  const src = parseCpEnd(source);
  const dest = parseCpEnd(destination);
  if (src.path === '' || dest.path === '') {
    throw new UsageError(`invalid arguments ${JSON.stringify(source)}, ${JSON.stringify(destination)}: you must specify paths`);
  }
  // podman 4.3 looks the empty container name up, and says so.
  if (src.container === undefined && dest.container === undefined) throw new UsageError('name or ID cannot be empty');
  if ((src.container ?? dest.container) === '') throw new UsageError('name or ID cannot be empty');
  return { src, dest };
}

/** A container path made absolute: relative ones are relative to the working directory; `/` means its contents (`/.`). */
export function containerPathAbs(p: string, workingDir: string): string {
  let abs = p;
  if (!p.startsWith('/')) {
    // join keeps a trailing `/` but drops a trailing `/.`, which the copy rules need.
    const joined = path.posix.join('/', workingDir || '/', p);
    abs = /(^|\/)\.$/.test(p) ? joined.replace(/\/?$/, '/.') : joined;
  }
  return abs === '/' ? '/.' : abs;
}

/** podman's PreserveBasePath: resolution drops a trailing `/` or `/.` that the copy rules need. */
export function preserveBasePath(original: string, resolved: string): string {
  if (resolved.endsWith('/')) return resolved;
  if (original.endsWith('/.')) return `${resolved}/.`;
  if (original.endsWith('/')) return `${resolved}/`;
  return resolved;
}

/** Does the path end in `/.` (copy a directory's contents)? */
export function endsWithDot(p: string): boolean {
  return p === '.' || p.endsWith('/.');
}

/** Base name as Go's filepath.Base (trailing slashes ignored; `/` for the root). */
export function baseName(p: string): string {
  const t = p.replace(/\/+$/, '');
  if (t === '') return p.startsWith('/') ? '/' : '.';
  return t.slice(t.lastIndexOf('/') + 1);
}

/** Directory part as Go's filepath.Dir: all but the last element, cleaned (`/etc/.` → `/etc`). */
export function dirName(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  const dir = path.posix.normalize(p.slice(0, i + 1));
  return dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
}

/**
 * How entries of a walked tree are named at the destination. The walk
 * names its top `` and everything under it relative to that; `keepTop`
 * keeps a directory's own name (`etc/passwd`), otherwise only its contents
 * travel (`passwd`, for `SRC/.`); `rename` replaces the top name (a copy to
 * a new name, or onto an existing file).
 */
export interface Naming {
  topName: string;
  keepTop: boolean;
  rename?: string | undefined;
}

/** The destination-relative name of a walked entry, or undefined for a top directory whose contents alone are copied. */
export function destinationName(walkPath: string, n: Naming): string | undefined {
  const top = n.rename ?? n.topName;
  if (n.keepTop) return walkPath === '' ? top : `${top}/${walkPath}`;
  return walkPath === '' ? undefined : walkPath;
}

/**
 * A tar entry name from stdin, cleaned as a chroot would see it: `..` never
 * climbs above the destination (podman's copier joins names onto the root),
 * `./` and empty components vanish; `` is the destination itself.
 */
export function cleanArchiveName(name: string): string {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** A container mount cp can reach on the host: a volume's _data or a bind mount's source. */
export interface CpMount {
  type: string;
  source?: string;
  destination: string;
}

/**
 * The volume or bind mount an absolute container path falls in (the
 * deepest one), and the path inside it, as podman's resolvePath: matched on
 * the path as given, before any symlink in it is resolved. The trailing
 * `/` or `/.` of the path is kept.
 */
export function mountFor(mounts: readonly CpMount[], abs: string): { mount: CpMount & { source: string }; rest: string } | undefined {
  const clean = path.posix.normalize(abs).replace(/(.)\/+$/, '$1');
  let best: (CpMount & { source: string }) | undefined;
  let bestDest = '';
  for (const m of mounts) {
    if ((m.type !== 'volume' && m.type !== 'bind') || m.source === undefined) continue;
    const dest = path.posix.normalize(m.destination).replace(/(.)\/+$/, '$1');
    if ((clean === dest || clean.startsWith(`${dest}/`)) && dest.length > bestDest.length) {
      best = { ...m, source: m.source };
      bestDest = dest;
    }
  }
  if (!best) return undefined;
  const inner = clean.slice(bestDest.length) || '/';
  const rest = inner === '/' ? inner : preserveBasePath(abs, inner);
  return { mount: best, rest: rest === '/' && endsWithDot(abs) ? '/.' : rest };
}
