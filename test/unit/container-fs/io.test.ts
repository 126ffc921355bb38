import { describe, expect, it } from 'vitest';
import { hostToContainerIds } from '../../../src/container-fs/cp.js';
import { mountPoints } from '../../../src/container-fs/mount-state.js';
import { entryOfHeader, headerOf } from '../../../src/container-fs/tar-io.js';
import type { FsEntry } from '../../../src/container-fs/records.js';

describe('tar headers ↔ entries', () => {
  it('cleans names (.. never climbs out), keeps ids, modes, links, xattrs', () => {
    const e = entryOfHeader({ name: './a/../../b', type: 'file', mode: 0o4755, uid: 1234, gid: 4321, size: 3, mtime: new Date(1500), pax: { 'SCHILY.xattr.user.k': 'v' } } as never);
    expect(e).toMatchObject({ type: 'file', path: 'b', mode: 0o4755, uid: 1234, gid: 4321, size: 3, mtime: { sec: 1, nsec: 500_000_000 } });
    expect(e!.xattrs).toEqual([{ name: 'user.k', value: Buffer.from('v') }]);
    expect(entryOfHeader({ name: 'l', type: 'link', linkname: '../x' } as never)).toMatchObject({ type: 'hardlink', linkname: 'x' });
    expect(entryOfHeader({ name: 's', type: 'symlink', linkname: '/etc' } as never)).toMatchObject({ type: 'symlink', linkname: '/etc' });
    expect(entryOfHeader({ name: 'g', type: 'pax-global-header' } as never)).toBeUndefined();
  });

  it('writes binary xattr values nowhere (tar-stream would mangle them), text ones as PAX', () => {
    const e: FsEntry = {
      type: 'dir',
      path: 'd',
      mode: 0o755,
      uid: 0,
      gid: 0,
      size: 0,
      mtime: { sec: 1, nsec: 0 },
      xattrs: [
        { name: 'user.text', value: Buffer.from('hello') },
        { name: 'security.capability', value: Buffer.from([1, 0, 0, 2, 0xff]) },
      ],
    };
    const h = headerOf(e, 'd') as { pax?: Record<string, string>; type: string };
    expect(h.type).toBe('directory');
    expect(h.pax).toEqual({ 'SCHILY.xattr.user.text': 'hello' });
  });
});

describe('ids of host files as the container sees them', () => {
  it('through the user namespace maps, nobody when unmapped, as they are without one', () => {
    const ids = hostToContainerIds({
      kind: 'rootless',
      newuidmap: '',
      newgidmap: '',
      maps: { uid: [{ container: 0, host: 1001, count: 1 }, { container: 1, host: 100000, count: 65536 }], gid: [{ container: 0, host: 1001, count: 1 }] },
    });
    expect(ids(1001, 1001)).toEqual({ uid: 0, gid: 0 });
    expect(ids(100999, 5)).toEqual({ uid: 1000, gid: 65534 });
    expect(ids(0, 0)).toEqual({ uid: 65534, gid: 65534 });
    expect(hostToContainerIds({ kind: 'none' })(5, 6)).toEqual({ uid: 5, gid: 6 });
  });
});

describe('mountinfo', () => {
  it('reads mount points with their octal escapes', () => {
    const text = '36 35 98:0 / /mnt/a\\040b rw - ext4 /dev/x rw\n37 35 0:5 / /proc rw - proc proc rw\n';
    expect([...mountPoints(text)]).toEqual(['/mnt/a b', '/proc']);
  });
});
