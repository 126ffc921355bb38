import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TscRunError, errnoText, errorText, systemErrorText } from '../../../src/errors.js';

const fail = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('Node system errors in Go words', () => {
  it('names the operation and path as Go does', () => {
    expect(systemErrorText(fail(() => fs.readdirSync('/nonexistent-dir-x')))).toBe('open /nonexistent-dir-x: no such file or directory');
    expect(systemErrorText(fail(() => fs.readFileSync('/nonexistent-file-x')))).toBe('open /nonexistent-file-x: no such file or directory');
    expect(systemErrorText(fail(() => fs.unlinkSync('/nonexistent-file-x')))).toBe('remove /nonexistent-file-x: no such file or directory');
    expect(systemErrorText(fail(() => fs.renameSync('/nonexistent-a', '/nonexistent-b')))).toBe('rename /nonexistent-a /nonexistent-b: no such file or directory');
    expect(systemErrorText(fail(() => fs.mkdirSync('/')))).toMatch(/^mkdir \/: (file exists|is a directory)$/);
  });

  it('leaves our own errors and plain errors alone', () => {
    expect(systemErrorText(new TscRunError('x'))).toBeUndefined();
    expect(systemErrorText(new Error('EACCES: looks like one'))).toBeUndefined();
    expect(systemErrorText('text')).toBeUndefined();
  });
});

describe('wrapping errors in messages', () => {
  it('errorText: Go words for system errors, the message otherwise', () => {
    expect(errorText(fail(() => fs.readFileSync('/nonexistent-file-x')))).toBe('open /nonexistent-file-x: no such file or directory');
    expect(errorText(new TscRunError('mine'))).toBe('mine');
    expect(errorText('text')).toBe('text');
  });
  it('errnoText: the errno alone', () => {
    expect(errnoText(fail(() => fs.readFileSync('/nonexistent-file-x')))).toBe('no such file or directory');
    expect(errnoText(new Error('plain'))).toBe('plain');
  });
});

