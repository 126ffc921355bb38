import { describe, expect, it } from 'vitest';
import { CommandInvokeError, HelperError } from '../../src/errors.js';
import { helperFailure, namespaceArgs, runModeArgs } from '../../src/host/helper/helper.js';

describe('namespaceArgs', () => {
  it('passes the maps and map tools for a rootless namespace', () => {
    expect(
      namespaceArgs({
        kind: 'rootless',
        maps: {
          uid: [{ container: 0, host: 1001, count: 1 }, { container: 1, host: 100000, count: 65536 }],
          gid: [{ container: 0, host: 1001, count: 1 }],
        },
        newuidmap: '/usr/bin/newuidmap',
        newgidmap: '/usr/bin/newgidmap',
      }),
    ).toEqual([
      '--error-fd', '3',
      '--uid-map', '0:1001:1', '--uid-map', '1:100000:65536',
      '--gid-map', '0:1001:1',
      '--newuidmap', '/usr/bin/newuidmap', '--newgidmap', '/usr/bin/newgidmap',
    ]);
  });

  it('passes no maps without a user namespace', () => {
    expect(namespaceArgs({ kind: 'none' })).toEqual(['--error-fd', '3']);
  });
});

describe('helperFailure', () => {
  it('is nothing when the helper said nothing (the payload\'s own exit code)', () => {
    expect(helperFailure(7, '')).toBeUndefined();
    expect(helperFailure(125, '\n')).toBeUndefined();
  });

  it('maps exec failures to 127/126 with podman\'s message', () => {
    const nf = helperFailure(127, 'tsc-run-helper: exec: "nosuchcmd": executable file not found in $PATH\n');
    expect(nf).toBeInstanceOf(CommandInvokeError);
    expect(nf!.exitCode).toBe(127);
    expect(nf!.message).toBe('exec: "nosuchcmd": executable file not found in $PATH');
    const na = helperFailure(126, 'tsc-run-helper: fork/exec /etc/passwd: permission denied\n');
    expect(na!.exitCode).toBe(126);
  });

  it('maps anything else to a HelperError (125) keeping the helper\'s name', () => {
    const e = helperFailure(125, 'tsc-run-helper: mount proc: Operation not permitted\n');
    expect(e).toBeInstanceOf(HelperError);
    expect(e!.exitCode).toBe(125);
    expect(e!.message).toBe('tsc-run-helper: mount proc: Operation not permitted');
  });
});

describe('runModeArgs', () => {
  it('builds an overlay container', () => {
    expect(
      runModeArgs({
        overlay: { lower: ['/l/top', '/l/base'], upper: '/c/upper', work: '/c/work' },
        hostname: 'box',
        cwd: '/srv',
        user: { uid: 1000, gid: 100 },
        env: { PATH: '/bin', A: 'b c' },
        net: 'none',
        command: ['sh', '-c', 'echo hi'],
      }),
    ).toEqual([
      '--lower', '/l/top:/l/base', '--upper', '/c/upper', '--work', '/c/work',
      '--hostname', 'box', '--cwd', '/srv', '--user', '1000:100',
      '--env', 'PATH=/bin', '--env', 'A=b c', '--net', 'none',
      '--', 'sh', '-c', 'echo hi',
    ]);
  });

  it('builds a rootfs container', () => {
    expect(runModeArgs({ rootfs: '/r', command: ['id'] })).toEqual(['--rootfs', '/r', '--', 'id']);
  });

  it('rejects impossible specs', () => {
    expect(() => runModeArgs({ command: ['id'] })).toThrow(HelperError);
    expect(() => runModeArgs({ rootfs: '/r', overlay: { lower: ['/a'], upper: '/u', work: '/w' }, command: ['id'] })).toThrow(HelperError);
    expect(() => runModeArgs({ rootfs: '/r', command: [] })).toThrow(HelperError);
  });

  it("escapes ':' and '\\' inside lower layer paths", () => {
    expect(runModeArgs({ overlay: { lower: ['/a:b', 'c\\d'], upper: '/u', work: '/w' }, command: ['id'] }).slice(0, 2)).toEqual([
      '--lower',
      '/a\\:b:c\\\\d',
    ]);
  });
});
