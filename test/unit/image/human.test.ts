// podman's human sizes and ages (go-units + Go's %g), checked against
// go-units' own test table and values podman printed on this machine.
import { describe, expect, it } from 'vitest';
import { goFormatG, goHumanSize, goTimeString, humanDuration, humanSize, rfc3339, timeAgo } from '../../../src/format/human.js';

describe('goFormatG (Go %.Ng)', () => {
  it.each([
    [1.987655, 3, '1.99'],
    [1.5, 3, '1.5'],
    [1, 3, '1'],
    [12, 3, '12'],
    [100, 3, '100'],
    [999.999, 3, '1e+03'],
    [999.4, 3, '999'],
    [0.5, 3, '0.5'],
    [0.00001234, 3, '1.23e-05'],
    [0, 3, '0'],
    [3.975312, 4, '3.975'],
    [1.988, 4, '1.988'],
    [-2.5, 3, '-2.5'],
  ])('%d with %d digits → %s', (v, p, want) => {
    expect(goFormatG(v, p)).toBe(want);
  });
});

describe('humanSize', () => {
  it('matches podman images / history', () => {
    expect(humanSize(1987655)).toBe('1.99 MB');
    expect(humanSize(0)).toBe('0 B');
    expect(humanSize(999)).toBe('999 B');
    expect(humanSize(1000)).toBe('1 kB');
    expect(humanSize(4_270_000)).toBe('4.27 MB');
    expect(humanSize(999_999)).toBe('1e+03 kB');
    expect(humanSize(1.5e12)).toBe('1.5 TB');
  });
  it('goHumanSize is go-units as system df prints it: 4 digits, no space', () => {
    expect(goHumanSize(3975312)).toBe('3.975MB');
    expect(goHumanSize(1987657)).toBe('1.988MB');
    expect(goHumanSize(0)).toBe('0B');
  });
});

describe('humanDuration (go-units table)', () => {
  const s = 1000;
  const min = 60 * s;
  const h = 60 * min;
  const day = 24 * h;
  const week = 7 * day;
  const month = 30 * day;
  const year = 365 * day;
  it.each([
    [450, 'Less than a second'],
    [-5 * s, 'Less than a second'],
    [1 * s, '1 second'],
    [45 * s, '45 seconds'],
    [59 * s, '59 seconds'],
    [60 * s, 'About a minute'],
    [3 * min, '3 minutes'],
    [35 * min + 40 * s, '35 minutes'],
    [59 * min, '59 minutes'],
    [1 * h, 'About an hour'],
    [1 * h + 29 * min, 'About an hour'],
    [1 * h + 31 * min, '2 hours'],
    [3 * h + 31 * min, '4 hours'],
    [24 * h, '24 hours'],
    [day + 12 * h, '36 hours'],
    [2 * day, '2 days'],
    [13 * day + 5 * h, '13 days'],
    [2 * week, '2 weeks'],
    [4 * week + 3 * day, '4 weeks'],
    [month, '4 weeks'],
    [month + 2 * week, '6 weeks'],
    [2 * month, '2 months'],
    [5 * month + 2 * week, '5 months'],
    [24 * month, '24 months'],
    [24 * month + 2 * week, '2 years'],
    [3 * year + 2 * month, '3 years'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
  it('timeAgo adds "ago"', () => {
    expect(timeAgo(new Date(0), new Date(2 * 86_400_000))).toBe('2 days ago');
  });
});

describe('Go time strings', () => {
  it('time.Time.String() in UTC', () => {
    expect(goTimeString(new Date('2026-11-22T11:30:16Z'))).toBe('2026-11-22 11:30:16 +0000 UTC');
    expect(goTimeString(new Date('2026-11-22T11:30:16.250Z'))).toBe('2026-11-22 11:30:16.25 +0000 UTC');
  });
  it('RFC 3339 without fractions', () => {
    expect(rfc3339(new Date('2026-11-22T11:30:16.218Z'))).toBe('2026-11-22T11:30:16Z');
  });
});
