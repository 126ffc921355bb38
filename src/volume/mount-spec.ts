// The run/create mount flags as podman 4.3 parses them, with its messages:
//   -v [SRC:]DEST[:OPTS]       SRC starting with / or . is a host path, else a volume name;
//                              DEST alone is an anonymous volume
//   --mount type=bind|volume|tmpfs,src=..,dst=..,OPTS   (a CSV line)
//   --tmpfs DEST[:OPTS]
// Pure: host paths are checked and options completed by mount-plan.ts.

import path from 'node:path';
import { UsageError } from '../errors.js';
import { validateVolumeOpts } from './mount-options.js';

export type MountRequest =
  /** source as typed (relative ones are resolved against the working directory later). */
  | { kind: 'bind'; source: string; destination: string; options: string[] }
  /** name '' = a new anonymous volume. */
  | { kind: 'volume'; name: string; destination: string; options: string[] }
  | { kind: 'tmpfs'; destination: string; options: string[] };

const VOLUME_FORMAT = 'incorrect volume format, should be [host-dir:]ctr-dir[:option]';
const MOUNT_FORMAT = 'incorrect mount format: should be --mount type=<bind|tmpfs|volume>,[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]';
const argError = (msg: string) => new UsageError(`${msg}: must provide an argument for option`);
const badOption = (name: string) => new UsageError(`${name}: invalid mount option`);

/** containers/common's ValidateVolumeCtrDir. */
export function checkContainerDir(dir: string): void {
  if (dir === '') throw new UsageError('container directory cannot be empty');
  if (!dir.startsWith('/')) throw new UsageError(`invalid container path ${JSON.stringify(dir)}, must be an absolute path`);
}

/** Go's path.Clean for an absolute path. */
export function cleanPath(p: string): string {
  return path.posix.normalize(p).replace(/(.)\/$/, '$1');
}

/** One `-v` value. */
export function parseVolumeFlag(spec: string): MountRequest {
  const parts = spec.split(':');
  if (parts.length > 3) throw new UsageError(`${spec}: ${VOLUME_FORMAT}`);
  const src = parts.length === 1 ? '' : parts[0]!;
  const destination = parts.length === 1 ? parts[0]! : parts[1]!;
  const options = parts.length > 2 ? validateVolumeOpts(parts[2]!.split(',')) : [];
  if (parts.length > 1 && src === '') throw new UsageError('host directory cannot be empty');
  checkContainerDir(destination);
  if (src.startsWith('/') || src.startsWith('.')) {
    if (options.includes('O')) throw new UsageError('overlay volume mounts (:O) are not supported');
    return { kind: 'bind', source: src, destination, options };
  }
  return { kind: 'volume', name: src, destination, options };
}

/** One `--tmpfs` value: DEST[:OPTS]. */
export function parseTmpfsFlag(spec: string): MountRequest {
  const parts = spec.split(':');
  checkContainerDir(parts[0]!);
  return { kind: 'tmpfs', destination: cleanPath(parts[0]!), options: parts.length > 1 ? parts[1]!.split(',') : [] };
}

/** Go's encoding/csv for one line: fields split on commas, "quoted" fields with "" for a quote. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new UsageError(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new UsageError(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
    } else {
      const end = line.indexOf(',', i);
      field = end < 0 ? line.slice(i) : line.slice(i, end);
      if (field.includes('"')) throw new UsageError(`parse error on line 1, column ${i + field.indexOf('"') + 1}: bare " in non-quoted-field`);
      i = end < 0 ? line.length : end;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/** `ro`, `ro=true|false`, `rw`, `readonly`...: the option to keep, if any. */
function readWrite(name: string, value: string | undefined, arg: string, what: string): string | undefined {
  const word = name === 'readonly' ? 'ro' : name;
  if (value === undefined) return word;
  switch (value.toLowerCase()) {
    case 'true': return word;
    case 'false': return word === 'rw' ? 'ro' : undefined; // ro=false is the default
    default:
      if (arg.split('=').length > 2) throw argError(`badly formatted option ${JSON.stringify(arg)}`);
      throw argError(`${what} must be set to true or false, instead received ${JSON.stringify(value)}`);
  }
}

/** `U`, `U=true|false`, `chown=...`: whether to chown. */
function chownFlag(value: string | undefined, arg: string): boolean {
  if (value === undefined) return true;
  if (arg.split('=').length > 2) throw argError(`badly formatted option ${JSON.stringify(arg)}`);
  switch (value.toLowerCase()) {
    case 'true': return true;
    case 'false': return false;
    default: throw argError(`'U' or 'chown' must be set to true or false, instead received ${JSON.stringify(value)}`);
  }
}

type MountType = 'bind' | 'volume' | 'tmpfs';

