// The helper's `unpack` mode on its own (helpers/src/unpack.c): a layer tar
// on stdin, written in one pass into a directory, as the unprivileged test
// user in its real user namespace (owners become sub-ids) and as root.
// Archives are built here byte by byte where tar-stream cannot write them
// (GNU long names, binary PAX values, sparse, broken headers). The tree is
// compared with what GNU tar -x makes of the same archive as root.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdMap, formatMapping, parseSubIdFile, subIdRangesFor } from '../../src/host/idmap.js';
import { disposeStore, emptyStore, isRoot, repoRoot, runAs, testUser, writeTar, type As, type ProcResult, type Sandbox, type TarEntry } from '../harness/index.js';

const u = testUser();
const HELPER = 'tsc-run-helper';
const T0 = 1_704_067_200; // FIXED_MTIME in seconds

let sb: Sandbox;
let bin: string;
let maps: string[];
let count = 0;

function userMapArgs(): string[] {
  const who = { name: u.name, uid: u.uid };
  const uids = buildIdMap(u.uid, subIdRangesFor(parseSubIdFile(fs.readFileSync('/etc/subuid', 'utf8')), who));
  const gids = buildIdMap(u.gid, subIdRangesFor(parseSubIdFile(fs.readFileSync('/etc/subgid', 'utf8')), who));
  return [...uids.flatMap((m) => ['--uid-map', formatMapping(m)]), ...gids.flatMap((m) => ['--gid-map', formatMapping(m)])];
}

/** Host id of in-namespace id `id` for `as` (the test user's first subordinate range; root: itself). */
function hostId(as: As, id: number, file = '/etc/subuid'): number {
  if (as === 'root') return id;
  if (id === 0) return file === '/etc/subuid' ? u.uid : u.gid;
  const r = subIdRangesFor(parseSubIdFile(fs.readFileSync(file, 'utf8')), { name: u.name, uid: u.uid })[0]!;
  return r.start + id - 1;
}

/** Unpack `tar` into a fresh directory as `as`; the directory sits in an outer one, to check nothing lands beside it. */
async function unpack(as: As, tar: Buffer, opts: { devices?: boolean } = {}): Promise<{ r: ProcResult; root: string; outer: string }> {
  const outer = path.join(sb.dir, `u${count++}`);
  const root = path.join(outer, 'diff');
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  if (as === 'user') execFileSync('chown', ['-R', `${u.uid}:${u.gid}`, outer]);
  const args = [...(as === 'user' ? maps : []), 'unpack', ...(opts.devices ? ['--devices'] : []), root];
  const r = await runAs(as, bin, args, { input: tar, cwd: sb.dir, timeoutMs: 60_000 });
  return { r, root, outer };
}

async function unpackOk(as: As, tar: Buffer, opts: { devices?: boolean } = {}): Promise<string> {
  const { r, root } = await unpack(as, tar, opts);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return root;
}

/** Every xattr of a path (not following symlinks), values in hex (python3 is installed with podman-compose). */
function xattrs(p: string): Record<string, string> {
  const py = 'import os,sys,json; p=sys.argv[1]; print(json.dumps({k: os.getxattr(p,k,follow_symlinks=False).hex() for k in os.listxattr(p,follow_symlinks=False)}))';
  return JSON.parse(execFileSync('python3', ['-c', py, p], { encoding: 'utf8' })) as Record<string, string>;
}

// ---- raw tar ----------------------------------------------------------------

