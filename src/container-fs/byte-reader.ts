// Reading a byte stream as lines and exact byte counts (the helper's `fs`
// answers: header lines, then file data), pulling chunks only as needed so
// the helper is held back by backpressure, not buffered in memory.

import type { Readable } from 'node:stream';
import { TscRunError } from '../errors.js';

export class ByteReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(stream: Readable) {
    this.chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.chunks.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    return true;
  }

  /** The next line without `\n` (ASCII), or undefined at the end of the stream. */
  async line(): Promise<string | undefined> {
    let from = 0;
    for (;;) {
      const nl = this.buf.indexOf(10, from);
      if (nl >= 0) {
        const line = this.buf.subarray(0, nl).toString('latin1');
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      from = this.buf.length;
      if (!(await this.more())) {
        if (this.buf.length) throw new TscRunError('the helper ended in the middle of a line');
        return undefined;
      }
    }
  }

  /** Pass exactly n bytes to sink, chunk by chunk (awaiting it: backpressure). */
  async bytes(n: number, sink: (chunk: Buffer) => void | Promise<void>): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.more())) throw new TscRunError('the helper ended in the middle of file data');
      const take = Math.min(left, this.buf.length);
      const chunk = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
      await sink(chunk);
    }
  }
}
