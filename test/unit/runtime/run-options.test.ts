import { describe, expect, it } from 'vitest';
import {
  checkRestartWithRm,
  hexBytes,
  parseCpus,
  parseDetachKeys,
  parseEnvFile,
  parseLabels,
  parseLogOptions,
  parseMemory,
  parsePidsLimit,
  parseRestartPolicy,
  parseStopTimeout,
  restartArg,
} from '../../../src/runtime/container/run-options.js';

describe('restart policy', () => {
  it.each([
    [undefined, { name: 'no', maxRetries: 0 }],
    ['no', { name: 'no', maxRetries: 0 }],
    ['always', { name: 'always', maxRetries: 0 }],
    ['unless-stopped', { name: 'unless-stopped', maxRetries: 0 }],
    ['on-failure', { name: 'on-failure', maxRetries: 0 }],
    ['on-failure:2', { name: 'on-failure', maxRetries: 2 }],
  ])('%s', (v, want) => expect(parseRestartPolicy(v)).toEqual(want));

  it.each(['bogus', 'always:3', 'on-failure:x', 'on-failure:1:2'])('refuses %s', (v) => {
    expect(() => parseRestartPolicy(v)).toThrow(/restart policy/);
  });

  it('gives the helper its form (unless-stopped restarts like always while the monitor lives)', () => {
    expect(restartArg({ name: 'on-failure', maxRetries: 2 })).toBe('on-failure:2');
    expect(restartArg({ name: 'on-failure', maxRetries: 0 })).toBe('on-failure');
    expect(restartArg({ name: 'unless-stopped', maxRetries: 0 })).toBe('always');
    expect(restartArg({ name: 'no', maxRetries: 0 })).toBe('no');
  });

  it('conflicts with --rm unless no', () => {
    expect(() => checkRestartWithRm({ name: 'always', maxRetries: 0 }, true)).toThrow(/--rm/);
    expect(() => checkRestartWithRm({ name: 'no', maxRetries: 0 }, true)).not.toThrow();
    expect(() => checkRestartWithRm({ name: 'always', maxRetries: 0 }, false)).not.toThrow();
  });
});

describe('log options', () => {
  it('defaults to k8s-file without a limit', () => {
    expect(parseLogOptions(undefined, [])).toEqual({ driver: 'k8s-file', maxSize: 0 });
  });
  it('reads max-size in decimal units and a path', () => {
    expect(parseLogOptions('json-file', ['max-size=10mb', 'path=/tmp/x.log'])).toEqual({ driver: 'json-file', maxSize: 10_000_000, path: '/tmp/x.log' });
    expect(parseLogOptions('k8s-file', ['max-size=512']).maxSize).toBe(512);
    expect(parseLogOptions('k8s-file', ['max-size=1k']).maxSize).toBe(1000);
  });
  it('refuses unknown drivers, sizes, keys and relative paths', () => {
    expect(() => parseLogOptions('journald', [])).toThrow(/invalid log driver: journald/);
    expect(() => parseLogOptions(undefined, ['max-size=lots'])).toThrow(/invalid size/);
    expect(() => parseLogOptions(undefined, ['colour=blue'])).toThrow(/unknown log-opt/);
    expect(() => parseLogOptions(undefined, ['path=x.log'])).toThrow(/absolute/);
  });
});

describe('resource limits', () => {
  it('parses memory in binary units with podman\'s minimum', () => {
    expect(parseMemory('512m')).toBe(512 * 1024 * 1024);
    expect(parseMemory('1g')).toBe(1024 ** 3);
    expect(parseMemory('7000000')).toBe(7_000_000);
    expect(() => parseMemory('1k')).toThrow(/minimum memory limit allowed is 6MB/);
    expect(() => parseMemory('x')).toThrow(/invalid memory limit/);
  });
  it('parses cpus and pids-limit', () => {
    expect(parseCpus('1.5')).toBe(1.5);
    expect(() => parseCpus('0')).toThrow(/--cpus/);
    expect(() => parseCpus('abc')).toThrow(/--cpus/);
    expect(parsePidsLimit('-1')).toBe(-1);
    expect(() => parsePidsLimit('1.5')).toThrow(/--pids-limit/);
  });
});

describe('detach keys', () => {
  it('turns podman\'s spec into bytes', () => {
    expect([...parseDetachKeys('ctrl-p,ctrl-q')]).toEqual([16, 17]);
    expect([...parseDetachKeys('a,ctrl-@,ctrl-[,ctrl-_')]).toEqual([97, 0, 27, 31]);
    expect([...parseDetachKeys('')]).toEqual([]);
    expect(hexBytes(parseDetachKeys('ctrl-p,ctrl-q'))).toBe('1011');
  });
  it.each(['ctrl-1', 'ab', 'ctrl-', 'ctrl-pp'])('refuses %s', (v) => expect(() => parseDetachKeys(v)).toThrow(/invalid detach keys/));
});

describe('env files, labels, stop timeout', () => {
  it('reads NAME=VALUE and NAME lines, skipping comments and blanks', () => {
    expect(parseEnvFile('# c\nA=1\n\n  B=two words\nC\nD=\r\n', 'f')).toEqual(['A=1', 'B=two words', 'C', 'D=']);
    expect(() => parseEnvFile('BAD NAME=1\n', 'f.env')).toThrow(/contains whitespaces: invalid env file f.env/);
  });
  it('parses labels', () => {
    expect(parseLabels(['a=1', 'b', 'c=x=y'])).toEqual({ a: '1', b: '', c: 'x=y' });
    expect(() => parseLabels(['=x'])).toThrow(/invalid label/);
  });
  it('parses stop timeouts with 10 as the default', () => {
    expect(parseStopTimeout(undefined)).toBe(10);
    expect(parseStopTimeout('3')).toBe(3);
    expect(() => parseStopTimeout('-1')).toThrow(/--stop-timeout/);
  });
});
