import { describe, expect, it } from 'vitest';
import {
  UnsafeLayerEntryError,
  ancestorsOf,
  checkSymlink,
  entryPath,
  hardlinkTarget,
  resolveSymlinkTarget,
} from '../../../../src/storage/layers/path-safety.js';
import { classifyWhiteout } from '../../../../src/storage/layers/whiteout.js';

describe('entryPath', () => {
  it.each([
    ['./', ''],
    ['.', ''],
    ['./bin/', 'bin'],
    ['bin//sh', 'bin/sh'],
    ['./a/./b', 'a/b'],
    ['etc/.wh.passwd', 'etc/.wh.passwd'],
    ['...', '...'],
    ['a/..b', 'a/..b'],
  ])('%j → %j', (raw, want) => {
    expect(entryPath(raw)).toBe(want);
  });

  it.each([
    ['../x', '".." component'],
    ['a/../../x', '".." component'],
    ['a/..', '".." component'],
    ['/etc/passwd', 'absolute path'],
    ['//x', 'absolute path'],
  ])('refuses %j (%s), naming the entry', (raw, why) => {
    expect(() => entryPath(raw)).toThrow(UnsafeLayerEntryError);
    expect(() => entryPath(raw)).toThrow(`refusing layer entry ${JSON.stringify(raw)}`);
    expect(() => entryPath(raw)).toThrow(why);
  });
});

describe('symlink targets', () => {
  it.each([
    ['bin/sh', 'busybox', 'bin/busybox'],
    ['bin/sh', '/bin/busybox', 'bin/busybox'],
    ['usr/lib/x', '../../lib/x', 'lib/x'],
    ['lnk', '.', ''],
  ])('%s -> %s resolves inside the layer', (link, target, want) => {
    expect(resolveSymlinkTarget(link, target)).toBe(want);
  });

  it('stops `..` at the root, as the kernel does inside the container', () => {
    expect(resolveSymlinkTarget('a/b', '../../x')).toBe('x');
    expect(resolveSymlinkTarget('usr/bin/env', '../../../../bin/busybox')).toBe('bin/busybox');
    expect(resolveSymlinkTarget('a/b', '/../../etc')).toBe('etc');
  });

  it('stores targets that climb above the root as they are (real images have them)', () => {
    expect(() => checkSymlink('usr/bin/env', 'usr/bin/env', '../../../../bin/busybox')).not.toThrow();
    expect(() => checkSymlink('./evil', 'evil', '../../../../etc')).not.toThrow();
  });

  it('refuses targets no file system holds', () => {
    expect(() => checkSymlink('lib/x', 'lib/x', '')).toThrow(/refusing layer entry "lib\/x": symlink with an empty target/);
    expect(() => checkSymlink('x', 'x', 'a\0b')).toThrow(/NUL byte/);
  });

  it('accepts absolute targets: they point into the container root', () => {
    expect(() => checkSymlink('etc/mtab', 'etc/mtab', '/proc/self/mounts')).not.toThrow();
  });
});

describe('hardlink targets', () => {
  it('are archive paths, cleaned', () => {
    expect(hardlinkTarget('b', './bin/busybox')).toBe('bin/busybox');
  });
  it.each(['../etc/passwd', '/etc/passwd', 'a/../../x', './'])('refuses %j', (t) => {
    expect(() => hardlinkTarget('link', t)).toThrow(UnsafeLayerEntryError);
  });
});

describe('ancestorsOf', () => {
  it('lists parents outermost first, the root as ""', () => {
    expect(ancestorsOf('a/b/c')).toEqual(['', 'a', 'a/b']);
    expect(ancestorsOf('a')).toEqual(['']);
    expect(ancestorsOf('')).toEqual([]);
  });
});

describe('classifyWhiteout', () => {
  it.each([
    ['etc/.wh.passwd', { kind: 'whiteout', path: 'etc/passwd' }],
    ['.wh.tmp', { kind: 'whiteout', path: 'tmp' }],
    ['usr/.wh..wh..opq', { kind: 'opaque', path: 'usr' }],
    ['.wh..wh..opq', { kind: 'opaque', path: '' }],
    ['x/.wh..wh.plnk', { kind: 'ignore' }],
    ['x/.wh.', { kind: 'ignore' }],
    ['x/.wh...', { kind: 'ignore' }],
    ['etc/passwd', undefined],
    ['etc/x.wh.y', undefined],
  ])('%s → %j', (p, want) => {
    expect(classifyWhiteout(p)).toEqual(want);
  });
});
