// The Node half of unpacking, on a real directory as the current user (no
// helper, no namespaces): what lands on disk, the diffID, the refusals, and
// the decompression front end.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Digest, writeTar } from '../../../harness/images.js';
import { decompressed, detectCompression } from '../../../../src/storage/layers/compression.js';
import { chainId } from '../../../../src/storage/layers/layer-store.js';
import { measureLayer } from '../../../../src/storage/layers/measure.js';
import { UnsafeLayerEntryError } from '../../../../src/storage/layers/path-safety.js';
import { shortLinkName } from '../../../../src/storage/layers/short-links.js';
import { unpackLayerTar } from '../../../../src/storage/layers/unpack.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-unpack-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Small chunks, so entries straddle reads as they do with real streams. */
const chunked = (b: Buffer, size = 333) => Readable.from((function* () { for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size); })());

describe('unpackLayerTar', () => {
  it('writes files, dirs, symlinks and hardlinks with their modes and times, and measures the diffID', async () => {
    const tar = await writeTar([
      { name: './', type: 'directory', mode: 0o755 },
      { name: 'bin/', type: 'directory', mode: 0o555 },
      { name: 'bin/tool', content: '#!/bin/sh\necho hi\n', mode: 0o751 },
      { name: 'bin/alias', type: 'link', linkname: 'bin/tool' },
      { name: 'bin/sh', type: 'symlink', linkname: '/bin/tool' },
      { name: 'etc/secret', content: 'x', mode: 0o400, uid: 1000, gid: 1000 },
      { name: 'tmp/', type: 'directory', mode: 0o1777 },
      { name: 'etc/.wh.gone', content: '' },
    ]);
    const r = await unpackLayerTar(chunked(tar), dir, { devices: false });
    expect(r.diffId).toBe(sha256Digest(tar));
    expect(r.size).toBe(tar.length);
    expect(fs.readFileSync(path.join(dir, 'bin/tool'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(fs.statSync(path.join(dir, 'bin/tool')).mode & 0o7777).toBe(0o751);
    expect(fs.statSync(path.join(dir, 'bin/alias')).ino).toBe(fs.statSync(path.join(dir, 'bin/tool')).ino);
    expect(fs.readlinkSync(path.join(dir, 'bin/sh'))).toBe('/bin/tool');
    expect(fs.statSync(path.join(dir, 'bin')).mode & 0o7777).toBe(0o555);
    expect(fs.statSync(path.join(dir, 'etc/secret')).mode & 0o7777).toBe(0o400);
    expect(fs.statSync(path.join(dir, 'bin/tool')).mtimeMs).toBe(new Date('2024-01-01T00:00:00Z').getTime());
    // Not Node's job: sticky bit, ownership and the whiteout are in the fixup list.
    expect(fs.statSync(path.join(dir, 'tmp')).mode & 0o7777).toBe(0o777);
    expect(fs.existsSync(path.join(dir, 'etc/gone'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'etc/.wh.gone'))).toBe(false);
    const fixups = r.plan.fixups.map((f) => `${f.op} ${f.path}`);
    expect(fixups).toEqual(expect.arrayContaining(['chmod tmp', 'chown etc/secret', 'mknod etc/gone']));
    fs.chmodSync(path.join(dir, 'bin'), 0o755);
  });

  it.each([
    ['../x', [{ name: '../x', content: 'x' }]],
    ['/abs', [{ name: '/abs', content: 'x' }]],
    ['evil/passwd', [{ name: 'evil', type: 'symlink' as const, linkname: '/etc' }, { name: 'evil/passwd', content: 'x' }]],
    ['hl', [{ name: 'hl', type: 'link' as const, linkname: '../../../etc/passwd' }]],
    ['up/x', [{ name: 'a/', type: 'directory' as const }, { name: 'up', type: 'symlink' as const, linkname: '../../..' }, { name: 'up/x', content: 'x' }]],
  ])('refuses %s, naming it, and writes nothing outside', async (entry, entries) => {
    const root = path.join(dir, 'layer');
    fs.mkdirSync(root);
    const tar = await writeTar(entries);
    const err = await unpackLayerTar(chunked(tar), root, { devices: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeLayerEntryError);
    expect((err as Error).message).toContain(`refusing layer entry ${JSON.stringify(entry)}`);
    expect(fs.readdirSync(dir)).toEqual(['layer']);
  });

  it('stores a symlink that climbs above the layer root as it is, and follows none', async () => {
    const root = path.join(dir, 'layer');
    fs.mkdirSync(root);
    const tar = await writeTar([
      { name: 'usr/bin/env', type: 'symlink', linkname: '../../../../bin/busybox' },
      { name: 'up', type: 'symlink', linkname: '../../..' },
    ]);
    await unpackLayerTar(chunked(tar), root, { devices: false });
    expect(fs.readlinkSync(path.join(root, 'usr/bin/env'))).toBe('../../../../bin/busybox');
    expect(fs.readlinkSync(path.join(root, 'up'))).toBe('../../..');
    expect(fs.readdirSync(dir)).toEqual(['layer']);
  });

  it('fails on a truncated archive', async () => {
    const tar = await writeTar([{ name: 'f', content: 'x'.repeat(5000) }]);
    await expect(unpackLayerTar(chunked(tar.subarray(0, 2000)), dir, { devices: false })).rejects.toThrow();
  });
});

describe('compression', () => {
  it('detects by magic bytes', () => {
    expect(detectCompression(Buffer.from([0x1f, 0x8b, 8]))).toBe('gzip');
    expect(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(detectCompression(Buffer.from('BZh91AY'))).toBe('bzip2');
    expect(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))).toBe('xz');
    expect(detectCompression(Buffer.from('bin/\0\0'))).toBe('none');
    expect(detectCompression(Buffer.alloc(0))).toBe('none');
  });

  it('measures the same diffID for plain, gzip and zstd blobs of one tar', async () => {
    const tar = await writeTar([{ name: 'a', content: 'hello '.repeat(1000) }]);
    for (const [blob, kind] of [
      [tar, 'none'],
      [zlib.gzipSync(tar), 'gzip'],
      [zlib.zstdCompressSync(tar), 'zstd'],
    ] as const) {
      const m = await measureLayer(chunked(blob, 3));
      expect(m).toEqual({ diffId: sha256Digest(tar), compression: kind, uncompressedSize: tar.length });
    }
  });

  it('refuses formats it cannot read, and passes through corrupt-data errors', async () => {
    await expect(decompressed(Readable.from([Buffer.from('BZh91AY&SY')]))).rejects.toThrow(/unsupported layer compression bzip2/);
    const bad = Buffer.concat([zlib.gzipSync(Buffer.alloc(100)).subarray(0, 12), Buffer.alloc(50, 7)]);
    await expect(measureLayer(Readable.from([bad]))).rejects.toThrow();
    // A stream shorter than the magic is plain data.
    expect(await measureLayer(Readable.from([Buffer.from('ab')]))).toMatchObject({ compression: 'none', uncompressedSize: 2 });
  });
});

describe('layer ids', () => {
  it('chain ids follow the OCI image spec', () => {
    const d1 = 'sha256:' + '1'.repeat(64);
    const d2 = 'sha256:' + '2'.repeat(64);
    expect(chainId(null, d1)).toBe('1'.repeat(64));
    expect(chainId('1'.repeat(64), d2)).toBe(sha256Digest(Buffer.from(`${d1} ${d2}`)).slice(7));
    expect(() => chainId(null, 'md5:x')).toThrow(/invalid digest/);
  });

  it('short link names are 26 base32 characters derived from the id', () => {
    const a = shortLinkName('00'.repeat(32));
    expect(a).toBe('A'.repeat(26));
    const b = shortLinkName('ff'.repeat(32));
    expect(b).toMatch(/^[A-Z2-7]{26}$/);
    expect(shortLinkName('ab'.repeat(32))).not.toBe(shortLinkName('ac'.repeat(32)));
  });
});
