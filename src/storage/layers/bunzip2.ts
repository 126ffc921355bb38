// A streaming bzip2 decoder: a Transform (back-pressure, errors as any
// stream's) over the block decoder of unbzip2-stream (lib/bzip2.js and
// lib/bit_iterator.js: plain JavaScript with no imports). Its own wrapper is
// a `through` stream, whose require('stream') the bundle cannot hand it as a
// constructor. Blocks are decoded once a whole block's worth of input is
// buffered (the bit reader never runs dry mid-block but at the real end);
// several concatenated streams (pbzip2) are read one after the other.

import { Transform, type TransformCallback } from 'node:stream';
import { TscRunError } from '../../errors.js';

interface BitReader {
  (n: number | null): number;
  bytesRead: number;
}
interface BlockDecoder {
  header(bits: BitReader): number;
  decompress(bits: BitReader, out: (byte: number) => void, buf: Int32Array, size: number, streamCrc: number): number | null;
}

/** The input ended inside a stream. */
class InputEnded extends Error {}

/** The most compressed bytes one block can take (unbzip2-stream's bound: a block plus its tables). */
const blockBound = (level: number) => 25_000 + 100_000 * level;

export async function bunzip2(): Promise<Transform> {
  // @ts-expect-error: a CommonJS file of the package without types (see BlockDecoder).
  const lib = (await import('unbzip2-stream/lib/bzip2.js')) as { default: BlockDecoder };
  // @ts-expect-error: as above.
  const iter = (await import('unbzip2-stream/lib/bit_iterator.js')) as { default: (next: () => Buffer) => BitReader };
  const bz = lib.default;
  const queue: Buffer[] = [];
  let received = 0;
  let bits: BitReader | undefined;
  let level = 0; // the current stream's block size (1-9), 0 between streams
  let crc: number | null = null; // the running stream checksum, null between streams
  let ended = false;

  /** Decode the next header or block; false at the end of a stream. */
  const step = (push: (b: Buffer) => void): boolean => {
    if (!level) {
      level = bz.header(bits!);
      crc = 0;
      return true;
    }
    const size = 100_000 * level;
    let out = Buffer.allocUnsafe(size);
    let n = 0;
    crc = bz.decompress(
      bits!,
      (byte) => {
        if (n === out.length) {
          const grown = Buffer.allocUnsafe(out.length * 2);
          out.copy(grown);
          out = grown;
        }
        out[n++] = byte;
      },
      new Int32Array(size),
      size,
      crc!,
    );
    if (crc === null) {
      level = 0;
      return false;
    }
    if (n) push(out.subarray(0, n));
    return true;
  };

  const decode = (t: Transform, final: boolean): void => {
    if (!bits) return;
    while (final ? received > bits.bytesRead : received - bits.bytesRead >= (level ? blockBound(level) : 4)) step((b) => t.push(b));
  };

  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (!chunk.length) return cb();
      queue.push(chunk);
      received += chunk.length;
      bits ??= iter.default(() => {
        const next = queue.shift();
        if (next) return next;
        if (ended) throw new InputEnded();
        // Never reached: decode() waits for a block's worth of input first.
        throw new Error('bzip2 reader ran ahead of its input');
      });
      try {
        decode(this, false);
        cb();
      } catch (err) {
        cb(bzip2Error(err));
      }
    },
    flush(cb: TransformCallback) {
      ended = true;
      try {
        decode(this, true);
        if (crc !== null || !bits) throw new InputEnded();
        cb();
      } catch (err) {
        cb(bzip2Error(err));
      }
    },
  });
}

/** The decoder's messages (whimsical) in Go compress/bzip2's words. */
function bzip2Error(err: unknown): TscRunError {
  const msg = err instanceof Error ? err.message : String(err);
  const why = err instanceof InputEnded ? 'unexpected EOF' : /crc32/.test(msg) ? 'checksum mismatch' : 'corrupt block';
  return new TscRunError(`bzip2 data invalid: ${why}`);
}
