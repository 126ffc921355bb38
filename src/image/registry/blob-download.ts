// A registry blob as one stream that survives dropped connections: when a
// response ends early or breaks, the rest is asked for with `Range:
// bytes=N-` (a server that ignores Range sends everything again and the
// part already passed on is skipped), with backoff, until a few attempts in
// a row bring nothing new. Digest and size are checked by the consumer.

import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RegistryClient } from './client.js';
import { TruncatedBlobError } from './errors.js';
import { isNetworkError } from './http.js';
import { backoffDelay } from './retry.js';

export interface BlobSource {
  repository: string;
  digest: string;
  size: number;
}

export interface ResumeOptions {
  /** Attempts in a row without a new byte before giving up (default 3). */
  maxStalls?: number;
  /** Told when a download continues from `offset` after `err`. */
  onResume?: (offset: number, err: unknown) => void;
}

/** Where a 206's Content-Range says its bytes start. */
function rangeStart(header: string | string[] | undefined): number | undefined {
  const m = typeof header === 'string' ? /^bytes (\d+)-/.exec(header) : null;
  return m ? Number(m[1]) : undefined;
}

export function resumableBlob(client: RegistryClient, src: BlobSource, opts: ResumeOptions = {}): Readable {
  const maxStalls = opts.maxStalls ?? 3;
  async function* chunks(): AsyncGenerator<Buffer> {
    let offset = 0;
    let stalls = 0;
    let why: unknown;
    for (;;) {
      const before = offset;
      let res;
      try {
        res = await client.openBlob(src.repository, src.digest, offset);
      } catch (err) {
        // The first request's failures (404, 401, down) are final; a resume may meet a passing one.
        if (offset === 0 || !isNetworkError(err)) throw err;
        res = undefined;
        why = err;
      }
      if (res) {
        let skip = 0;
        if (offset > 0) {
          const start = res.status === 206 ? rangeStart(res.headers['content-range']) : 0;
          skip = start === undefined || start > offset ? -1 : offset - start;
        }
        if (skip < 0) {
          res.body.destroy();
          throw new TruncatedBlobError(`resuming blob ${src.digest} at byte ${offset}: the registry sent an unusable Content-Range`);
        }
        try {
          for await (const c of res.body) {
            let chunk = c as Buffer;
            if (skip > 0) {
              if (chunk.length <= skip) {
                skip -= chunk.length;
                continue;
              }
              chunk = chunk.subarray(skip);
              skip = 0;
            }
            offset += chunk.length;
            yield chunk;
          }
        } catch (err) {
          if (!isNetworkError(err)) throw err;
          why = err;
        } finally {
          if (!res.body.complete) res.body.destroy();
        }
      }
      if (offset >= src.size) return;
      stalls = offset > before ? 0 : stalls + 1;
      if (stalls > maxStalls) {
        throw new TruncatedBlobError(`blob ${src.digest} is truncated: received ${offset} of ${src.size} bytes${why ? ` (${(why as Error).message})` : ''}`);
      }
      opts.onResume?.(offset, why);
      await sleep(backoffDelay(stalls));
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 1 << 20 });
}