interface RawHeader {
  name: string;
  type?: string;
  size?: number;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  /** 'ustar' (POSIX, with prefix) or 'gnu'. */
  magic?: 'ustar' | 'gnu';
  prefix?: string;
  /** Store a wrong checksum. */
  badChecksum?: boolean;
  /** Raw bytes for the size field (12), e.g. GNU base-256. */
  sizeField?: Buffer;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(h: RawHeader): Buffer {
  const b = Buffer.alloc(512);
  b.write(h.name, 0, 100, 'utf8');
  b.write(octal(h.mode ?? 0o644, 8), 100);
  b.write(octal(h.uid ?? 0, 8), 108);
  b.write(octal(h.gid ?? 0, 8), 116);
  if (h.sizeField) h.sizeField.copy(b, 124);
  else b.write(octal(h.size ?? 0, 12), 124);
  b.write(octal(h.mtime ?? T0, 12), 136);
  b.write(h.type ?? '0', 156);
  b.write(h.linkname ?? '', 157, 100, 'utf8');
  if ((h.magic ?? 'ustar') === 'ustar') {
    b.write('ustar\0' + '00', 257, 'latin1');
    b.write(h.prefix ?? '', 345, 155, 'utf8');
  } else {
    b.write('ustar  \0', 257, 'latin1');
  }
  b.fill(' ', 148, 156);
  let sum = 0;
  for (const c of b) sum += c;
  b.write(octal(h.badChecksum ? sum + 1 : sum, 7) + ' ', 148, 'latin1');
  return b;
}

function pad(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** One entry: header plus padded data. */
function rawEntry(h: RawHeader, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([header({ ...h, size: h.size ?? data.length }), pad(data)]);
}

/** PAX records ("LEN key=value\n"), values may be binary. */
function paxData(records: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(records)) {
    const body = Buffer.concat([Buffer.from(` ${k}=`), Buffer.from(v), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    parts.push(Buffer.concat([Buffer.from(String(len)), body]));
  }
  return Buffer.concat(parts);
}

const paxEntry = (records: Record<string, string | Buffer>) => rawEntry({ name: 'PaxHeader', type: 'x' }, paxData(records));
const END = Buffer.alloc(1024);
const rawTar = (...parts: Buffer[]) => Buffer.concat([...parts, END]);

/** A v2 file capability granting CAP_NET_RAW (13), effective. */
function netRawCapability(): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt32LE(0x02000001, 0);
  b.writeUInt32LE(1 << 13, 4);
  return b;
}

// ---- the tests ----------------------------------------------------------------

beforeAll(async () => {
  sb = await emptyStore('unpack-helper');
  const built = [path.join(repoRoot(), 'dist', HELPER), path.join(repoRoot(), 'helpers/build', HELPER)].find((p) => fs.existsSync(p));
  if (!built) throw new Error('no built helper: run `npm run build`');
  bin = path.join(sb.path, HELPER);
  fs.copyFileSync(built, bin);
  fs.chmodSync(bin, 0o755);
  maps = userMapArgs();
  fs.chmodSync(sb.dir, 0o755);
});
afterAll(() => disposeStore(sb));

function suite(as: As): void {
  it('creates each entry once with its final owner, mode, set-id bits, xattrs and time', async () => {
    const tar = rawTar(
      rawEntry({ name: './', type: '5', mode: 0o755 }),
      rawEntry({ name: 'bin/', type: '5', mode: 0o555 }),
      rawEntry({ name: 'bin/tool', mode: 0o751 }, Buffer.from('#!/bin/sh\necho hi\n')),
      rawEntry({ name: 'bin/alias', type: '1', linkname: 'bin/tool' }),
      rawEntry({ name: 'bin/sh', type: '2', linkname: '/bin/tool', mode: 0o777, uid: 7, gid: 8 }),
      rawEntry({ name: 'etc/secret', mode: 0o400, uid: 1000, gid: 1001 }, Buffer.from('x')),
      rawEntry({ name: 'usr/bin/su', mode: 0o4755, uid: 0, gid: 0 }, Buffer.from('su')),
      rawEntry({ name: 'usr/bin/wall', mode: 0o2755, uid: 0, gid: 5 }, Buffer.from('wall')),
      rawEntry({ name: 'tmp/', type: '5', mode: 0o1777 }),
      // A set-gid directory passes its group on to what is created in it: not to these.
      rawEntry({ name: 'srv/', type: '5', mode: 0o2775, gid: 50 }),
      rawEntry({ name: 'srv/f', mode: 0o644 }, Buffer.from('f')),
      rawEntry({ name: 'srv/sub/', type: '5', mode: 0o755 }),
      rawEntry({ name: 'run/fifo', type: '6', mode: 0o640, uid: 5, gid: 6 }),
      paxEntry({
        'SCHILY.xattr.user.bin': Buffer.from([0, 0xff, 0x80, 0x0a]),
        'SCHILY.xattr.security.capability': netRawCapability(),
        'SCHILY.xattr.user.overlay.opaque': 'y',
        'SCHILY.xattr.trusted.x': 'no',
        mtime: '1700000000.123456789',
        uid: '2000',
        gid: '2001',
      }),
      rawEntry({ name: 'usr/bin/ping', mode: 0o755, uid: 3, gid: 3 }, Buffer.from('ping')),
      paxEntry({ 'SCHILY.xattr.user.dir': 'd', 'SCHILY.xattr.security.capability': netRawCapability() }),
      rawEntry({ name: 'data/', type: '5', mode: 0o700 }),
    );
    const root = await unpackOk(as, tar);
    const st = (p: string) => fs.lstatSync(path.join(root, p));
    const owner = (p: string) => [st(p).uid, st(p).gid];
    const ids = (uid: number, gid: number) => [hostId(as, uid), hostId(as, gid, '/etc/subgid')];

    expect(fs.readFileSync(path.join(root, 'bin/tool'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(st('bin/tool').mode & 0o7777).toBe(0o751);
    expect(st('bin/alias').ino).toBe(st('bin/tool').ino);
    expect(st('bin').mode & 0o7777).toBe(0o555);
    expect(st('bin').mtimeMs).toBe(T0 * 1000);
    expect(st('bin/tool').mtimeMs).toBe(T0 * 1000);
    expect(fs.readlinkSync(path.join(root, 'bin/sh'))).toBe('/bin/tool');
    expect(owner('bin/sh')).toEqual(ids(7, 8));
    expect(st('bin/sh').mtimeMs).toBe(T0 * 1000);
    expect(owner('etc/secret')).toEqual(ids(1000, 1001));
    expect(st('etc/secret').mode & 0o7777).toBe(0o400);
    // An implicit parent: 0755, owned by root, the time of its making.
    expect(st('etc').mode & 0o7777).toBe(0o755);
    expect(owner('etc')).toEqual(ids(0, 0));
    expect(st('usr/bin/su').mode & 0o7777).toBe(0o4755);
    expect(st('usr/bin/wall').mode & 0o7777).toBe(0o2755);
    expect(owner('usr/bin/wall')).toEqual(ids(0, 5));
    expect(st('tmp').mode & 0o7777).toBe(0o1777);
    expect(st('srv').mode & 0o7777).toBe(0o2775);
    expect(owner('srv/f')).toEqual(ids(0, 0));
    expect(st('srv/sub').mode & 0o7777).toBe(0o755);
    expect(owner('srv/sub')).toEqual(ids(0, 0));
    expect(st('run/fifo').isFIFO()).toBe(true);
    expect(st('run/fifo').mode & 0o7777).toBe(0o640);
    expect(owner('run/fifo')).toEqual(ids(5, 6));
    expect(st('').mode & 0o7777).toBe(0o755);

    // PAX: ids, a nanosecond time, binary user.* values; overlay's and trusted.* never taken.
    const ping = st('usr/bin/ping');
    expect(owner('usr/bin/ping')).toEqual(ids(2000, 2001));
    expect(fs.statSync(path.join(root, 'usr/bin/ping'), { bigint: true }).mtimeNs).toBe(1_700_000_000_123_456_789n);
    expect(ping.mode & 0o7777).toBe(0o755);
    const px = xattrs(path.join(root, 'usr/bin/ping'));
    expect(Object.keys(px).sort()).toEqual(['security.capability', 'user.bin']);
    expect(px['user.bin']).toBe('00ff800a');
    // Written in a user namespace the kernel stores v3 (with the namespace's root); the grant is the same.
    const cap = Buffer.from(px['security.capability']!, 'hex');
    expect(cap.readUInt32LE(4)).toBe(1 << 13);
    expect(cap.readUInt32LE(0) & 1).toBe(1);
    // user.* on a directory; security.capability only on files.
    expect(xattrs(path.join(root, 'data'))).toEqual({ 'user.dir': '64' });
    expect(st('data').mode & 0o7777).toBe(0o700);
    expect(xattrs(path.join(root, 'bin/tool'))).toEqual({});
  });

  it('reads GNU long names and link names, PAX paths, ustar prefixes and base-256 sizes', async () => {
    const long = 'l'.repeat(120) + '/' + 'n'.repeat(200);
    const longTarget = '/' + 't'.repeat(250) + '/target';
    const paxName = 'p/' + 'é'.repeat(90) + '.txt';
    const base256 = Buffer.alloc(12);
    base256[0] = 0x80;
    base256.writeUInt32BE(5, 8);
    const tar = rawTar(
      rawEntry({ name: '././@LongLink', type: 'L', magic: 'gnu' }, Buffer.from(long + '\0')),
      rawEntry({ name: 'truncated-name', magic: 'gnu' }, Buffer.from('long\n')),
      rawEntry({ name: '././@LongLink', type: 'K', magic: 'gnu' }, Buffer.from(longTarget + '\0')),
      rawEntry({ name: 'link', type: '2', magic: 'gnu' }),
      paxEntry({ path: paxName }),
      rawEntry({ name: 'ignored' }, Buffer.from('pax\n')),
      rawEntry({ name: 'name', prefix: 'pre/fix' }, Buffer.from('prefix\n')),
      Buffer.concat([header({ name: 'big', sizeField: base256 }), pad(Buffer.from('12345'))]),
      // A global PAX header changes nothing.
      rawEntry({ name: 'global', type: 'g' }, paxData({ path: 'nope' })),
      rawEntry({ name: 'after-global' }, Buffer.from('g')),
    );
    const root = await unpackOk(as, tar);
    expect(fs.readFileSync(path.join(root, long), 'utf8')).toBe('long\n');
    expect(fs.readlinkSync(path.join(root, 'link'))).toBe(longTarget);
    expect(fs.readFileSync(path.join(root, paxName), 'utf8')).toBe('pax\n');
    expect(fs.readFileSync(path.join(root, 'pre/fix/name'), 'utf8')).toBe('prefix\n');
    expect(fs.readFileSync(path.join(root, 'big'), 'utf8')).toBe('12345');
    expect(fs.readFileSync(path.join(root, 'after-global'), 'utf8')).toBe('g');
    expect(fs.readdirSync(root).sort()).toEqual(['after-global', 'big', 'link', 'l'.repeat(120), 'p', 'pre']);
  });

  it('turns .wh.NAME into a 0:0 character device and .wh..wh..opq into user.overlay.opaque', async () => {
    const tar = await writeTar([
      { name: 'etc/.wh.passwd' },
      { name: 'usr/', type: 'directory' },
      { name: 'usr/.wh..wh..opq' },
      { name: '.wh..wh..opq' },
      { name: 'x/.wh..wh.plnk' },
      // A file of this layer outlives its whiteout; a whiteout is replaced by a later entry of the same name.
      { name: 'keep', content: 'k' },
      { name: '.wh.keep' },
      { name: '.wh.back' },
      { name: 'back', content: 'b' },
      { name: '.wh.gone' },
      { name: 'gone/inside', content: 'i' },
    ]);
    const root = await unpackOk(as, tar);
    const wh = fs.lstatSync(path.join(root, 'etc/passwd'));
    expect(wh.isCharacterDevice() && wh.rdev === 0 && (wh.mode & 0o7777) === 0).toBe(true);
    expect(xattrs(path.join(root, 'usr'))).toEqual({ 'user.overlay.opaque': '79' });
    expect(xattrs(root)).toEqual({ 'user.overlay.opaque': '79' });
    expect(fs.readFileSync(path.join(root, 'keep'), 'utf8')).toBe('k');
    expect(fs.readFileSync(path.join(root, 'back'), 'utf8')).toBe('b');
    expect(fs.readFileSync(path.join(root, 'gone/inside'), 'utf8')).toBe('i');
    // AUFS bookkeeping (.wh..wh.*) is dropped, its directory not even made.
    expect(fs.readdirSync(root).sort()).toEqual(['back', 'etc', 'gone', 'keep', 'usr']);
  });

  it('lets a later entry replace an earlier one; a directory over a directory keeps its children', async () => {
    const tar = await writeTar([
      { name: 'a', content: 'file first' },
      { name: 'a/', type: 'directory', mode: 0o755 },
      { name: 'a/child', content: 'c' },
      { name: 'a/', type: 'directory', mode: 0o750, uid: 4 },
      { name: 'd/', type: 'directory' },
      { name: 'd/x', content: 'x' },
      { name: 'd', content: 'now a file' },
      { name: 'h', content: 'target' },
      { name: 'h2', type: 'link', linkname: 'h' },
      { name: 'h2', type: 'symlink', linkname: 'elsewhere' },
      { name: 'f', content: 'old' },
      { name: 'f', content: 'new', mode: 0o600 },
    ]);
    const root = await unpackOk(as, tar);
    expect(fs.readFileSync(path.join(root, 'a/child'), 'utf8')).toBe('c');
    expect(fs.lstatSync(path.join(root, 'a')).mode & 0o7777).toBe(0o750);
    expect(fs.lstatSync(path.join(root, 'a')).uid).toBe(hostId(as, 4));
    expect(fs.readFileSync(path.join(root, 'd'), 'utf8')).toBe('now a file');
    expect(fs.readFileSync(path.join(root, 'h'), 'utf8')).toBe('target');
    expect(fs.readlinkSync(path.join(root, 'h2'))).toBe('elsewhere');
    expect(fs.readFileSync(path.join(root, 'f'), 'utf8')).toBe('new');
    expect(fs.lstatSync(path.join(root, 'f')).mode & 0o7777).toBe(0o600);
  });

  it('makes device nodes only where it may (--devices, real root); skips them otherwise, as podman', async () => {
    const tar = await writeTar([
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'dev/loop9', type: 'block-device', devmajor: 7, devminor: 9, mode: 0o660 },
      { name: 'dev/fifo', type: 'fifo' },
    ]);
    const root = await unpackOk(as, tar, { devices: as === 'root' });
    if (as === 'root') {
      expect(fs.lstatSync(path.join(root, 'dev/null')).isCharacterDevice()).toBe(true);
      expect(fs.lstatSync(path.join(root, 'dev/null')).rdev).toBe(0x103);
      expect(fs.lstatSync(path.join(root, 'dev/loop9')).isBlockDevice()).toBe(true);
      expect(fs.readdirSync(path.join(root, 'dev')).sort()).toEqual(['fifo', 'loop9', 'null']);
    } else {
      expect(fs.readdirSync(path.join(root, 'dev'))).toEqual(['fifo']);
    }
  });

  const REFUSED: Array<[string, () => Promise<Buffer>, string, string]> = [
    ['a .. component', () => writeTar([{ name: 'ok', content: 'x' }, { name: 'a/../../x', content: 'x' }]), 'a/../../x', 'path contains a ".." component'],
    ['an absolute name', async () => writeTar([{ name: '/abs', content: 'x' }]), '/abs', 'absolute path'],
    ['a write through a planted symlink', () => writeTar([{ name: 'evil', type: 'symlink', linkname: '/tmp' }, { name: 'evil/passwd', content: 'x' }]), 'evil/passwd', 'would be written through the symlink "evil"'],
    ['a write through a symlink climbing out', () => writeTar([{ name: 'a/', type: 'directory' }, { name: 'a/up', type: 'symlink', linkname: '../../../..' }, { name: 'a/up/x', content: 'x' }]), 'a/up/x', 'would be written through the symlink "a/up"'],
    ['an opaque marker through a symlink', () => writeTar([{ name: 'evil', type: 'symlink', linkname: '/tmp' }, { name: 'evil/.wh..wh..opq' }]), 'evil/.wh..wh..opq', 'would be written through the symlink "evil"'],
    ['a hardlink to an absolute path', () => writeTar([{ name: 'hl', type: 'link', linkname: '/etc/passwd' }]), 'hl', 'hardlink target "/etc/passwd" is an absolute path'],
    ['a hardlink out of the layer', () => writeTar([{ name: 'hl', type: 'link', linkname: '../../../../etc/passwd' }]), 'hl', 'points outside the layer'],
    ['a hardlink to nothing', () => writeTar([{ name: 'hl', type: 'link', linkname: 'missing' }]), 'hl', 'is not an earlier entry of this layer'],
    ['a hardlink to a directory', () => writeTar([{ name: 'd/', type: 'directory' }, { name: 'hl', type: 'link', linkname: 'd' }]), 'hl', 'is a directory'],
    ['a hardlink to a whiteout', () => writeTar([{ name: '.wh.x' }, { name: 'hl', type: 'link', linkname: 'x' }]), 'hl', 'is not an earlier entry of this layer'],
    ['a hardlink through a symlink', () => writeTar([{ name: 's', type: 'symlink', linkname: '/etc' }, { name: 'hl', type: 'link', linkname: 's/passwd' }]), 'hl', 'is not an earlier entry of this layer'],
    ['an entry under a file', () => writeTar([{ name: 'f', content: 'x' }, { name: 'f/x', content: 'x' }]), 'f/x', 'parent "f" is not a directory'],
    ['a file as the layer root', async () => rawTar(rawEntry({ name: '.', type: '0' })), '.', 'the layer root must be a directory'],
    ['an empty symlink target', async () => rawTar(rawEntry({ name: 's', type: '2', linkname: '' })), 's', 'symlink with an empty target'],
    ['a NUL in a PAX path', async () => rawTar(paxEntry({ path: 'a\0b' }), rawEntry({ name: 'x' })), 'a', 'name contains a NUL byte'],
    ['a GNU sparse file', async () => rawTar(rawEntry({ name: 'sparse', type: 'S', magic: 'gnu' })), 'sparse', 'sparse files are not supported'],
    ['a PAX sparse file', async () => rawTar(paxEntry({ 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0' }), rawEntry({ name: 'sp' })), 'sp', 'sparse files are not supported'],
    ['a tape volume header', async () => rawTar(rawEntry({ name: 'vol', type: 'V', magic: 'gnu' })), 'vol', "unsupported tar entry type 'V'"],
  ];
  describe('refuses hostile entries, naming them, and writes nothing outside the layer', () => {
    it.each(REFUSED)('%s', async (_label, build, entry, reason) => {
      const { r, outer } = await unpack(as, await build());
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(new RegExp(`^${HELPER}: refusing layer entry ${escapeRe(JSON.stringify(entry))}: .*${escapeRe(reason)}.*\\n$`));
      expect(fs.readdirSync(outer)).toEqual(['diff']);
      expect(fs.existsSync('/tmp/passwd')).toBe(false);
    });
  });

  const BROKEN: Array<[string, () => Promise<Buffer>, RegExp]> = [
    ['truncated in a file', async () => (await writeTar([{ name: 'f', content: 'x'.repeat(5000) }])).subarray(0, 2000), /the layer archive is truncated \(in entry f\)/],
    ['truncated in a header', async () => (await writeTar([{ name: 'f', content: 'x' }, { name: 'g', content: 'y' }])).subarray(0, 1024 + 100), /truncated \(in a header\)/],
    ['truncated after a PAX header', async () => paxEntry({ path: 'x' }), /truncated \(in a header\)/],
    ['not a tar', async () => Buffer.alloc(4096, 'x'), /a header with a bad checksum \(not a tar archive\?\)/],
    ['a bad checksum', async () => rawTar(rawEntry({ name: 'f', badChecksum: true })), /bad checksum/],
    ['an absurd PAX header', async () => Buffer.concat([header({ name: 'PaxHeader', type: 'x', size: 1 << 30 }), Buffer.alloc(4096)]), /a PAX header of 1073741824 bytes \(at most 1048576\)/],
    ['an absurd GNU long name', async () => Buffer.concat([header({ name: '././@LongLink', type: 'L', magic: 'gnu', size: 64 << 20 }), Buffer.alloc(4096)]), /a GNU long name of 67108864 bytes/],
    ['a malformed PAX record', async () => rawTar(rawEntry({ name: 'PaxHeader', type: 'x' }, Buffer.from('99 path=x\n')), rawEntry({ name: 'x' })), /malformed PAX header record/],
    ['a size that is not a number', async () => Buffer.concat([header({ name: 'f', sizeField: Buffer.from('12x45\0\0\0\0\0\0\0') }), END]), /header field size is not a valid number/],
  ];
  describe('fails cleanly on broken archives', () => {
    it.each(BROKEN)('%s', async (_label, build, message) => {
      const { r, outer } = await unpack(as, await build());
      expect(r.exitCode).toBe(125);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(fs.readdirSync(outer)).toEqual(['diff']);
    });
  });

  it('ends at the end-of-archive blocks, or cleanly at a header boundary without them, and reads what follows', async () => {
    const tar = await writeTar([{ name: 'f', content: 'x' }]);
    const trailing = Buffer.concat([tar, Buffer.alloc(3 << 20, 7)]);
    const a = await unpackOk(as, trailing);
    expect(fs.readdirSync(a)).toEqual(['f']);
    const b = await unpackOk(as, tar.subarray(0, 1024));
    expect(fs.readFileSync(path.join(b, 'f'), 'utf8')).toBe('x');
  });

  it('streams big files through in pieces (16 MiB of random bytes, checksum)', async () => {
    const body = Buffer.alloc(16 << 20);
    for (let i = 0; i < body.length; i += 4) body.writeUInt32LE((Math.imul(i, 2654435761) ^ (i >>> 7)) >>> 0, i);
    const tar = await writeTar([{ name: 'blob', content: body }, { name: 'after', content: 'a' }]);
    const root = await unpackOk(as, tar);
    const sum = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sum(fs.readFileSync(path.join(root, 'blob')))).toBe(sum(body));
    expect(fs.readFileSync(path.join(root, 'after'), 'utf8')).toBe('a');
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('helper unpack (rootless)', () => suite('user'));
describe.runIf(isRoot())('helper unpack (root)', () => suite('root'));

describe.runIf(isRoot())('helper unpack beside GNU tar -x (root)', () => {
  /** Type, mode, owner, mtime (ns), content or link target and xattrs of every path, sorted. */
  function walk(root: string): string[] {
    const out: string[] = [];
    const visit = (rel: string) => {
      const p = path.join(root, rel);
      const s = fs.lstatSync(p, { bigint: true });
      const what = s.isSymbolicLink() ? `-> ${fs.readlinkSync(p)}` : s.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex').slice(0, 12) : '';
      const x = s.isSymbolicLink() ? {} : xattrs(p);
      out.push(`${rel || '.'} ${(Number(s.mode) >> 12).toString(8)} ${(Number(s.mode) & 0o7777).toString(8)} ${s.uid}:${s.gid} ${s.mtimeNs} nlink=${s.nlink} ${what} ${JSON.stringify(x)}`);
      if (s.isDirectory()) for (const e of fs.readdirSync(p).sort()) visit(rel ? `${rel}/${e}` : e);
    };
    visit('');
    return out;
  }

  it('makes the same tree: modes, owners, set-id bits, times, links and user xattrs', async () => {
    const entries: TarEntry[] = [
      { name: './', type: 'directory', mode: 0o755, mtime: new Date('2023-05-06T07:08:09Z') },
      { name: 'bin/', type: 'directory', mode: 0o755 },
      { name: 'bin/busybox', content: 'bb', mode: 0o4755 },
      { name: 'bin/sh', type: 'symlink', linkname: 'busybox', uid: 3, gid: 4 },
      { name: 'bin/ln', type: 'link', linkname: 'bin/busybox' },
      { name: 'home/', type: 'directory', mode: 0o2770, uid: 1000, gid: 100 },
      { name: 'home/me/', type: 'directory', mode: 0o700, uid: 1000, gid: 1000 },
      { name: 'home/me/.profile', content: 'export A=1\n', mode: 0o600, uid: 1000, gid: 1000, pax: { 'SCHILY.xattr.user.note': 'hello', mtime: '1600000000.5' } },
      { name: 'tmp/', type: 'directory', mode: 0o1777 },
      { name: 'run/pipe', type: 'fifo', mode: 0o620, uid: 9, gid: 9 },
      { name: 'var/lib/empty/', type: 'directory', mode: 0o555 },
      { name: 'var/log/app.log', content: '', mode: 0o640, uid: 2, gid: 4 },
    ];
    const tar = await writeTar(entries);
    const ours = await unpackOk('root', tar);
    const theirs = path.join(sb.dir, `tar${count++}`);
    fs.mkdirSync(theirs);
    execFileSync('tar', ['--xattrs', '--xattrs-include=user.*', '--same-owner', '--numeric-owner', '-xpf', '-', '-C', theirs], { input: tar });
    // Directories made implicitly (var, var/lib, var/log, run) get the time of their making, in both.
    const scrub = (lines: string[]) => lines.map((l) => (/^(var|var\/lib|var\/log|run) /.test(l) ? l.replace(/ \d+ nlink/, ' T nlink') : l));
    expect(scrub(walk(ours))).toEqual(scrub(walk(theirs)));
  });
});
