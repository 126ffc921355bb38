import { describe, expect, it } from 'vitest';
import { decodeFixupField, encodeFixupField, encodeFixupList, encodeFixupRecord } from '../../../../src/storage/layers/fixup-list.js';
import { UnsafeLayerEntryError } from '../../../../src/storage/layers/path-safety.js';
import { UnpackPlanner, entryTime, keepXattr, type LayerEntryHeader } from '../../../../src/storage/layers/unpack-plan.js';

const T = new Date('2024-01-01T00:00:00Z');
const SEC = T.getTime() / 1000;

function plan(headers: LayerEntryHeader[], devices = false) {
  const p = new UnpackPlanner({ devices });
  const steps = headers.map((h) => p.add({ mtime: T, ...h }));
  return { steps, ...p.finish() };
}

/** The fixup list as text lines, for readable expectations. */
const lines = (headers: LayerEntryHeader[], devices = false) => encodeFixupList(plan(headers, devices).fixups).trim().split('\n').filter(Boolean);

describe('UnpackPlanner: what Node does on disk', () => {
  it('creates missing parents first, writes files with their permission bits, keeps dirs 0700 until the end', () => {
    const { steps, dirModes } = plan([
      { name: 'usr/bin/app', type: 'file', mode: 0o755 },
      { name: 'usr/', type: 'directory', mode: 0o750 },
    ]);
    expect(steps[0]).toEqual({ mkdirs: ['usr', 'usr/bin'], disk: { op: 'file', path: 'usr/bin/app', mode: 0o755 }, time: { sec: SEC, nsec: 0 } });
    // A directory that exists already only gets new metadata.
    expect(steps[1]!.disk).toEqual({ op: 'none' });
    // Deepest first, implicit parents 0755, the root too.
    expect(dirModes).toEqual([
      { path: 'usr/bin', mode: 0o755 },
      { path: 'usr', mode: 0o750 },
      { path: '', mode: 0o755 },
    ]);
  });

  it('replaces an earlier entry of the same name', () => {
    const { steps } = plan([
      { name: 'a/x', type: 'file' },
      { name: 'a', type: 'symlink', linkname: 'b' },
      { name: 'f', type: 'file' },
      { name: 'f', type: 'file' },
    ]);
    expect(steps[1]!.remove).toEqual({ path: 'a', recursive: true });
    expect(steps[3]!.remove).toEqual({ path: 'f', recursive: false });
  });

  it('makes hardlinks to earlier files, and defers those to nodes only the helper creates', () => {
    const r = plan([
      { name: 'bin/busybox', type: 'file', mode: 0o755 },
      { name: 'bin/sh', type: 'link', linkname: 'bin/busybox' },
      { name: 'p', type: 'fifo', mode: 0o600 },
      { name: 'q', type: 'link', linkname: './p' },
    ]);
    expect(r.steps[1]!.disk).toEqual({ op: 'hardlink', path: 'bin/sh', target: 'bin/busybox' });
    expect(r.steps[3]!.disk).toEqual({ op: 'none' });
    expect(encodeFixupList(r.fixups)).toContain('mknod p p 0 0 600\nlink q p\n');
  });
});

