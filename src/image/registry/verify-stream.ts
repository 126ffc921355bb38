// A pass-through that checks a blob against its descriptor while it flows
// (no second pass): more bytes than the descriptor's size fail at once, and
// at the end both the size and the sha256 must match, before anything
// downstream can treat the data as complete.

import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { DigestMismatchError } from '../../storage/blob-store.js';
import { RegistryError, TruncatedBlobError } from './errors.js';

export interface VerifyOptions {
  digest: string;
  size: number;
  /** Bytes passed so far (progress). */
  onBytes?: (n: number) => void;
  /** All bytes seen and verified. */
  onVerified?: () => void;
}

export function verifyingStream(o: VerifyOptions): Transform {
  const hash = createHash('sha256');
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > o.size) {
        cb(new RegistryError(`blob ${o.digest} is larger than the ${o.size} bytes its manifest says`));
        return;
      }
      hash.update(chunk);
      o.onBytes?.(chunk.length);
      cb(null, chunk);
    },
    flush(cb) {
      if (seen !== o.size) {
        cb(new TruncatedBlobError(`blob ${o.digest} is truncated: received ${seen} of ${o.size} bytes`));
        return;
      }
      const actual = 'sha256:' + hash.digest('hex');
      if (actual !== o.digest) {
        cb(new DigestMismatchError(o.digest, actual));
        return;
      }
      o.onVerified?.();
      cb();
    },
  });
}
