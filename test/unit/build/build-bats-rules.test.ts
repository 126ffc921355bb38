// Pure rules behind podman's bats parity of build: buildah 1.28's rule for
// entering an ignored directory, and the command line a --logfile build
// runs again.

import { describe, expect, it } from 'vitest';
import { IgnoreMatcher, parseIgnoreFile } from '../../../src/build/context/ignore.js';
import { withoutLogfile } from '../../../src/cli/commands/build-logfile.js';

describe('ignore: entering an excluded directory', () => {
  const m = new IgnoreMatcher(parseIgnoreFile('test*\n!test2*\nsubdir1\nsubdir2\n!*/sub1*\n!subdir1/sub3*\n'));
  it('only for an exception pattern the directory is a string prefix of', () => {
    expect(m.mayReinclude('subdir1')).toBe(true);
    expect(m.mayReinclude('subdir2')).toBe(false);
    // buildah compares strings, not path elements: subdir1's exception also opens "subdir".
    expect(m.mayReinclude('subdir')).toBe(true);
  });
  it('a glob exception alone opens nothing', () => {
    expect(new IgnoreMatcher(parseIgnoreFile('*\n!*/sub1*\n')).mayReinclude('subdir')).toBe(false);
    expect(new IgnoreMatcher(parseIgnoreFile('dir\n')).mayReinclude('dir')).toBe(false);
  });
  it('files inside an entered directory still follow the last matching pattern', () => {
    expect(m.ignored('subdir1/sub1')).toBe(false);
    expect(m.ignored('subdir1/sub2')).toBe(true);
    expect(m.ignored('subdir1/sub3.txt')).toBe(false);
    expect(m.ignored('test2.txt')).toBe(false);
    expect(m.ignored('test1')).toBe(true);
  });
});

describe('--logfile: the command run again', () => {
  it('drops --logfile and its value in both spellings, nothing after --', () => {
    expect(withoutLogfile(['build', '--logfile', 'f', '-t', 'x', '.'])).toEqual(['build', '-t', 'x', '.']);
    expect(withoutLogfile(['--root', 'r', 'build', '--logfile=f', '.'])).toEqual(['--root', 'r', 'build', '.']);
    expect(withoutLogfile(['build', '.', '--', '--logfile'])).toEqual(['build', '.', '--', '--logfile']);
  });
});
