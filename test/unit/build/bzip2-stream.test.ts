// bzip2 streams (an ADD'ed .tar.bz2, a loaded or imported tarball) decompress
// like gzip, zstd and xz ones: the bytes back whatever the chunking, several
// concatenated streams (pbzip2's output) whole; a cut or corrupt stream fails.

import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decompressed } from '../../../src/storage/layers/compression.js';

// `printf 'hello bzip2\n' | bzip2`
const HELLO_BZ2 = Buffer.from('425a6839314159265359ab6ba1f1000002d9800010400010001264c01020003100d34d04001ea3ef4e51a2078bb9229c284855b5d0f880', 'hex');

async function bytes(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

function chunked(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

describe('bzip2', () => {
  it('is detected and decompressed, in one chunk or byte by byte', async () => {
    const one = await decompressed(Readable.from([HELLO_BZ2]));
    expect(one.compression).toBe('bzip2');
    expect((await bytes(one.stream)).toString()).toBe('hello bzip2\n');
    const byByte = await decompressed(Readable.from(chunked(HELLO_BZ2, 1)));
    expect((await bytes(byByte.stream)).toString()).toBe('hello bzip2\n');
  });

  it('several blocks and concatenated streams come back whole', async () => {
    // Over 900 kB: more than one bzip2 block; two streams back to back, as pbzip2 writes.
    const data = Buffer.alloc(2_500_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 10)) & 0xff;
    const bz = Buffer.concat([execFileSync('bzip2', ['-c'], { input: data.subarray(0, 1_000_000), maxBuffer: 1 << 26 }), execFileSync('bzip2', ['-c'], { input: data.subarray(1_000_000), maxBuffer: 1 << 26 })]);
    const r = await decompressed(Readable.from(chunked(bz, 7777)));
    expect((await bytes(r.stream)).equals(data)).toBe(true);
  });

  it('a truncated or corrupt stream fails', async () => {
    const cut = await decompressed(Readable.from([HELLO_BZ2.subarray(0, 30)]));
    await expect(bytes(cut.stream)).rejects.toThrow(/^bzip2 data invalid: /);
    const junk = await decompressed(Readable.from([Buffer.from('BZh91AY&SY'), Buffer.alloc(200, 0x55)]));
    await expect(bytes(junk.stream)).rejects.toThrow(/^bzip2 data invalid: /);
    const flipped = Buffer.from(HELLO_BZ2);
    flipped[20]! ^= 0x10;
    await expect(bytes((await decompressed(Readable.from([flipped]))).stream)).rejects.toThrow(/^bzip2 data invalid: /);
  });
});