describe('UnpackPlanner: refusals', () => {
  const refuses = (headers: LayerEntryHeader[], entry: string, why: RegExp) => {
    const p = new UnpackPlanner({ devices: false });
    let err: unknown;
    try {
      for (const h of headers) p.add(h);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsafeLayerEntryError);
    expect((err as Error).message).toContain(`refusing layer entry ${JSON.stringify(entry)}`);
    expect((err as Error).message).toMatch(why);
  };

  it('stores a symlink that climbs above the root as it is (resolved inside the container at run time)', () => {
    const { steps } = plan([{ name: 'usr/bin/env', type: 'symlink', linkname: '../../../../bin/busybox' }]);
    expect(steps[0]!.disk).toEqual({ op: 'symlink', path: 'usr/bin/env', target: '../../../../bin/busybox' });
  });

  it('refuses ../ and absolute paths', () => {
    refuses([{ name: '../x', type: 'file' }], '../x', /\.\./);
    refuses([{ name: '/abs', type: 'file' }], '/abs', /absolute/);
  });

  it('refuses writing through a symlink planted by an earlier entry', () => {
    refuses(
      [
        { name: 'evil', type: 'symlink', linkname: '/etc' },
        { name: 'evil/passwd', type: 'file' },
      ],
      'evil/passwd',
      /through the symlink "evil"/,
    );
    refuses(
      [
        { name: 'd', type: 'symlink', linkname: 'x' },
        { name: 'd/.wh.f', type: 'file' },
      ],
      'd/.wh.f',
      /symlink/,
    );
    refuses(
      [
        { name: 'd', type: 'symlink', linkname: 'x' },
        { name: 'd/.wh..wh..opq', type: 'file' },
      ],
      'd/.wh..wh..opq',
      /symlink/,
    );
  });

  it('refuses hardlinks that escape the layer, and writing through a symlink that climbs out of it', () => {
    refuses(
      [
        { name: 'up', type: 'symlink', linkname: '../../../../tmp' },
        { name: 'up/x', type: 'file' },
      ],
      'up/x',
      /through the symlink "up"/,
    );
    refuses([{ name: 'hl', type: 'link', linkname: '../../etc/passwd' }], 'hl', /outside the layer/);
    refuses([{ name: 'hl', type: 'link', linkname: '/etc/passwd' }], 'hl', /absolute/);
  });

  it('refuses hardlinks to nothing, to directories, and entries under files', () => {
    refuses([{ name: 'hl', type: 'link', linkname: 'missing' }], 'hl', /not an earlier entry/);
    refuses(
      [
        { name: 'd', type: 'directory' },
        { name: 'hl', type: 'link', linkname: 'd' },
      ],
      'hl',
      /is a directory/,
    );
    refuses(
      [
        { name: 'f', type: 'file' },
        { name: 'f/x', type: 'file' },
      ],
      'f/x',
      /not a directory/,
    );
    refuses([{ name: './', type: 'file' }], './', /root must be a directory/);
  });
});

