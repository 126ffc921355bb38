import { describe, expect, it } from 'vitest';
import { changesJson, naiveChanges, overlayChanges, sameFsTime, withoutRuntimePaths } from '../../../src/container-fs/changes.js';
import { FileTree, mergeLayers, upperEntry } from '../../../src/container-fs/file-tree.js';
import type { FsEntry } from '../../../src/container-fs/records.js';

const T = { sec: 1000, nsec: 5 };
const dir = (path: string, o: Partial<FsEntry> = {}): FsEntry => ({ type: 'dir', path, mode: 0o755, uid: 0, gid: 0, size: 0, mtime: T, xattrs: [], ...o });
const file = (path: string, o: Partial<FsEntry> = {}): FsEntry => ({ type: 'file', path, mode: 0o644, uid: 0, gid: 0, size: 1, mtime: T, xattrs: [], ...o });
const wh = (path: string): FsEntry => ({ type: 'char', path, mode: 0, uid: 0, gid: 0, size: 0, mtime: T, devmajor: 0, devminor: 0, xattrs: [] });
const opaque = { xattrs: [{ name: 'user.overlay.opaque', value: Buffer.from('y') }] };
const later = { sec: 2000, nsec: 7 };
const lines = (cs: { kind: string; path: string }[]) => cs.map((c) => `${c.kind} ${c.path}`);

const image = [
  [dir(''), dir('etc'), file('etc/passwd'), file('etc/motd'), dir('dir1'), file('dir1/a'), dir('dir1/sub'), file('dir1/sub/b'), dir('gone'), file('gone/x')],
  // an upper layer of the image deleting gone/x
  [dir(''), dir('gone'), wh('gone/x')],
];

describe('merged layers', () => {
  it('whiteouts remove a path and all below it, opaque dirs hide the layers below', () => {
    const t = mergeLayers([...image, [dir(''), dir('dir1', opaque), file('dir1/new'), wh('etc')]]);
    expect(t.get('gone/x')).toBeUndefined();
    expect(t.get('gone')).toBeDefined();
    expect(t.get('etc')).toBeUndefined();
    expect(t.get('etc/passwd')).toBeUndefined();
    expect(t.get('dir1/a')).toBeUndefined();
    expect(t.get('dir1/new')).toBeDefined();
  });

  it('a file replacing a directory takes its contents away', () => {
    const t = mergeLayers([image[0]!, [dir(''), file('dir1')]]);
    expect(t.get('dir1')?.entry?.type).toBe('file');
    expect(t.get('dir1/a')).toBeUndefined();
  });
});

describe('overlay changes (podman 4.3 on an overlay upper dir)', () => {
  it('D for whiteouts and for an opaque dir the image had, C for changed files and dirs, A for new ones, parents of A/D as C', () => {
    const lower = mergeLayers(image);
    const upper = [
      dir(''),
      dir('dir1', { ...opaque, mtime: later }),
      file('dir1/a', { mtime: later }),
      file('dir1/new'),
      dir('etc', { mtime: later }),
      wh('etc/motd'),
      file('etc/passwd', { mtime: later, size: 9 }),
      dir('n1', { mtime: later }),
      dir('n1/n2'),
      file('n1/n2/f'),
      file('newfile'),
    ];
    // podman diff of the same changes: D /dir1, C /dir1/a, A /dir1/new, C /etc, D /etc/motd, C /etc/passwd, A /n1...
    expect(lines(overlayChanges(upper, lower))).toEqual([
      'D /dir1',
      'C /dir1/a',
      'A /dir1/new',
      'C /etc',
      'D /etc/motd',
      'C /etc/passwd',
      'A /n1',
      'A /n1/n2',
      'A /n1/n2/f',
      'A /newfile',
    ]);
  });

  it('an unchanged dir (same mode and time) is no change, but a new entry in it makes it C', () => {
    const lower = mergeLayers(image);
    expect(lines(overlayChanges([dir(''), dir('etc'), file('etc/new')], lower))).toEqual(['C /etc', 'A /etc/new']);
    expect(lines(overlayChanges([dir(''), dir('dir1'), dir('dir1/sub'), wh('dir1/sub/b')], lower))).toEqual(['C /dir1', 'C /dir1/sub', 'D /dir1/sub/b']);
    // an opaque dir the image did not have is simply new; a path whited out below is new again
    expect(lines(overlayChanges([dir(''), dir('fresh', opaque), dir('gone'), file('gone/x')], lower))).toEqual(['A /fresh', 'C /gone', 'A /gone/x']);
  });

  it('fuse-overlayfs markers are not entries; its .wh.NAME files are whiteouts', () => {
    expect(upperEntry(file('d/.wh..wh..opq'))).toBeUndefined();
    expect(upperEntry(wh('d/.wh..opq'))).toBeUndefined();
    expect(upperEntry(file('etc/.wh.motd'))).toMatchObject({ type: 'char', path: 'etc/motd', devmajor: 0, devminor: 0 });
    const lower = mergeLayers(image);
    const upper = [dir(''), dir('dir1', { xattrs: [{ name: 'user.fuseoverlayfs.opaque', value: Buffer.from('y') }], mtime: later }), wh('dir1/.wh..opq'), file('dir1/.wh..wh..opq'), dir('etc', { mtime: later }), file('etc/.wh.motd')];
    expect(lines(overlayChanges(upper, lower))).toEqual(['D /dir1', 'C /etc', 'D /etc/motd']);
  });

  it('leaves out what the runtime makes, as podman', () => {
    const cs = [
      { kind: 'A' as const, path: '/proc' },
      { kind: 'A' as const, path: '/etc/hosts' },
      { kind: 'A' as const, path: '/run/x' },
      { kind: 'C' as const, path: '/etc' },
    ];
    expect(lines(withoutRuntimePaths(cs))).toEqual(['A /run/x', 'C /etc']);
  });
});

describe('naive changes (vfs: full trees)', () => {
  it('compares mode, owner, time and size of files; dirs only by mode and owner; parents of changes are C', () => {
    const before = mergeLayers(image);
    const after = FileTree.of([
      dir(''),
      dir('dir1', { mtime: later }),
      file('dir1/a', { mtime: later }),
      dir('etc', { mtime: later }),
      file('etc/passwd', { uid: 1 }),
      dir('gone'),
      file('new'),
      dir('newdir'),
      file('newdir/f'),
    ]);
    expect(lines(naiveChanges(after, before))).toEqual([
      'C /dir1',
      'C /dir1/a',
      'D /dir1/sub',
      'C /etc',
      'C /etc/passwd',
      'D /etc/motd',
      'A /new',
      'A /newdir',
      'A /newdir/f',
    ]);
  });
});

describe('output', () => {
  it('json groups paths and leaves empty groups out', () => {
    expect(changesJson([{ kind: 'A', path: '/a' }, { kind: 'C', path: '/c' }])).toEqual({ changed: ['/c'], added: ['/a'] });
    expect(changesJson([])).toEqual({});
  });

  it('times equal up to a whole-second rounding', () => {
    expect(sameFsTime({ sec: 5, nsec: 1 }, { sec: 5, nsec: 1 })).toBe(true);
    expect(sameFsTime({ sec: 5, nsec: 1 }, { sec: 5, nsec: 2 })).toBe(false);
    expect(sameFsTime({ sec: 5, nsec: 300 }, { sec: 5, nsec: 0 })).toBe(true);
    expect(sameFsTime({ sec: 5, nsec: 300 }, { sec: 6, nsec: 0 })).toBe(true);
    expect(sameFsTime({ sec: 5, nsec: 300 }, { sec: 7, nsec: 0 })).toBe(false);
  });
});
