// Content-addressed blobs (manifests, configs, layer tarballs) under
// blobs/sha256/<hex>. A blob is written to a temp file in the same directory
// while hashing, checked against the digest the caller expects, fsynced and
// renamed into place: under its final name a blob is always complete and
// correct, and a failed write leaves nothing (a killed writer leaves a temp
// file that sweepTempFiles recognises).

import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TscRunError } from '../errors.js';
import { errnoCode, fsyncDir, tempFileName } from './atomic-file.js';

const DIGEST_RE = /^sha256:([0-9a-f]{64})$/;

/** Content did not hash to the digest it was supposed to have. */
export class DigestMismatchError extends TscRunError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    what = 'blob',
  ) {
    super(`${what} digest did not match: expected ${expected}, got ${actual}`);
  }
}

/** Hex part of a `sha256:<hex>` digest; refuses anything else (digests become file names). */
export function digestHex(digest: string): string {
  const m = DIGEST_RE.exec(digest);
  if (!m) throw new TscRunError(`invalid digest ${JSON.stringify(digest)}: expected sha256:<64 hex digits>`);
  return m[1]!;
}

export function sha256Digest(data: Uint8Array | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export interface BlobInfo {
  digest: string;
  size: number;
}

export class BlobStore {
  readonly dir: string;

  constructor(dataRoot: string) {
    this.dir = path.join(dataRoot, 'blobs', 'sha256');
  }

  path(digest: string): string {
    // this.dir is normalised and a digest's hex has no separator: no path.join per blob (it showed in `images` over 1,000 images).
    return `${this.dir}/${digestHex(digest)}`;
  }

  async has(digest: string): Promise<boolean> {
    try {
      await fs.access(this.path(digest));
      return true;
    } catch {
      return false;
    }
  }

  async read(digest: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.path(digest));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') throw new TscRunError(`blob ${digest} is missing from the store`, undefined, { cause: err });
      throw err;
    }
  }

  /** Delete a blob (nothing if it is absent). */
  async remove(digest: string): Promise<void> {
    await fs.rm(this.path(digest), { force: true });
  }

  /** Start writing a blob of unknown digest; commit() names it. */
  async writer(): Promise<BlobWriter> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(this.dir, tempFileName('blob'));
    const fh = await fs.open(tmp, 'wx', 0o644);
    return new BlobWriter(this, tmp, fh);
  }

  /** Store bytes; with `expected`, refuse (and keep nothing) unless they hash to it. */
  async put(data: Uint8Array, expected?: string): Promise<BlobInfo> {
    const w = await this.writer();
    try {
      await w.write(data);
    } catch (err) {
      await w.abort();
      throw err;
    }
    const { digest, size } = await w.commit(expected);
    return { digest, size };
  }

  /** Store a stream's bytes (see put). */
  async putStream(input: Readable, expected?: string): Promise<BlobInfo> {
    const w = await this.writer();
    try {
      // The tap sees every byte; the sink only drains.
      await pipeline(input, w.tap(), async (source: AsyncIterable<Buffer>) => {
        for await (const _ of source);
      });
    } catch (err) {
      await w.abort();
      throw err;
    }
    const { digest, size } = await w.commit(expected);
    return { digest, size };
  }
}

/** One blob being written: hash as you write, then commit or abort. */
export class BlobWriter {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;
  private done = false;

  constructor(
    private readonly store: BlobStore,
    private readonly tmp: string,
    private readonly fh: fs.FileHandle,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    this.size += chunk.length;
    await this.fh.write(chunk);
  }

  /** A pass-through stream that also writes everything it sees into the blob. */
  tap(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        this.write(chunk).then(() => cb(null, chunk), cb);
      },
    });
  }

  /**
   * Verify, make durable, and move into place under the digest. `fresh`
   * says the store did not have the blob before (so a caller that fails
   * later may take it back out).
   */
  async commit(expected?: string): Promise<BlobInfo & { fresh: boolean }> {
    const digest = 'sha256:' + this.hash.digest('hex');
    let fresh: boolean;
    try {
      if (expected !== undefined && expected !== digest) throw new DigestMismatchError(expected, digest);
      await this.fh.sync();
      await this.fh.close();
      this.done = true;
      fresh = !(await this.store.has(digest));
      await fs.rename(this.tmp, this.store.path(digest));
    } catch (err) {
      await this.abort();
      throw err;
    }
    await fsyncDir(this.store.dir);
    return { digest, size: this.size, fresh };
  }

  /** Drop the temp file. Safe to call more than once. */
  async abort(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.fh.close().catch(() => undefined);
    }
    await fs.rm(this.tmp, { force: true });
  }
}
