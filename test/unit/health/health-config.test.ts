import { describe, expect, it } from 'vitest';
import { goDuration, healthArgv, nextHealth, parseHealthFlags, type HealthConfig } from '../../../src/health/health-config.js';

describe('parseHealthFlags', () => {
  it('applies podman defaults and forms', () => {
    expect(parseHealthFlags({ cmd: 'curl -f http://x' })).toEqual({ test: ['CMD-SHELL', 'curl -f http://x'], interval: 30e9, timeout: 30e9, startPeriod: 0, retries: 3, onFailure: 'none' });
    expect(parseHealthFlags({ cmd: '["/bin/check","-q"]', interval: '1m30s', retries: '5', startPeriod: '2s', timeout: '1500ms', onFailure: 'restart' })).toEqual({
      test: ['CMD', '/bin/check', '-q'], interval: 90e9, timeout: 1.5e9, startPeriod: 2e9, retries: 5, onFailure: 'restart',
    });
    expect(parseHealthFlags({ cmd: '["CMD-SHELL","x"]' })!.test).toEqual(['CMD-SHELL', 'x']);
    expect(parseHealthFlags({})).toBeUndefined();
    expect(parseHealthFlags({ cmd: 'none' })).toBeUndefined();
    expect(parseHealthFlags({ none: true })).toBeUndefined();
  });
  it('refuses what podman refuses', () => {
    expect(() => parseHealthFlags({ cmd: 'x', retries: '0' })).toThrow(/greater than 0/);
    expect(() => parseHealthFlags({ cmd: 'x', interval: '999ms' })).toThrow(/at least 1 second/);
    expect(() => parseHealthFlags({ cmd: 'x', interval: 'soon' })).toThrow(/invalid duration/);
    expect(() => parseHealthFlags({ cmd: 'x', none: true })).toThrow(/cannot specify both/);
    expect(() => parseHealthFlags({ interval: '5s' })).toThrow(/need --health-cmd/);
    expect(() => parseHealthFlags({ cmd: 'x', onFailure: 'boom' })).toThrow(/invalid on-failure action/);
  });
  it('reads Go durations', () => {
    expect(goDuration('1h2m3s')).toBe(3723e9);
    expect(goDuration('1.5s')).toBe(1.5e9);
    expect(goDuration('0')).toBe(0);
    expect(goDuration('5')).toBeUndefined();
    expect(goDuration('')).toBeUndefined();
  });
});

describe('nextHealth', () => {
  const h: HealthConfig = { test: ['CMD-SHELL', 'x'], interval: 1e9, timeout: 1e9, startPeriod: 10e9, retries: 2, onFailure: 'none' };
  const started = new Date('2026-01-01T00:00:00Z');
  const at = (s: number, ok: boolean) => ({ ok, exitCode: ok ? 0 : 1, output: '', start: new Date(started.getTime() + s * 1000), end: new Date(started.getTime() + s * 1000 + 10) });
  it('ignores failures in the start period, turns unhealthy after retries, healthy on success', () => {
    let s = nextHealth(undefined, h, at(1, false), started);
    expect([s.Status, s.FailingStreak]).toEqual(['starting', 0]);
    s = nextHealth(s, h, at(11, false), started);
    expect([s.Status, s.FailingStreak]).toEqual(['starting', 1]);
    s = nextHealth(s, h, at(12, false), started);
    expect([s.Status, s.FailingStreak]).toEqual(['unhealthy', 2]);
    s = nextHealth(s, h, at(13, true), started);
    expect([s.Status, s.FailingStreak]).toEqual(['healthy', 0]);
    for (let i = 0; i < 6; i++) s = nextHealth(s, h, at(20 + i, true), started);
    expect(s.Log).toHaveLength(5);
  });
  it('runs CMD-SHELL in /bin/sh and CMD as it is', () => {
    expect(healthArgv(h)).toEqual(['/bin/sh', '-c', 'x']);
    expect(healthArgv({ ...h, test: ['CMD', 'a', 'b'] })).toEqual(['a', 'b']);
  });
});
