// Mount option lists as podman 4.3 checks and completes them: the `-v`
// option check (containers/common's ValidateVolumeOpts) and the final list
// a mount gets (podman's util.ProcessOptions: rw, rprivate, the source
// filesystem's nosuid/nodev/noexec, tmpcopyup, rbind added when missing).
// Pure; podman's messages.

import { UsageError } from '../errors.js';

const PROPAGATION = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'unbindable', 'runbindable']);

export function isPropagation(opt: string): boolean {
  return PROPAGATION.has(opt);
}

/** The `-v` check: at most one of each kind; unknown words refused. Returns the options kept. */
export function validateVolumeOpts(options: readonly string[]): string[] {
  const seen = new Map<string, number>();
  const out: string[] = [];
  const joined = options.join(', ');
  const once = (kind: string, what: string): void => {
    const n = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, n);
    if (n > 1) throw new UsageError(`invalid options ${JSON.stringify(joined)}, can only specify 1 ${what} option`);
  };
  for (const opt of options) {
    if (opt.includes('upperdir')) {
      once('upperdir', 'upperdir per overlay');
    } else if (opt.includes('workdir')) {
      once('workdir', 'workdir per overlay');
    } else if (opt.startsWith('idmap')) {
      // kept; refused later as unsupported
    } else {
      switch (opt) {
        case 'noexec': case 'exec': once('exec', "'noexec' or 'exec'"); break;
        case 'nodev': case 'dev': once('dev', "'nodev' or 'dev'"); break;
        case 'nosuid': case 'suid': once('suid', "'nosuid' or 'suid'"); break;
        case 'rw': case 'ro': once('rw', "'rw' or 'ro'"); break;
        case 'z': case 'Z': case 'O': once('label', "'z', 'Z', or 'O'"); break;
        case 'U': once('U', "'U'"); break;
        case 'bind': case 'rbind': once('bind', "'[r]bind'"); break;
        case 'copy': case 'nocopy': once('copy', "'copy' or 'nocopy'"); break;
        case 'cached': case 'delegated':
          continue; // macOS options Docker drops too
        default:
          if (isPropagation(opt)) {
            once('propagation', "'[r]shared', '[r]private', '[r]slave' or '[r]unbindable'");
            break;
          }
          throw new UsageError(`invalid option type ${JSON.stringify(opt)}`);
      }
    }
    out.push(opt);
  }
  return out;
}

/** The mount flags of the filesystem a bind source lives on (none known: named volumes, tmpfs). */
export interface SourceFlags {
  nosuid: boolean;
  nodev: boolean;
  noexec: boolean;
}

/** What podman assumes without a source path: nosuid and nodev, exec allowed. */
export const NO_SOURCE_FLAGS: SourceFlags = { nosuid: true, nodev: true, noexec: false };

const bad = (msg: string) => new UsageError(`${msg}: invalid mount option`);
const dupe = (msg: string) => new UsageError(`${msg}: duplicate mount option passed`);

/** podman's ProcessOptions: the options a bind, volume or tmpfs mount ends up with. */
export function processOptions(options: readonly string[], tmpfs: boolean, source: SourceFlags): string[] {
  const found = new Set<string>();
  const first = (kind: string, err: () => UsageError): void => {
    if (found.has(kind)) throw err();
    found.add(kind);
  };
  const out: string[] = [];
  for (const opt of options) {
    const name = opt.split('=', 1)[0]!;
    if (name.startsWith('idmap')) {
      out.push(opt);
      continue;
    }
    switch (name) {
      case 'copy': case 'nocopy': first('copy', () => dupe("only one of 'nocopy' and 'copy' can be used")); break;
      case 'volume-opt': break;
      case 'exec': case 'noexec': first('exec', () => dupe("only one of 'noexec' and 'exec' can be used")); break;
      case 'suid': case 'nosuid': first('suid', () => dupe("only one of 'nosuid' and 'suid' can be used")); break;
      case 'dev': case 'nodev': first('dev', () => dupe("only one of 'nodev' and 'dev' can be used")); break;
      case 'rw': case 'ro': first('rw', () => dupe("only one of 'rw' and 'ro' can be used")); break;
      case 'U': case 'chown': first('U', () => dupe("the 'U' or 'chown' option can only be set once")); break;
      case 'size':
        if (!tmpfs) throw bad("the 'size' option is only allowed with tmpfs mounts");
        first('size', () => dupe('only one tmpfs size can be specified'));
        break;
      case 'mode':
        if (!tmpfs) throw bad("the 'mode' option is only allowed with tmpfs mounts");
        first('mode', () => dupe('only one tmpfs mode can be specified'));
        break;
      case 'tmpcopyup': case 'notmpcopyup':
        if (!tmpfs) throw bad(`the '${name}' option is only allowed with tmpfs mounts`);
        first('copyup', () => dupe("the 'tmpcopyup' or 'notmpcopyup' option can only be set once"));
        if (name === 'notmpcopyup') continue; // not passed on, as podman
        break;
      case 'bind': case 'rbind':
        if (tmpfs) throw bad("the 'bind' and 'rbind' options are not allowed with tmpfs mounts");
        first('bind', () => dupe("only one of 'rbind' and 'bind' can be used"));
        break;
      case 'z': case 'Z':
        if (tmpfs) throw bad("the 'z' and 'Z' options are not allowed with tmpfs mounts");
        first('z', () => dupe("only one of 'z' and 'Z' can be used"));
        break;
      default:
        if (isPropagation(name)) {
          first('propagation', () => dupe('only one root propagation mode can be used'));
          break;
        }
        throw bad(`unknown mount option ${JSON.stringify(opt)}`);
    }
    out.push(opt);
  }
  if (!found.has('rw')) out.push('rw');
  if (!found.has('propagation')) out.push('rprivate');
  if (!found.has('exec') && source.noexec) out.push('noexec');
  if (!found.has('suid') && source.nosuid) out.push('nosuid');
  if (!found.has('dev') && source.nodev) out.push('nodev');
  if (tmpfs && !found.has('copyup')) out.push('tmpcopyup');
  if (!tmpfs && !found.has('bind')) out.push('rbind');
  return out;
}
