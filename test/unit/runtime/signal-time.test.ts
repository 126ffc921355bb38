import { describe, expect, it } from 'vitest';
import { GoTime, rfc3339Nano } from '../../../src/format/go-time.js';
import { parseSignal, signalName } from '../../../src/runtime/container/container-signal.js';
import { parseGoDuration, parseInputTime } from '../../../src/format/time-input.js';

describe('parseSignal', () => {
  it('names with or without SIG, any case, and numbers', () => {
    expect(parseSignal('KILL')).toBe(9);
    expect(parseSignal('SIGTERM')).toBe(15);
    expect(parseSignal('term')).toBe(15);
    expect(parseSignal('sigusr1')).toBe(10);
    expect(parseSignal('9')).toBe(9);
    expect(parseSignal('RTMIN+3')).toBe(37);
    expect(parseSignal('SIGRTMAX')).toBe(64);
    expect(parseSignal('IOT')).toBe(6);
  });
  it("podman's error for anything else", () => {
    for (const bad of ['FOO', '0', '-1', 'RTMIN+40', '']) expect(() => parseSignal(bad)).toThrow(`invalid signal: ${bad}`);
    // A number beyond the range: podman's range check (create --stop-signal=99).
    for (const bad of ['65', '99']) expect(() => parseSignal(bad)).toThrow('valid signals are 1 through 64');
  });
  it('names for messages', () => {
    expect(signalName(15)).toBe('SIGTERM');
    expect(signalName(6)).toBe('SIGABRT');
    expect(signalName(36)).toBe('SIGRTMIN+2');
  });
});

describe('GoTime', () => {
  it('keeps nanoseconds and prints Go String() and RFC3339Nano', () => {
    const t = GoTime.fromRfc3339('2026-11-22T11:32:36.910357945+00:00')!;
    expect(t.nanos).toBe(910357945);
    expect(String(t)).toBe('2026-11-22 11:32:36.910357945 +0000 UTC');
    expect(JSON.stringify({ t })).toBe('{"t":"2026-11-22T11:32:36.910357945Z"}');
    expect(t.unix()).toBe(Date.parse('2026-11-22T11:32:36Z') / 1000);
  });
  it('millisecond timestamps from Node, other zones, trailing zeros', () => {
    expect(JSON.stringify(GoTime.fromRfc3339('2026-11-22T11:32:36.500Z'))).toBe('"2026-11-22T11:32:36.5Z"');
    expect(JSON.stringify(GoTime.fromRfc3339('2026-11-22T13:32:36+02:00'))).toBe('"2026-11-22T11:32:36Z"');
    expect(GoTime.fromRfc3339('yesterday')).toBeUndefined();
  });
  it("Go's zero time", () => {
    const z = GoTime.zero();
    expect(z.isZero()).toBe(true);
    expect(z.unix()).toBe(-62135596800);
    expect(String(z)).toBe('0001-01-01 00:00:00 +0000 UTC');
    expect(JSON.stringify(z)).toBe('"0001-01-01T00:00:00Z"');
  });
  it('rfc3339Nano of a plain Date', () => {
    expect(rfc3339Nano(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05Z');
  });
});

describe('input times (logs --since/--until)', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  it('Go durations', () => {
    expect(parseGoDuration('10m')).toBe(600e9);
    expect(parseGoDuration('1h30m')).toBe(5400e9);
    expect(parseGoDuration('1.5s')).toBe(1.5e9);
    expect(parseGoDuration('300ms')).toBe(300e6);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('10')).toBeUndefined();
    expect(parseGoDuration('abc')).toBeUndefined();
  });
  it('durations count back for --since and forward for --until', () => {
    expect(parseInputTime('10m', true, now).toISOString()).toBe('2026-11-22T11:50:00.000Z');
    expect(parseInputTime('10m', false, now).toISOString()).toBe('2026-11-22T12:10:00.000Z');
  });
  it('RFC 3339 with nanoseconds, without zone (UTC), dates, Unix seconds', () => {
    const t = parseInputTime('2026-11-22T11:32:36.910400Z', true, now);
    expect(t.nanos).toBe(910400000);
    expect(parseInputTime('2026-11-22T11:32:36', true, now).toISOString()).toBe('2026-11-22T11:32:36.000Z');
    expect(parseInputTime('2026-11-22', true, now).toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(parseInputTime('1700000000.25', true, now).toISOString()).toBe('2023-11-14T22:13:20.250Z');
  });
  it("podman's error", () => {
    expect(() => parseInputTime('soon', true, now)).toThrow('unable to interpret time value');
  });
});