/** The options of one `--mount` entry of a type, podman 4.3's per-type rules. */
function parseMountTokens(type: MountType, tokens: readonly string[]): { source?: string; destination?: string; options: string[] } {
  const options: string[] = [];
  const set = new Set<string>();
  const once = (kind: string, msg: string): void => {
    if (set.has(kind)) throw argError(msg);
    set.add(kind);
  };
  let source: string | undefined;
  let destination: string | undefined;
  for (const arg of tokens) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const value = eq < 0 ? undefined : arg.slice(eq + 1);
    switch (name) {
      case 'readonly':
      case 'ro':
      case 'rw': {
        if (name === 'readonly' && type !== 'bind') throw badOption(name);
        once('rw', type === 'bind' ? "cannot pass 'readonly', 'ro', or 'rw' options more than once" : "cannot pass 'ro' and 'rw' options more than once");
        const o = readWrite(name, value, arg, type === 'bind' ? "'readonly', 'ro', or 'rw'" : "'ro' or 'rw'");
        if (o) options.push(o);
        break;
      }
      case 'nosuid': case 'suid': once('suid', "cannot pass 'nosuid' and 'suid' options more than once"); options.push(name); break;
      case 'nodev': case 'dev': once('dev', "cannot pass 'nodev' and 'dev' options more than once"); options.push(name); break;
      case 'noexec': case 'exec': once('exec', "cannot pass 'noexec' and 'exec' options more than once"); options.push(name); break;
      case 'U':
      case 'chown':
        once('U', "cannot pass 'U' or 'chown' option more than once");
        if (chownFlag(value, arg)) options.push('U');
        break;
      case 'consistency':
        break; // Docker ignores it on Linux; so does podman
      case 'src':
      case 'source':
        if (type === 'tmpfs') throw new UsageError('source is not supported with tmpfs mounts');
        if (value === undefined) throw argError(name);
        if (type === 'bind' && value === '') throw argError('host directory cannot be empty');
        source = value;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        if (value === undefined) throw argError(name);
        checkContainerDir(value);
        destination = cleanPath(value);
        break;
      default:
        if (type === 'bind') {
          if (name === 'bind-nonrecursive') { options.push('bind'); break; }
          if (['shared', 'rshared', 'private', 'rprivate', 'slave', 'rslave', 'unbindable', 'runbindable', 'Z', 'z'].includes(name)) { options.push(name); break; }
          if (name === 'bind-propagation') {
            if (value === undefined) throw argError(name);
            options.push(value);
            break;
          }
          if (name === 'relabel') {
            once('relabel', "cannot pass 'relabel' option more than once");
            if (value === 'private') options.push('Z');
            else if (value === 'shared') options.push('z');
            else throw badOption(`${name} mount option must be 'private' or 'shared'`);
            break;
          }
          if (name === 'idmap') { options.push(arg); break; }
        } else if (type === 'tmpfs') {
          if (name === 'tmpcopyup' || name === 'notmpcopyup') {
            once('copyup', "cannot pass 'tmpcopyup' and 'notmpcopyup' options more than once");
            options.push(name);
            break;
          }
          if (name === 'tmpfs-mode' || name === 'tmpfs-size') {
            if (value === undefined) throw argError(name);
            options.push(`${name === 'tmpfs-mode' ? 'mode' : 'size'}=${value}`);
            break;
          }
        } else {
          if (name === 'volume-opt') { options.push(arg); break; }
          if (name === 'volume-label') throw new UsageError('the --volume-label option is not presently implemented');
        }
        throw badOption(name);
    }
  }
  if (destination === undefined) throw new UsageError('must set volume destination');
  return { source, destination, options };
}

/** One `--mount` value. */
export function parseMountFlag(spec: string): MountRequest {
  let type: string | undefined;
  const tokens: string[] = [];
  for (const field of splitCsvLine(spec)) {
    const kv = field.split('=');
    if (type === undefined && kv.length === 2 && kv[0] === 'type') type = kv[1]!;
    else tokens.push(field);
  }
  if (type === undefined) throw new UsageError(MOUNT_FORMAT);
  if (type === 'devpts' || type === 'image') throw new UsageError(`--mount type=${type} is not supported`);
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') throw new UsageError(`invalid filesystem type ${JSON.stringify(type)}`);
  const m = parseMountTokens(type, tokens);
  const destination = m.destination!;
  if (type === 'tmpfs') return { kind: 'tmpfs', destination, options: m.options };
  if (type === 'volume') return { kind: 'volume', name: m.source ?? '', destination, options: m.options };
  return { kind: 'bind', source: m.source ?? destination, destination, options: validateVolumeOpts(m.options) };
}

export interface MountFlags {
  volume?: readonly string[] | undefined;
  mount?: readonly string[] | undefined;
  tmpfs?: readonly string[] | undefined;
}

/**
 * Every mount flag, in podman's order (--mount, then -v, then --tmpfs), with
 * its duplicate check on the (cleaned) destination. A value given twice
 * counts once, as podman's flag parsing does.
 */
export function parseMountFlags(f: MountFlags): MountRequest[] {
  const out: MountRequest[] = [];
  const taken = new Set<string>();
  const add = (r: MountRequest): void => {
    const key = cleanPath(r.destination);
    if (taken.has(key)) throw new UsageError(`${r.destination}: duplicate mount destination`);
    taken.add(key);
    out.push(r);
  };
  const unique = (values: readonly string[] | undefined) => [...new Set(values ?? [])];
  for (const s of unique(f.mount)) add(parseMountFlag(s));
  for (const s of unique(f.volume)) add(parseVolumeFlag(s));
  for (const s of unique(f.tmpfs)) add(parseTmpfsFlag(s));
  return out;
}
