import { describe, expect, it } from 'vitest';
import { parseSystemdFlag, systemdCgroupArgs, systemdEnv, systemdTmpfsMounts, usesSystemdMode } from '../../../../src/runtime/create-flags/systemd-mode.js';

describe('systemd mode (podman 4.3 container_create.go and setupSystemd)', () => {
  it('true: only an init or systemd command, looking past /bin/sh -c; always: any; false: none', () => {
    for (const cmd of [['/sbin/init'], ['/usr/sbin/init'], ['/usr/local/sbin/init', 'x'], ['/lib/systemd/systemd'], ['systemd'], ['/bin/sh', '-c', '/sbin/init']]) {
      expect(usesSystemdMode('true', cmd), cmd.join(' ')).toBe(true);
    }
    for (const cmd of [['init'], ['/bin/init'], ['sleep', '1'], ['/bin/sh', '-c'], ['/bin/bash', '-c', '/sbin/init'], ['/usr/bin/systemd-run'], []]) {
      expect(usesSystemdMode('true', cmd), cmd.join(' ')).toBe(false);
    }
    expect(usesSystemdMode('always', ['sleep', '1'])).toBe(true);
    expect(usesSystemdMode('false', ['/sbin/init'])).toBe(false);
  });

  it('the flag in any case; podman\'s error otherwise', () => {
    expect(parseSystemdFlag('Always')).toBe('always');
    expect(() => parseSystemdFlag('yes')).toThrow('--systemd values must be one of "true, false, always"');
  });

  it('tmpfs mounts where nothing is mounted yet, /run before /run/lock', () => {
    expect(systemdTmpfsMounts([]).map((m) => m.destination)).toEqual(['/run', '/run/lock', '/tmp', '/var/log/journal']);
    expect(systemdTmpfsMounts(['/tmp/', '/run']).map((m) => m.destination)).toEqual(['/run/lock', '/var/log/journal']);
    expect(systemdTmpfsMounts([])[0]!.options).toEqual(expect.arrayContaining(['nosuid', 'nodev', 'tmpcopyup', 'mode=1777']));
  });

  it('container_uuid unless set', () => {
    const id = 'a'.repeat(32) + 'b'.repeat(32);
    expect(systemdEnv(id, ['PATH=/bin'])).toEqual([`container_uuid=${'a'.repeat(32)}`]);
    expect(systemdEnv(id, ['container_uuid=x'])).toEqual([]);
  });

  it('the cgroup: v1 name=systemd read-write and masked release_agent; v2 the whole tree; v2 with a private cgroupns refused', () => {
    expect(systemdCgroupArgs({ unified: false, v1Systemd: true, cgroupnsPrivate: false })).toEqual({
      args: ['--bind', '/sys/fs/cgroup/systemd:/sys/fs/cgroup/systemd:bind', '--mask', '/sys/fs/cgroup/systemd/release_agent'],
    });
    expect(systemdCgroupArgs({ unified: false, v1Systemd: false, cgroupnsPrivate: false })).toEqual({ args: [] });
    expect(systemdCgroupArgs({ unified: true, v1Systemd: false, cgroupnsPrivate: false })).toEqual({ args: ['--bind', '/sys/fs/cgroup:/sys/fs/cgroup:'] });
    expect(systemdCgroupArgs({ unified: true, v1Systemd: false, cgroupnsPrivate: true })).toHaveProperty('refused');
  });
});
