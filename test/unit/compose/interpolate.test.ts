import { describe, expect, it } from 'vitest';
import { interpolate } from '../../../src/compose/interpolate.js';
import { parseDotenv } from '../../../src/compose/dotenv.js';
import { shellSplit } from '../../../src/compose/shell-split.js';
import { formatDuration, parseDuration } from '../../../src/compose/durations.js';

const env: Record<string, string> = { SET: 'v', EMPTY: '', N: '3' };
const look = (n: string) => env[n];

describe('interpolate', () => {
  it.each([
    ['$SET', 'v'],
    ['${SET}', 'v'],
    ['a${SET}b$SET.c', 'avbv.c'],
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${UNSET-d}', 'd'],
    ['${SET:+x}', 'x'],
    ['${EMPTY:+x}', ''],
    ['${EMPTY+x}', 'x'],
    ['${UNSET+x}', ''],
    ['${UNSET:-${SET}}', 'v'],
    ['${UNSET:-${ALSO:-deep}}', 'deep'],
    ['${SET:?must}', 'v'],
    ['$$SET', '$SET'],
    ['cost $5 and $', 'cost $5 and $'],
    ['${UNSET:-a}}', 'a}'],
  ])('%s → %s', (input, out) => {
    expect(interpolate(input, look)).toBe(out);
  });

  it('reports unset variables without a default and substitutes ""', () => {
    const seen: string[] = [];
    expect(interpolate('x${NOPE}y$NADA', look, (n) => seen.push(n))).toBe('xy');
    expect(seen).toEqual(['NOPE', 'NADA']);
  });

  it('fails on a missing required variable, with its message', () => {
    expect(() => interpolate('${UNSET:?set it please}', look)).toThrow('required variable UNSET is missing a value: set it please');
    expect(() => interpolate('${EMPTY:?}', look)).toThrow('required variable EMPTY is missing a value');
    expect(interpolate('${EMPTY?x}', look)).toBe('');
    expect(() => interpolate('${UNSET?x}', look)).toThrow('required variable UNSET');
  });

  it('does not evaluate an unused default (a nested ?-error stays silent)', () => {
    expect(interpolate('${SET:-${UNSET:?boom}}', look)).toBe('v');
  });

  it('refuses malformed expressions', () => {
    expect(() => interpolate('${SET', look)).toThrow(/invalid interpolation format/);
    expect(() => interpolate('${1X}', look)).toThrow(/invalid interpolation format/);
    expect(() => interpolate('${SET/a/b}', look)).toThrow(/invalid interpolation format/);
  });
});

describe('dotenv', () => {
  it('reads compose .env syntax', () => {
    const text = [
      '# comment',
      'A=1',
      'export B = two ',
      "C='lit $A'",
      'D="x\\ny $A"',
      'E=val # comment',
      'F=${A}${MISSING:-m}',
      'G',
      'H="multi',
      'line"',
      '',
    ].join('\n');
    const m = parseDotenv(text, (n) => (n === 'G' ? 'fromenv' : undefined));
    expect(Object.fromEntries(m)).toEqual({ A: '1', B: 'two', C: 'lit $A', D: 'x\ny 1', E: 'val', F: '1m', G: 'fromenv', H: 'multi\nline' });
  });
  it('refuses a bad name and an unterminated quote', () => {
    expect(() => parseDotenv('BAD NAME=1', () => undefined)).toThrow(/line 1/);
    expect(() => parseDotenv('A="open', () => undefined)).toThrow(/unterminated/);
  });
});

describe('shellSplit', () => {
  it('splits like shellwords', () => {
    expect(shellSplit(`sh -c "echo 'a b' \\"q\\"" x\\ y`)).toEqual(['sh', '-c', `echo 'a b' "q"`, 'x y']);
    expect(() => shellSplit('echo "open')).toThrow(/invalid command line/);
  });
});

describe('durations', () => {
  it('parses and prints Go durations', () => {
    expect(parseDuration('1m30s')).toBe(90e9);
    expect(parseDuration('500ms')).toBe(5e8);
    expect(parseDuration('10')).toBe(10e9);
    expect(parseDuration('ten')).toBeUndefined();
    expect(parseDuration('1x')).toBeUndefined();
    expect(formatDuration(90e9)).toBe('1m30s');
    expect(formatDuration(3600e9)).toBe('1h0m0s');
    expect(formatDuration(5e8)).toBe('500ms');
    expect(formatDuration(30e9)).toBe('30s');
  });
});
