// Go's time.Time as podman prints it: `{{.State.StartedAt}}` in a template
// shows Go's String() form (`2026-11-22 11:33:34.692210617 +0000 UTC`), the
// JSON of inspect shows RFC 3339 with nanoseconds (`...34.692210617Z`), and a
// time never set is Go's zero time (`0001-01-01T00:00:00Z`). One value that
// renders both ways: a Date (the template engine prints a Date with
// toString()) that keeps the nanoseconds a JS Date cannot hold. Pure.

import { goTimeString } from './human.js';

/** Seconds from the Unix epoch to Go's zero time, 0001-01-01T00:00:00Z. */
export const GO_ZERO_UNIX = -62135596800;

const RFC3339_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

export class GoTime extends Date {
  /** Nanoseconds within the second (0..999 999 999); the Date itself holds the milliseconds. */
  readonly nanos: number;

  constructor(epochMs: number, nanos?: number) {
    super(epochMs);
    const ms = ((epochMs % 1000) + 1000) % 1000;
    this.nanos = nanos ?? ms * 1_000_000;
  }

  /** Go's zero time (a field never set). */
  static zero(): GoTime {
    return new GoTime(GO_ZERO_UNIX * 1000, 0);
  }

  /** Parse RFC 3339 with up to nanosecond precision (what the monitor and Node write); undefined when absent or invalid. */
  static fromRfc3339(text: string | undefined): GoTime | undefined {
    if (!text) return undefined;
    // Fast path for what Node writes (toISOString); ps parses a few per container.
    if (text.length === 24 && text.charCodeAt(23) === 90 /* Z */ && text.charCodeAt(19) === 46 /* . */) {
      const t = Date.parse(text);
      if (!Number.isNaN(t)) return new GoTime(t);
    }
    const m = RFC3339_RE.exec(text.trim());
    if (!m) return undefined;
    const frac = (m[3] ?? '').padEnd(9, '0');
    const nanos = Number(frac);
    const base = Date.parse(`${m[1]}T${m[2]}${m[4]!.toUpperCase()}`);
    if (Number.isNaN(base)) return undefined;
    return new GoTime(base + Math.trunc(nanos / 1_000_000), nanos);
  }

  /** parse(), or Go's zero time. */
  static parseOrZero(text: string | undefined): GoTime {
    return GoTime.fromRfc3339(text) ?? GoTime.zero();
  }

  isZero(): boolean {
    return this.getTime() === GO_ZERO_UNIX * 1000 && this.nanos === 0;
  }

  /** Whole seconds since the epoch, as Go's Unix() (floor, also before 1970). */
  unix(): number {
    return Math.floor(this.getTime() / 1000);
  }

  /** Go's t.Unix(), so `{{.Created.Unix}}` works in templates. */
  Unix(): number {
    return this.unix();
  }

  /** Nanoseconds since the epoch as a bigint, for exact ordering. */
  unixNano(): bigint {
    return BigInt(this.unix()) * 1_000_000_000n + BigInt(this.nanos);
  }

  /** Go's time.String() (UTC). */
  override toString(): string {
    return goTimeString(this, this.nanos);
  }

  /** Go's time.RFC3339Nano (UTC): trailing zeros of the fraction dropped. */
  override toJSON(): string {
    return rfc3339Nano(this, this.nanos);
  }
}

/** `2026-11-22T11:32:36.910357945Z`: Go's RFC3339Nano of a UTC time. */
export function rfc3339Nano(when: Date, nanos?: number): string {
  const iso = when.toISOString();
  const ns = nanos ?? when.getUTCMilliseconds() * 1_000_000;
  const frac = ns > 0 ? '.' + String(ns).padStart(9, '0').replace(/0+$/, '') : '';
  return `${iso.slice(0, 19)}${frac}Z`;
}

// Wall clock with nanoseconds, as Go's time.Now(): the monotonic high
// resolution clock anchored once to Date.now() (a JS Date holds milliseconds).
const hrAnchor = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Now as RFC 3339 with nanoseconds (`...27.557597359Z`), what podman records for a container's created/started times. */
export function nowRfc3339Nano(): string {
  const ns = hrAnchor + process.hrtime.bigint();
  return rfc3339Nano(new Date(Number(ns / 1_000_000n)), Number(ns % 1_000_000_000n));
}

/** Go's time.Duration.String() of nanoseconds: `0s`, `500ms`, `1.5s`, `1m30s`, `2h0m0s`. */
export function goDurationString(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let u = Math.abs(Math.trunc(ns));
  const frac = (n: number, digits: number) => {
    const whole = Math.floor(n / 10 ** digits);
    const rest = String(n % 10 ** digits).padStart(digits, '0').replace(/0+$/, '');
    return rest ? `${whole}.${rest}` : String(whole);
  };
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${frac(u, 3)}µs`;
  if (u < 1e9) return `${sign}${frac(u, 6)}ms`;
  const h = Math.floor(u / 3.6e12);
  u -= h * 3.6e12;
  const m = Math.floor(u / 6e10);
  u -= m * 6e10;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${frac(u, 9)}s`;
}