describe('UnpackPlanner: the fixup list', () => {
  it('chowns what is not owned by root, and sets special bits after the chown', () => {
    expect(
      lines([
        { name: 'home/user/', type: 'directory', mode: 0o755, uid: 1000, gid: 1000 },
        { name: 'bin/su', type: 'file', mode: 0o4755 },
        { name: 'tmp/', type: 'directory', mode: 0o1777 },
        { name: 'x', type: 'file', mode: 0o2755, uid: 0, gid: 42 },
      ]),
    ).toEqual([
      'chown home/user 1000 1000',
      'chmod bin/su 4755',
      'chmod tmp 1777',
      'chown x 0 42',
      'chmod x 2755',
      // Directory times last; implicit parents keep theirs.
      `mtime home/user ${SEC} 0`,
      `mtime tmp ${SEC} 0`,
    ]);
  });

  it('turns .wh.NAME into a 0:0 char device and .wh..wh..opq into the opaque xattr every driver reads', () => {
    expect(
      lines([
        { name: 'etc/', type: 'directory' },
        { name: 'etc/.wh.passwd', type: 'file' },
        { name: 'usr/', type: 'directory' },
        { name: 'usr/.wh..wh..opq', type: 'file' },
        { name: '.wh.tmp', type: 'file' },
      ]),
    ).toEqual([
      'mknod etc/passwd c 0 0 0',
      'xattr usr user.overlay.opaque 79',
      'mknod tmp c 0 0 0',
      `mtime etc ${SEC} 0`,
      `mtime usr ${SEC} 0`,
    ]);
  });

  it('keeps a same-layer file over its whiteout (whiteouts hide lower layers only)', () => {
    expect(lines([{ name: 'a', type: 'file' }, { name: '.wh.a', type: 'file' }])).toEqual([]);
    expect(lines([{ name: '.wh.a', type: 'file' }, { name: 'a', type: 'file' }])).toEqual([]);
  });

  it('makes devices only where they can be made; fifos always', () => {
    const headers: LayerEntryHeader[] = [
      { name: 'dev/null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
      { name: 'dev/sda', type: 'block-device', mode: 0o660, devmajor: 8, devminor: 0, gid: 6 },
      { name: 'run/fifo', type: 'fifo', mode: 0o644 },
    ];
    expect(lines(headers, true)).toEqual([
      'mknod dev/null c 1 3 666',
      'mknod dev/sda b 8 0 660',
      'chown dev/sda 0 6',
      'mknod run/fifo p 0 0 644',
      `mtime dev/null ${SEC} 0`,
      `mtime dev/sda ${SEC} 0`,
      `mtime run/fifo ${SEC} 0`,
    ]);
    expect(lines(headers, false)).toEqual(['mknod run/fifo p 0 0 644', `mtime run/fifo ${SEC} 0`]);
  });

  it('takes xattrs, uid/gid and mtime from PAX records, dropping overlay and privileged xattrs', () => {
    const r = lines([
      {
        name: 'f',
        type: 'file',
        uid: 0,
        pax: {
          uid: '3000000',
          gid: '5',
          'SCHILY.xattr.user.note': 'hi there',
          'SCHILY.xattr.user.overlay.opaque': 'y',
          'SCHILY.xattr.trusted.overlay.redirect': '/x',
          'SCHILY.xattr.security.selinux': 'x',
          'SCHILY.xattr.user.mangled': 'a\uFFFDb',
        },
      },
    ]);
    expect(r).toEqual(['chown f 3000000 5', 'xattr f user.note 6869207468657265']);
    expect(entryTime({ name: 'x', pax: { mtime: '1700000000.123456789123' } })).toEqual({ sec: 1700000000, nsec: 123456789 });
    expect(entryTime({ name: 'x', pax: { mtime: '1700000000.5' } })).toEqual({ sec: 1700000000, nsec: 500000000 });
    expect(keepXattr('security.capability', 'file')).toBe(true);
    expect(keepXattr('user.x', 'symlink')).toBe(false);
  });

  it('forgets everything under a replaced directory', () => {
    expect(
      lines([
        { name: 'd/', type: 'directory' },
        { name: 'd/f', type: 'file', uid: 7 },
        { name: 'd', type: 'file' },
      ]),
    ).toEqual([]);
  });
});

describe('fixup-list encoding', () => {
  it('percent-encodes controls, space, % and DEL; the root is "."', () => {
    expect(encodeFixupField('a b')).toBe('a%20b');
    expect(encodeFixupField('100%')).toBe('100%25');
    expect(encodeFixupField('tab\there\nnl')).toBe('tab%09here%0Anl');
    expect(encodeFixupField('del\x7f')).toBe('del%7F');
    expect(encodeFixupField('ünï/cödé')).toBe('ünï/cödé');
    expect(encodeFixupField('')).toBe('.');
  });

  it('round-trips through decoding', () => {
    for (const s of ['a b', '%%', 'x\x01y', 'é %41 z', '']) expect(decodeFixupField(encodeFixupField(s))).toBe(s);
  });

  it('writes each record as the helper reads it', () => {
    expect(encodeFixupRecord({ op: 'chown', path: 'a b', uid: 1, gid: 2 })).toBe('chown a%20b 1 2');
    expect(encodeFixupRecord({ op: 'chmod', path: 'x', mode: 0o4755 })).toBe('chmod x 4755');
    expect(encodeFixupRecord({ op: 'mknod', path: 'w', kind: 'c', major: 0, minor: 0, mode: 0 })).toBe('mknod w c 0 0 0');
    expect(encodeFixupRecord({ op: 'xattr', path: 'd', name: 'user.overlay.opaque', value: Buffer.from('y') })).toBe('xattr d user.overlay.opaque 79');
    expect(encodeFixupRecord({ op: 'xattr', path: 'd', name: 'user.e', value: Buffer.alloc(0) })).toBe('xattr d user.e ');
    expect(encodeFixupRecord({ op: 'link', path: 'new name', target: 'old' })).toBe('link new%20name old');
    expect(encodeFixupRecord({ op: 'mtime', path: '', sec: -5, nsec: 7 })).toBe('mtime . -5 7');
    expect(encodeFixupList([{ op: 'chmod', path: 'a', mode: 0o1777 }, { op: 'chown', path: 'b', uid: 0, gid: 0 }])).toBe('chmod a 1777\nchown b 0 0\n');
  });
});
