// Random bytes without node:crypto: loading it (or Web Crypto's getter) costs
// ~6 ms of CPU each, and `run` loaded both only to name a container and
// draw its id. The kernel's urandom is the same source they use.

import fs from 'node:fs';

export function randomBytesSync(n: number): Buffer {
  const buf = Buffer.allocUnsafe(n);
  const fd = fs.openSync('/dev/urandom', 'r');
  try {
    let got = 0;
    while (got < n) {
      const r = fs.readSync(fd, buf, got, n - got, null);
      if (r <= 0) throw new Error('short read from /dev/urandom');
      got += r;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

/** A uniform integer in [0, max), max < 2^32 (rejection sampling, no modulo bias). */
export function randomIntBelow(max: number): number {
  const limit = Math.floor(0x1_0000_0000 / max) * max;
  for (;;) {
    const v = randomBytesSync(4).readUInt32LE(0);
    if (v < limit) return v % max;
  }
}
