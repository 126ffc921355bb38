// Times the user types for `logs --since/--until` and `until=` filters,
// read as podman's util.ParseInputTime does: RFC 3339 (with or without
// fraction or zone), a date, Unix seconds (with a fraction), or a Go
// duration counted back from now (forward for --until). Pure.

import { UsageError } from '../errors.js';
import { GoTime } from './go-time.js';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration in nanoseconds (`1h30m`, `1.5s`, `300ms`, `-2m`); undefined when invalid. */
export function parseGoDuration(text: string): number | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (!m) return text === '0' ? 0 : undefined;
  let total = 0;
  for (const part of text.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_NS[part[2]!]!;
  }
  return m[1] === '-' ? -total : total;
}

function fromNanos(ns: bigint): GoTime {
  const sec = ns / 1_000_000_000n - (ns % 1_000_000_000n < 0n ? 1n : 0n);
  const nanos = Number(ns - sec * 1_000_000_000n);
  return new GoTime(Number(sec) * 1000 + Math.trunc(nanos / 1_000_000), nanos);
}

function nowNanos(now: Date | GoTime): bigint {
  return now instanceof GoTime ? now.unixNano() : BigInt(now.getTime()) * 1_000_000n;
}

/**
 * The instant an input names. `since` says which way a duration counts:
 * back from now for --since, forward for --until (podman 4.3).
 */
export function parseInputTime(input: string, since: boolean, now: Date = new Date()): GoTime {
  const s = input.trim();
  // RFC 3339 family: 2006-01-02T15:04:05[.frac][Z|±hh:mm]; no zone means UTC, as Go's time.Parse.
  const full = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/i.exec(s);
  if (full) {
    const t = GoTime.fromRfc3339(`${full[1]}T${full[2]}${full[3] ?? ''}${(full[4] ?? 'Z').toUpperCase()}`);
    if (t) return t;
  }
  // 2006-01-02 and 2006-01-02Z07:00
  const day = /^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$/i.exec(s);
  if (day) {
    const t = GoTime.fromRfc3339(`${day[1]}T00:00:00${(day[2] ?? 'Z').toUpperCase()}`);
    if (t) return t;
  }
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const [int, frac = ''] = s.split('.');
    const ns = BigInt(int!) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9)) * (s.startsWith('-') ? -1n : 1n);
    return fromNanos(ns);
  }
  const d = parseGoDuration(s);
  if (d === undefined) throw new UsageError(`unable to interpret time value`);
  const delta = BigInt(Math.round(d));
  return fromNanos(since ? nowNanos(now) - delta : nowNanos(now) + delta);
}
