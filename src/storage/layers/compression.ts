// Layer blobs come plain, gzip'd or zstd'd, whatever their media type or file
// name says: detect by magic bytes (as containers/storage does) and
// decompress with node:zlib (zstd is native in Node 24); xz and bzip2 (an
// ADD'ed .tar.xz or .tar.bz2, an imported or loaded tarball, as podman's
// containers/image reads them) with xz-decompress (WebAssembly) and
// unbzip2-stream's block decoder (plain JavaScript, bunzip2.ts), each loaded only when its stream is seen.

import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { Readable as ReadableStream, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { TscRunError } from '../../errors.js';

export type Compression = 'none' | 'gzip' | 'zstd' | 'bzip2' | 'xz';

/** Bytes needed to tell the formats apart. */
export const MAGIC_LENGTH = 6;

export function detectCompression(head: Uint8Array): Compression {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return 'gzip';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  return 'none';
}

/** The compression of a file, from its first bytes. */
export async function detectFileCompression(file: string): Promise<Compression> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC_LENGTH);
    const { bytesRead } = await fh.read(head, 0, MAGIC_LENGTH, 0);
    return detectCompression(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** A stream that undoes `kind`; undefined for plain data. */
function decompressor(kind: Compression): NodeJS.ReadWriteStream | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'gzip':
      return zlib.createGunzip({ chunkSize: 256 << 10 });
    case 'zstd':
      return zlib.createZstdDecompress({ chunkSize: 256 << 10 });
    default:
      throw new TscRunError(`unsupported layer compression ${kind}: only uncompressed, gzip, zstd, bzip2 and xz tarballs can be used`);
  }
}

/**
 * Sniff the first bytes of `input` and return the decompressed stream
 * (the input itself, head included, when it is not compressed).
 */
export async function decompressed(input: Readable): Promise<{ compression: Compression; stream: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < MAGIC_LENGTH) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    chunks.push(r.value);
    length += r.value.length;
  }
  const head = Buffer.concat(chunks);
  const compression = detectCompression(head);
  const rest = async function* (): AsyncGenerator<Buffer> {
    try {
      if (head.length) yield head;
      if (ended) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      // Stopped early (an error downstream): release the input too.
      if (!ended) await it.return?.();
    }
  };
  const raw = ReadableStream.from(rest(), { objectMode: false });
  if (compression === 'xz') {
    // A UMD module: its exports are the default export once bundled as ESM.
    const mod = await import('xz-decompress');
    type Xz = typeof mod.XzReadableStream;
    const XzReadableStream = (mod as unknown as { default?: { XzReadableStream: Xz } }).default?.XzReadableStream ?? mod.XzReadableStream;
    const web = new XzReadableStream(ReadableStream.toWeb(raw));
    return { compression, stream: ReadableStream.fromWeb(web) };
  }
  if (compression === 'bzip2') {
    const d = await (await import('./bunzip2.js')).bunzip2();
    return { compression, stream: pipeline(raw, d, () => {}) as unknown as Readable };
  }
  const d = decompressor(compression);
  if (!d) return { compression, stream: raw };
  // pipeline destroys both on an error in either, so the consumer of `d` sees it.
  return { compression, stream: pipeline(raw, d, () => {}) as unknown as Readable };
}
