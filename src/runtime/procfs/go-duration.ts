// Go's time.Duration.String(), which podman prints for ELAPSED and TIME in
// `top` and CPU TIME in `stats`: `0s`, `1.5ms`, `7.372133656s`, `1h2m3s`. Pure.

function fraction(v: bigint, digits: number): string {
  const s = v.toString().padStart(digits, '0').replace(/0+$/, '');
  return s ? `.${s}` : '';
}

export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    // Below a second: the largest unit that keeps an integer part.
    if (u < 1_000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${u / 1_000n}${fraction(u % 1_000n, 3)}µs`;
    else out = `${u / 1_000_000n}${fraction(u % 1_000_000n, 6)}ms`;
  } else {
    const sec = `${(u / 1_000_000_000n) % 60n}${fraction(u % 1_000_000_000n, 9)}s`;
    u /= 1_000_000_000n;
    const min = u / 60n;
    if (min === 0n) out = sec;
    else if (min < 60n) out = `${min}m${sec}`;
    else out = `${min / 60n}h${min % 60n}m${sec}`;
  }
  return neg ? `-${out}` : out;
}
