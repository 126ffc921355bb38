import { describe, expect, it } from 'vitest';
import { NO_SOURCE_FLAGS, processOptions, validateVolumeOpts } from '../../../src/volume/mount-options.js';

const plain = { nosuid: false, nodev: false, noexec: false };

describe("podman's completed option lists", () => {
  it.each([
    // what podman 4.3 shows in HostConfig.Binds / Tmpfs for these
    [[], false, NO_SOURCE_FLAGS, 'rw,rprivate,nosuid,nodev,rbind'],
    [['ro'], false, NO_SOURCE_FLAGS, 'ro,rprivate,nosuid,nodev,rbind'],
    [['ro', 'nocopy', 'exec', 'suid', 'dev'], false, NO_SOURCE_FLAGS, 'ro,nocopy,exec,suid,dev,rprivate,rbind'],
    [['ro'], false, plain, 'ro,rprivate,rbind'],
    [['U', 'z', 'noexec', 'nodev'], false, plain, 'U,z,noexec,nodev,rw,rprivate,rbind'],
    [['shared', 'bind', 'nosuid'], false, plain, 'shared,bind,nosuid,rw'],
    [['rslave', 'ro'], false, plain, 'rslave,ro,rbind'],
    [[], true, NO_SOURCE_FLAGS, 'rw,rprivate,nosuid,nodev,tmpcopyup'],
    [['ro', 'size=1m', 'mode=700', 'noexec'], true, NO_SOURCE_FLAGS, 'ro,size=1m,mode=700,noexec,rprivate,nosuid,nodev,tmpcopyup'],
    [['size=1m', 'mode=0700', 'notmpcopyup'], true, NO_SOURCE_FLAGS, 'size=1m,mode=0700,rw,rprivate,nosuid,nodev'],
    [['shared'], true, NO_SOURCE_FLAGS, 'shared,rw,nosuid,nodev,tmpcopyup'],
    [['U'], true, NO_SOURCE_FLAGS, 'U,rw,rprivate,nosuid,nodev,tmpcopyup'],
    [[], false, { nosuid: true, nodev: true, noexec: true }, 'rw,rprivate,noexec,nosuid,nodev,rbind'],
  ] as const)('%j tmpfs=%s', (opts, tmpfs, src, want) => {
    expect(processOptions(opts, tmpfs, src).join(',')).toBe(want);
  });

  it.each([
    [['foo'], true, 'unknown mount option "foo": invalid mount option'],
    [['nr_inodes=10'], true, 'unknown mount option "nr_inodes=10": invalid mount option'],
    [['size=1m', 'size=2m'], true, 'only one tmpfs size can be specified: duplicate mount option passed'],
    [['rbind'], true, "the 'bind' and 'rbind' options are not allowed with tmpfs mounts: invalid mount option"],
    [['z'], true, "the 'z' and 'Z' options are not allowed with tmpfs mounts: invalid mount option"],
    [['size=1m'], false, "the 'size' option is only allowed with tmpfs mounts: invalid mount option"],
    [['ro', 'rw'], false, "only one of 'rw' and 'ro' can be used: duplicate mount option passed"],
  ] as const)('%j tmpfs=%s refused', (opts, tmpfs, msg) => {
    expect(() => processOptions(opts, tmpfs, NO_SOURCE_FLAGS)).toThrow(msg);
  });

  it('-v options: one of a kind', () => {
    expect(validateVolumeOpts(['ro', 'U', 'z', 'nocopy', 'rbind', 'rshared'])).toEqual(['ro', 'U', 'z', 'nocopy', 'rbind', 'rshared']);
    expect(() => validateVolumeOpts(['z', 'Z'])).toThrow(`can only specify 1 'z', 'Z', or 'O' option`);
    expect(() => validateVolumeOpts(['U', 'U'])).toThrow(`can only specify 1 'U' option`);
  });
});
