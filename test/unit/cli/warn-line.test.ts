import { describe, expect, it } from 'vitest';
import { localRfc3339, logrusLine } from '../../../src/cli/warn.js';

describe('logrus text lines as podman prints them', () => {
  const now = new Date('2026-12-05T03:02:09.123Z');
  it('not on a terminal: time, level, msg (quoted only when it must be)', () => {
    const want = now.getTimezoneOffset() === 0 ? '2026-12-05T03:02:09Z' : localRfc3339(now);
    expect(logrusLine('warning', 'StopSignal SIGTERM failed', { terminal: false, now })).toBe(`time="${want}" level=warning msg="StopSignal SIGTERM failed"\n`);
    expect(logrusLine('error', 'plain', { terminal: false, now })).toBe(`time="${want}" level=error msg=plain\n`);
    expect(logrusLine('warning', 'say "hi"', { terminal: false, now })).toContain('msg="say \\"hi\\""');
  });
  it('on a terminal: coloured level, seconds since start, the message padded to 44', () => {
    expect(logrusLine('warning', 'short', { terminal: true, uptimeSeconds: 3.7 })).toBe(`\x1b[33mWARN\x1b[0m[0003] ${'short'.padEnd(44)} \n`);
    expect(logrusLine('error', 'x'.repeat(50), { terminal: true, uptimeSeconds: 0 })).toBe(`\x1b[31mERRO\x1b[0m[0000] ${'x'.repeat(50)} \n`);
  });
  it('local RFC 3339 carries the zone offset', () => {
    expect(localRfc3339(now)).toMatch(/^2026-12-0[45]T\d\d:\d\d:09(Z|[+-]\d\d:\d\d)$/);
  });
});
