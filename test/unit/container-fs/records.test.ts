import { describe, expect, it } from 'vitest';
import { decodeField, encodeEntry, encodeField, parseHeader, parseStatAnswer, parseXattrLine, type FsEntry } from '../../../src/container-fs/records.js';

const base: FsEntry = { type: 'file', path: 'etc/passwd', mode: 0o644, uid: 0, gid: 0, size: 5, mtime: { sec: 1700000000, nsec: 12 }, xattrs: [] };

describe('entry records', () => {
  it('encode fields byte-wise: spaces, controls, %, DEL and non-ASCII as %XX, the top as "."', () => {
    expect(encodeField('')).toBe('.');
    expect(encodeField('a b%c\n')).toBe('a%20b%25c%0A');
    expect(encodeField('é')).toBe('%C3%A9');
    expect(decodeField('%C3%A9x%20')).toBe('éx ');
    expect(decodeField('.')).toBe('');
    expect(() => decodeField('%00')).toThrow(/bad escape/);
    expect(() => decodeField('%G1')).toThrow(/bad escape/);
  });

  it('round-trip every entry type through header and xattr lines', () => {
    const entries: FsEntry[] = [
      { ...base, xattrs: [{ name: 'user.k y', value: Buffer.from([0, 1, 0xff]) }] },
      { ...base, type: 'dir', path: '', mode: 0o1777, size: 0 },
      { ...base, type: 'symlink', path: 'bin/sh', linkname: '/bin/busy box', size: 0 },
      { ...base, type: 'hardlink', path: 'b', linkname: 'a b', size: 0 },
      { ...base, type: 'char', path: 'dev/null', devmajor: 1, devminor: 3, size: 0 },
      { ...base, type: 'fifo', path: 'p', mode: 0o4755, uid: 100000, gid: 65534, size: 0, mtime: { sec: -5, nsec: 0 } },
    ];
    for (const e of entries) {
      const [header, ...xlines] = encodeEntry(e).trimEnd().split('\n');
      const { entry, xattrs } = parseHeader(header!);
      expect(xattrs).toBe(e.xattrs.length);
      entry.xattrs = xlines.map(parseXattrLine);
      expect(entry).toEqual(e);
    }
  });

  it('parse the helper\'s records as it writes them', () => {
    const { entry } = parseHeader('l dir1/rel 777 1001 1001 0 1795349950 166013647 =../../../../etc 0');
    expect(entry).toMatchObject({ type: 'symlink', path: 'dir1/rel', mode: 0o777, uid: 1001, linkname: '../../../../etc' });
    expect(parseHeader('c etc/motd 0 0 0 0 17 0 =0:0 0').entry).toMatchObject({ type: 'char', devmajor: 0, devminor: 0 });
  });

  it('refuse malformed records', () => {
    for (const bad of ['', 'f a 644 0 0 1 0 0 - ', 'z a 644 0 0 1 0 0 - 0', 'f a 9 0 0 1 0 0 - 0', 'f a 644 0 0 x 0 0 - 0', 'f a 644 0 0 1 0 0 -x 0', 'c d 0 0 0 0 0 0 =1 0']) {
      expect(() => parseHeader(bad), bad).toThrow(/malformed entry record/);
    }
    expect(() => parseXattrLine('x name zz')).toThrow();
  });

  it('read stat answers', () => {
    expect(parseStatAnswer('ok d /etc')).toEqual({ exists: true, kind: 'dir', resolved: '/etc' });
    expect(parseStatAnswer('ok f /etc/pass%20wd')).toEqual({ exists: true, kind: 'file', resolved: '/etc/pass wd' });
    expect(parseStatAnswer('absent /nope/x 0')).toEqual({ exists: false, resolved: '/nope/x', parentExists: false });
    expect(parseStatAnswer('absent /x 1')).toEqual({ exists: false, resolved: '/x', parentExists: true });
    expect(() => parseStatAnswer('maybe /x')).toThrow();
  });
});
