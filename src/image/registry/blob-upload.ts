// Getting one blob into a registry repository as cheaply as it allows:
// nothing if it is there (HEAD); a cross-repository mount when another
// repository on that registry has it; else an upload, monolithic (one PUT)
// for small blobs, in PATCH chunks for big ones, then the closing PUT with
// the digest. A failed upload is started over (with backoff) a few times.

import fs from 'node:fs';
import { Transform } from 'node:stream';
import { scopeFor } from './auth.js';
import type { RegistryClient } from './client.js';
import { RegistryHttpError } from './errors.js';
import { isNetworkError } from './http.js';
import { RetryableFailure, withRetries } from './retry.js';

/** Blobs bigger than this go up in chunks of this size. */
export const CHUNK_SIZE = 32 << 20;

export interface UploadSource {
  digest: string;
  size: number;
  /** The local file with the blob's bytes. */
  file: string;
}

export type UploadOutcome = 'exists' | 'mounted' | 'uploaded';

async function readChunk(fh: fs.promises.FileHandle, start: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let off = 0;
  while (off < length) {
    const { bytesRead } = await fh.read(buf, off, length - off, start + off);
    if (bytesRead === 0) throw new Error(`blob file ended at byte ${start + off}, expected ${start + length}`);
    off += bytesRead;
  }
  return buf;
}

function counting(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
}

export async function uploadBlob(
  client: RegistryClient,
  repository: string,
  src: UploadSource,
  o: { mountFrom?: readonly string[]; onBytes?: (n: number) => void; chunkSize?: number } = {},
): Promise<UploadOutcome> {
  // Asked with push scope too, so one token serves the whole push.
  if (await client.blobExists(repository, src.digest, [scopeFor(repository, ['pull', 'push'])])) return 'exists';
  let location: URL | undefined;
  for (const from of o.mountFrom ?? []) {
    const r = await client.startUpload(repository, { digest: src.digest, from });
    if (r.mounted) return 'mounted';
    location = r.location;
    break; // the registry answered a failed mount with a session: use it
  }
  const chunkSize = o.chunkSize ?? CHUNK_SIZE;
  await withRetries(async (attempt) => {
    try {
      if (attempt > 0 || !location) {
        const session = await client.startUpload(repository);
        if (session.mounted) return;
        location = session.location;
      }
      if (src.size <= chunkSize) {
        await client.finishUpload(repository, location, src.digest, {
          size: src.size,
          open: () => fs.createReadStream(src.file, { highWaterMark: 1 << 20 }).pipe(counting((n) => o.onBytes?.(n))),
        });
        return;
      }
      const fh = await fs.promises.open(src.file, 'r');
      try {
        let loc = location;
        for (let start = 0; start < src.size; start += chunkSize) {
          const chunk = await readChunk(fh, start, Math.min(chunkSize, src.size - start));
          loc = await client.uploadChunk(repository, loc, chunk, start);
          o.onBytes?.(chunk.length);
        }
        await client.finishUpload(repository, loc, src.digest);
      } finally {
        await fh.close();
      }
    } catch (err) {
      if (isNetworkError(err) || (err instanceof RegistryHttpError && err.status >= 500)) throw new RetryableFailure(err);
      throw err;
    }
  }, { retries: 2 });
  return 'uploaded';
}
