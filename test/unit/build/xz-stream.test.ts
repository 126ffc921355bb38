// xz streams (an ADD'ed .tar.xz, an imported tarball) decompress like gzip
// and zstd ones: the bytes back, whatever the chunking; a broken stream fails.

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decompressed } from '../../../src/storage/layers/compression.js';

// `printf 'hello xz\n' | xz`
const HELLO_XZ = Buffer.from('fd377a585a000004e6d6b4460200210116000000742fe5a301000868656c6c6f20787a0a00000000c1493afa6352145a000121096c18c5d51fb6f37d010000000004595a', 'hex');

async function text(r: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

describe('xz', () => {
  it('is detected and decompressed, in one chunk or byte by byte', async () => {
    const one = await decompressed(Readable.from([HELLO_XZ]));
    expect(one.compression).toBe('xz');
    expect(await text(one.stream)).toBe('hello xz\n');
    const bytes = await decompressed(Readable.from([...HELLO_XZ].map((b) => Buffer.from([b]))));
    expect(await text(bytes.stream)).toBe('hello xz\n');
  });
  it('a truncated stream fails', async () => {
    const cut = await decompressed(Readable.from([HELLO_XZ.subarray(0, 40)]));
    await expect(text(cut.stream)).rejects.toThrow();
  });
});
