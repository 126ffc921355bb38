// Entry records: how the helper's `fs` mode and Node describe files to each
// other (docs/helper-protocol.md, "fs"). One header line per entry, then one
// `x NAME HEX` line per xattr, then a file's data:
//
//   T PATH MODE UID GID SIZE SEC NSEC LINK NX
//
// T: f file, d dir, l symlink, h hard link, c/b device, p fifo. PATH is
// relative to the tree ("." is its top), percent-encoded like fixup lists;
// MODE octal permission bits; LINK `-`, or `=` + the encoded symlink target
// / first name of a hard link / `MAJOR:MINOR` of a device. Pure.

import { TscRunError } from '../errors.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface Xattr {
  name: string;
  value: Buffer;
}

export interface FsEntry {
  type: EntryType;
  /** Relative to the tree, `` for its top. */
  path: string;
  /** Permission bits, setuid/setgid/sticky included. */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of data that follow (files only). */
  size: number;
  mtime: { sec: number; nsec: number };
  /** Symlink target, or the path of an earlier entry a hard link names. */
  linkname?: string;
  /** Devices. */
  devmajor?: number;
  devminor?: number;
  xattrs: Xattr[];
}

const LETTER: Record<EntryType, string> = { file: 'f', dir: 'd', symlink: 'l', hardlink: 'h', char: 'c', block: 'b', fifo: 'p' };
const TYPE: Record<string, EntryType> = Object.fromEntries(Object.entries(LETTER).map(([t, l]) => [l, t as EntryType]));

export class RecordFormatError extends TscRunError {
  constructor(what: string) {
    super(`malformed entry record from the helper: ${what}`);
  }
}

function needsEscape(byte: number): boolean {
  return byte <= 0x20 || byte >= 0x7f || byte === 0x25;
}

/** Percent-encode a field byte-wise (`` → `.`). */
export function encodeField(value: string): string {
  if (value === '') return '.';
  let out = '';
  for (const b of Buffer.from(value, 'utf8')) out += needsEscape(b) ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  return out;
}

/** Inverse of encodeField (`.` → ``). */
export function decodeField(field: string): string {
  if (field === '.') return '';
  const bytes: number[] = [];
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c === 0x25) {
      const hex = field.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex) || hex === '00') throw new RecordFormatError(`bad escape in ${JSON.stringify(field)}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(c);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function int(s: string | undefined, what: string, base = 10): number {
  if (s === undefined || !(base === 8 ? /^[0-7]+$/ : /^-?\d+$/).test(s)) throw new RecordFormatError(`bad ${what} ${JSON.stringify(s)}`);
  const n = parseInt(s, base);
  if (!Number.isSafeInteger(n)) throw new RecordFormatError(`bad ${what} ${JSON.stringify(s)}`);
  return n;
}

/** A header line (without `\n`) → the entry (xattrs still to read) and how many xattr lines follow. */
export function parseHeader(line: string): { entry: FsEntry; xattrs: number } {
  const f = line.split(' ');
  if (f.length !== 10 || TYPE[f[0]!] === undefined) throw new RecordFormatError(JSON.stringify(line));
  const type = TYPE[f[0]!]!;
  const entry: FsEntry = {
    type,
    path: decodeField(f[1]!),
    mode: int(f[2], 'mode', 8),
    uid: int(f[3], 'uid'),
    gid: int(f[4], 'gid'),
    size: int(f[5], 'size'),
    mtime: { sec: int(f[6], 'mtime'), nsec: int(f[7], 'nsec') },
    xattrs: [],
  };
  const link = f[8]!;
  if (link !== '-') {
    if (!link.startsWith('=')) throw new RecordFormatError(`bad link field ${JSON.stringify(link)}`);
    const v = decodeField(link.slice(1));
    if (type === 'char' || type === 'block') {
      const m = /^(\d+):(\d+)$/.exec(v);
      if (!m) throw new RecordFormatError(`bad device numbers ${JSON.stringify(v)}`);
      entry.devmajor = Number(m[1]);
      entry.devminor = Number(m[2]);
    } else {
      entry.linkname = v;
    }
  }
  return { entry, xattrs: int(f[9], 'xattr count') };
}

export function parseXattrLine(line: string): Xattr {
  const f = line.split(' ');
  if (f.length !== 3 || f[0] !== 'x' || !/^(?:[0-9a-f]{2})*$/i.test(f[2]!)) throw new RecordFormatError(JSON.stringify(line));
  return { name: decodeField(f[1]!), value: Buffer.from(f[2]!, 'hex') };
}

/** Header and xattr lines of an entry (each ending in `\n`); its data follows them. */
export function encodeEntry(e: FsEntry): string {
  let link = '-';
  if (e.type === 'char' || e.type === 'block') link = `=${e.devmajor ?? 0}:${e.devminor ?? 0}`;
  else if (e.linkname !== undefined) link = `=${encodeField(e.linkname)}`;
  const size = e.type === 'file' ? e.size : 0;
  let out = `${LETTER[e.type]} ${encodeField(e.path)} ${(e.mode & 0o7777).toString(8)} ${e.uid} ${e.gid} ${size} ${e.mtime.sec} ${e.mtime.nsec} ${link} ${e.xattrs.length}\n`;
  for (const x of e.xattrs) out += `x ${encodeField(x.name)} ${x.value.toString('hex')}\n`;
  return out;
}

/** `stat` answers: where PATH resolves inside the root, and what is there. */
export type StatAnswer =
  | { exists: true; kind: 'file' | 'dir' | 'symlink' | 'other'; resolved: string }
  | { exists: false; resolved: string; parentExists: boolean };

export function parseStatAnswer(line: string): StatAnswer {
  const f = line.split(' ');
  if (f[0] === 'ok' && f.length === 3) {
    const kinds: Record<string, 'file' | 'dir' | 'symlink' | 'other'> = { f: 'file', d: 'dir', l: 'symlink', o: 'other' };
    const kind = kinds[f[1]!];
    if (kind) return { exists: true, kind, resolved: decodeField(f[2]!) || '/' };
  }
  if (f[0] === 'absent' && f.length === 3 && (f[2] === '0' || f[2] === '1')) {
    return { exists: false, resolved: decodeField(f[1]!) || '/', parentExists: f[2] === '1' };
  }
  throw new RecordFormatError(`bad stat answer ${JSON.stringify(line)}`);
}
