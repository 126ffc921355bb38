import { describe, expect, it } from 'vitest';
import { filterPsOutput, shlexSplit } from '../../../src/runtime/top/ps-fallback.js';
import { resolveDescriptors, UnknownDescriptorError } from '../../../src/runtime/top/top-descriptors.js';
import { runtimeFlagComplaint } from '../../../src/runtime/container/runtime-flags.js';

describe("top's ps(1) fallback", () => {
  it('an unknown descriptor is psgo\'s ErrUnknownDescriptor (the fallback\'s cue), with podman\'s message', () => {
    expect(() => resolveDescriptors(['pid', '-ef'])).toThrow(UnknownDescriptorError);
    expect(() => resolveDescriptors(['pid', '-ef'])).toThrow("'-ef': unknown descriptor");
  });

  it('splits each word as google/shlex does', () => {
    expect(shlexSplit('-o pid,comm')).toEqual(['-o', 'pid,comm']);
    expect(shlexSplit(`"a b" 'c d' e\\ f`)).toEqual(['a b', 'c d', 'e f']);
    expect(shlexSplit('x"y"z')).toEqual(['xyz']);
    expect(shlexSplit('""')).toEqual(['']);
    expect(shlexSplit('aux # comment')).toEqual(['aux']);
    expect(() => shlexSplit('"a b')).toThrow('parsing ps args: EOF found when expecting closing quote');
    expect(() => shlexSplit('a\\')).toThrow('parsing ps args: EOF found after escape character');
  });

  it('drops the line of the ps it ran (it holds the words as given)', () => {
    const out = 'PID   USER     COMMAND\n    1 root     sleep 100\n    7 root     ps -o pid,comm\n';
    expect(filterPsOutput(out, ['-o', 'pid,comm'])).toEqual(['PID   USER     COMMAND', '    1 root     sleep 100']);
    expect(filterPsOutput('', ['x'])).toEqual([]);
  });
});

describe('--runtime-flag', () => {
  it("the helper's complaint names the first flag as podman passes it (--FLAG)", () => {
    expect(runtimeFlagComplaint(undefined)).toBeUndefined();
    expect(runtimeFlagComplaint([])).toBeUndefined();
    expect(runtimeFlagComplaint(['debug', 'x'])).toBe("tsc-run-helper: unrecognized option '--debug'");
    expect(runtimeFlagComplaint(['--log=x'])).toBe("tsc-run-helper: unrecognized option '----log=x'");
  });
});
