// Keeps a copy of a layer blob as it streams past on its way to being
// unpacked: the bytes go to a temp file in the blob store (with the
// stream's back-pressure, without waiting for each write) and are renamed
// to their digest once the caller has verified them. Pulled images keep
// their compressed layers so push and save can send them unchanged (same
// digests as the source registry).

import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fsyncDir, tempFileName } from '../../storage/atomic-file.js';
import type { BlobStore } from '../../storage/blob-store.js';

export class BlobTee {
  private readonly out: fs.WriteStream;
  private closed = false;

  private constructor(
    private readonly store: BlobStore,
    private readonly tmp: string,
  ) {
    this.out = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o644, highWaterMark: 1 << 20 });
    // Reported by the stream that writes into it (transform) or by commit.
    this.out.on('error', () => undefined);
  }

  static async open(store: BlobStore): Promise<BlobTee> {
    await fs.promises.mkdir(store.dir, { recursive: true, mode: 0o700 });
    return new BlobTee(store, path.join(store.dir, tempFileName('blob')));
  }

  /** Pass-through that also writes everything into the temp file. */
  transform(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        if (this.out.errored) return cb(this.out.errored);
        if (this.out.write(chunk)) cb(null, chunk);
        else this.out.once('drain', () => cb(null, chunk));
      },
    });
  }

  /** Make the verified copy durable under its digest. */
  async commit(digest: string): Promise<void> {
    this.closed = true;
    this.out.end();
    await finished(this.out);
    const fh = await fs.promises.open(this.tmp, 'r');
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(this.tmp, this.store.path(digest));
    await fsyncDir(this.store.dir);
  }

  /** Drop the temp file. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.out.destroy();
      await finished(this.out).catch(() => undefined);
    }
    await fs.promises.rm(this.tmp, { force: true });
  }
}
