// The monitor's attach protocol (docs/helper-protocol.md, "Attach
// protocol"): frames [type u8][length u16 BE][payload] both ways; and the
// detach-key matcher an attached client runs on its stdin. Pure.

export const Frame = {
  Stdin: 0,
  Stdout: 1,
  Stderr: 2,
  Exit: 3,
  StdinEof: 4,
  Resize: 5,
} as const;

const MAX_PAYLOAD = 0xffff;

/** One or more frames for `payload` (split at the 64 KiB frame limit). */
export function encodeFrames(type: number, payload: Uint8Array = new Uint8Array()): Buffer {
  const parts: Buffer[] = [];
  let off = 0;
  do {
    const n = Math.min(MAX_PAYLOAD, payload.length - off);
    const head = Buffer.from([type, n >> 8, n & 0xff]);
    parts.push(head, Buffer.from(payload.subarray(off, off + n)));
    off += n;
  } while (off < payload.length);
  return Buffer.concat(parts);
}

export interface DecodedFrame {
  type: number;
  payload: Buffer;
}

/** Incremental decoder: feed chunks as they arrive, get whole frames. */
export class FrameDecoder {
  private buf = Buffer.alloc(0);

  push(chunk: Uint8Array): DecodedFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: DecodedFrame[] = [];
    while (this.buf.length >= 3) {
      const len = (this.buf[1]! << 8) | this.buf[2]!;
      if (this.buf.length < 3 + len) break;
      out.push({ type: this.buf[0]!, payload: this.buf.subarray(3, 3 + len) });
      this.buf = this.buf.subarray(3 + len);
    }
    return out;
  }
}

/**
 * Watches stdin bytes for the detach sequence. Bytes that turn out not to be
 * part of it are passed on, in order; the sequence itself never is.
 */
export class DetachKeyMatcher {
  private held = 0;

  constructor(private readonly keys: Uint8Array) {}

  /** The bytes to forward, and whether the sequence completed (bytes after it are dropped). */
  feed(chunk: Uint8Array): { forward: Buffer; detach: boolean } {
    if (this.keys.length === 0) return { forward: Buffer.from(chunk), detach: false };
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.keys[this.held]) {
        this.held++;
        if (this.held === this.keys.length) {
          this.held = 0;
          return { forward: Buffer.from(out), detach: true };
        }
        continue;
      }
      if (this.held) {
        out.push(...this.keys.subarray(0, this.held));
        this.held = 0;
        if (b === this.keys[0]) {
          this.held = 1;
          continue;
        }
      }
      out.push(b);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
