// Re-encode one stored layer blob for push: decompress what it is
// (gzip or zstd, sniffed), compress as asked (gzip, zstd, or not at all)
// into a temp file next to `dir`'s other files, hashing on the way. The
// caller sends the file and removes it (remove()); a temp file left by a
// killed push is a dot-file the next pull's sweep of the blob store drops.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { tempFileName } from '../../storage/atomic-file.js';
import { decompressed } from '../../storage/layers/compression.js';
import type { Encoding } from './push-plan.js';

export interface TranscodedBlob {
  file: string;
  digest: string;
  size: number;
  remove(): Promise<void>;
}

function compressor(to: Encoding): Transform | undefined {
  if (to === 'gzip') return zlib.createGzip({ chunkSize: 256 << 10 });
  if (to === 'zstd') return zlib.createZstdCompress({ chunkSize: 256 << 10 });
  return undefined;
}

export async function transcodeLayer(source: string, to: Encoding, dir: string, onBytes?: (n: number) => void): Promise<TranscodedBlob> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, tempFileName('blob'));
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const remove = () => fs.promises.rm(file, { force: true });
  try {
    const input = fs.createReadStream(source, { highWaterMark: 1 << 20 });
    if (onBytes) input.on('data', (c: Buffer | string) => onBytes(c.length));
    const { stream } = await decompressed(input);
    const c = compressor(to);
    const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o644 });
    if (c) await pipeline(stream, c, measure, out);
    else await pipeline(stream, measure, out);
  } catch (err) {
    await remove();
    throw err;
  }
  return { file, digest: `sha256:${hash.digest('hex')}`, size, remove };
}
