// Writing an image archive: a tar with fixed metadata (root, mtime 0,
// read-only files, as podman's docker-archive), so saving the same images
// twice gives the same bytes. Entries are written one after another,
// streams with backpressure.

import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar, { type Header } from 'tar-stream';
import { TscRunError } from '../../errors.js';

const EPOCH = new Date(0);

export class TarWriter {
  private readonly pack = tar.pack();
  private readonly done: Promise<void>;

  constructor(dest: Writable, opts: { endDest: boolean }) {
    this.done = pipeline(this.pack, dest, { end: opts.endDest });
    this.done.catch(() => undefined); // observed in finish()
  }

  private header(name: string, type: 'file' | 'directory', size: number): Header {
    return { name, type, size, mode: type === 'file' ? 0o444 : 0o755, mtime: EPOCH, uid: 0, gid: 0, uname: '', gname: '', linkname: '', devmajor: 0, devminor: 0 };
  }

  async directory(name: string): Promise<void> {
    await new Promise<void>((resolve, reject) => this.pack.entry(this.header(name, 'directory', 0), (err) => (err ? reject(err) : resolve())));
  }

  async file(name: string, data: Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) => this.pack.entry(this.header(name, 'file', data.length), data, (err) => (err ? reject(err) : resolve())));
  }

  /** An entry of exactly `size` bytes from `source`; fails (corrupting nothing further) if the source has more or fewer. */
  async stream(name: string, size: number, source: Readable): Promise<void> {
    let written = 0;
    let entry!: ReturnType<tar.Pack['entry']>;
    const finished = new Promise<void>((ok, fail) => {
      entry = this.pack.entry(this.header(name, 'file', size), (err) => (err ? fail(err) : ok()));
    });
    finished.catch(() => undefined); // awaited below
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        written += chunk.length;
        if (written > size) throw new TscRunError(`${name}: more than the expected ${size} bytes`);
        if (!entry.write(chunk)) await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
      }
      if (written !== size) throw new TscRunError(`${name}: ${written} bytes instead of the expected ${size}`);
    } catch (err) {
      source.destroy();
      this.pack.destroy(err as Error);
      throw err;
    }
    entry.end(undefined);
    await finished;
  }

  async finish(): Promise<void> {
    this.pack.finalize();
    await this.done;
  }

  abort(err: Error): void {
    this.pack.destroy(err);
  }
}
