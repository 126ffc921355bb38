// The Node half of unpacking: the decompression front end, the diffID, layer
// ids. The tree itself is written by the helper (test/integration/unpack-*.test.ts).

import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sha256Digest, writeTar } from '../../../harness/images.js';
import { detectCompression } from '../../../../src/storage/layers/compression.js';
import { chainId } from '../../../../src/storage/layers/layer-store.js';
import { measureLayer } from '../../../../src/storage/layers/measure.js';
import { shortLinkName } from '../../../../src/storage/layers/short-links.js';

/** Small chunks, so entries straddle reads as they do with real streams. */
const chunked = (b: Buffer, size = 333) => Readable.from((function* () { for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size); })());

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

  it('passes through corrupt-data errors (a bzip2 stream too)', async () => {
    // bzip2 is read (podman's containers/image reads it too); a corrupt stream fails when read.
    await expect(measureLayer(Readable.from([Buffer.from('BZh91AY&SY'), Buffer.alloc(64, 0x55)]))).rejects.toThrow(/bzip2 data invalid/);
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
