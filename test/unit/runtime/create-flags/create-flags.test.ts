import { describe, expect, it } from 'vitest';
import { parseCgroupsMode, parseResourceFlags, ramInBytes } from '../../../../src/runtime/create-flags/resource-flags.js';
import { passwdAndGroup } from '../../../../src/runtime/create-flags/passwd-entries.js';

describe('resource flags (podman 4.3 messages)', () => {
  const exists = (p: string) => p === '/dev/null';
  it('parses sizes as go-units RAMInBytes', () => {
    expect(ramInBytes('64m')).toBe(64 * 1024 ** 2);
    expect(ramInBytes('1.5g')).toBe(1.5 * 1024 ** 3);
    expect(ramInBytes('x')).toBeUndefined();
  });
  it('collects limits; --memory=0 and --pids-limit=-1 mean none', () => {
    // --memory=0 is no limit, but still a limit flag given (podman 4.3 warns for it on cgroup v1 rootless).
    expect(parseResourceFlags({ memory: '0' }, exists)).toEqual({ others: [], memoryUnlimited: true });
    expect(parseResourceFlags({ memory: '64m', 'pids-limit': '-1', 'cpu-shares': '10', 'cpuset-cpus': '0' }, exists)).toEqual({
      memory: 64 * 1024 ** 2,
      pidsLimit: 0,
      others: ['--cpu-shares', '--cpuset-cpus'],
    });
    expect(parseResourceFlags({ 'device-read-bps': ['/dev/null:1mb'] }, exists).others).toEqual(['--device-read-bps']);
  });
  it('refuses malformed values as podman does', () => {
    expect(() => parseResourceFlags({ memory: 'bad' }, exists)).toThrow("invalid value for memory: invalid size: 'bad'");
    expect(() => parseResourceFlags({ memory: '1m' }, exists)).toThrow('minimum memory limit allowed is 6MB');
    expect(() => parseResourceFlags({ cpus: '1', 'cpu-period': '10' }, exists)).toThrow('--cpu-period and --cpus cannot be set together');
    expect(() => parseResourceFlags({ 'cpu-shares': 'x' }, exists)).toThrow('invalid argument "x" for "-c, --cpu-shares" flag: strconv.ParseUint: parsing "x": invalid syntax');
    expect(() => parseResourceFlags({ 'cgroup-conf': ['x'] }, exists)).toThrow('--cgroup-conf must be formatted KEY=VALUE');
    expect(() => parseResourceFlags({ 'device-read-bps': ['/dev/sda:1mb'] }, exists)).toThrow('could not parse throttle device at /dev/sda: no such file or directory');
    expect(() => parseResourceFlags({ 'memory-swappiness': '200' }, exists)).toThrow('valid memory swappiness range is 0-100');
    expect(() => parseCgroupsMode('bogus')).toThrow('invalid cgroup mode "bogus"');
    expect(() => parseCgroupsMode('split')).toThrow('could not find cgroup mount');
    expect(parseCgroupsMode('disabled')).toBe('disabled');
  });
});

describe('passwd and group entries (libpod generatePasswdEntry)', () => {
  const base = { imagePasswd: 'root:x:0:0:root:/root:/bin/sh\n', imageGroup: 'root:x:0:\n', workdir: '/w', hostUsers: [], mountDestinations: [] };
  it('nothing for a known or named user', () => {
    expect(passwdAndGroup({ ...base, user: '' })).toEqual({});
    expect(passwdAndGroup({ ...base, user: '0' })).toEqual({});
    expect(passwdAndGroup({ ...base, user: 'root' })).toEqual({});
  });
  it('a numeric user and group the image does not know', () => {
    expect(passwdAndGroup({ ...base, user: '1234:55' })).toEqual({
      passwd: `${base.imagePasswd}1234:*:1234:55:container user:/w:/bin/sh\n`,
      group: `${base.imageGroup}55:x:55:1234\n`,
    });
  });
  it('keep-id: the user running us, home the workdir unless mounted; --passwd-entry as template', () => {
    const me = { name: 'me', uid: 1000, gid: 1000, gecos: 'Me', home: '/home/me' };
    expect(passwdAndGroup({ ...base, user: '1000:1000', currentUser: { user: me, groupName: 'me' } })).toEqual({
      passwd: `${base.imagePasswd}me:*:1000:1000:Me:/w:/bin/sh\n`,
      group: `${base.imageGroup}me:x:1000:me\n`,
    });
    expect(passwdAndGroup({ ...base, user: '1000:1000', currentUser: { user: me, groupName: 'me' }, mountDestinations: ['/home'], passwdEntry: '$USERNAME:$UID:$HOME' }).passwd).toBe(
      `${base.imagePasswd}me:1000:/home/me\n`,
    );
  });
});
