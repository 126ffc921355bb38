import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { chooseStorageDriver, kernelShort, type DriverInputs } from '../../../src/host/storage-driver.js';

const FUSE = '/usr/bin/fuse-overlayfs';
const base: DriverInputs = {
  kernel: '6.18.44-fc-v669',
  rootless: true,
  nativeOverlay: { ok: true, reason: 'ok' },
  fuseOverlayfs: FUSE,
  devFuseRW: true,
};
const noNative = { ok: false, reason: 'mount: operation not permitted' };

describe('chooseStorageDriver', () => {
  it('native overlay when the probe works', () => {
    expect(chooseStorageDriver(base)).toEqual({ driver: 'overlay', reason: 'native overlay works in a user namespace (kernel 6.18)' });
    expect(chooseStorageDriver({ ...base, rootless: false }).reason).toBe('native overlay works as root (kernel 6.18)');
  });

  // The decision table: probe result × fuse-overlayfs × /dev/fuse, without any explicit setting.
  const table: Array<[boolean, boolean, boolean, 'overlay' | 'vfs', boolean]> = [
    // native, fuse installed, /dev/fuse rw → driver, via mount program
    [true, true, true, 'overlay', false],
    [true, false, false, 'overlay', false],
    [false, true, true, 'overlay', true],
    [false, true, false, 'vfs', false],
    [false, false, true, 'vfs', false],
    [false, false, false, 'vfs', false],
  ];
  it.each(table)('native=%s fuse=%s devFuse=%s → %s (mount program: %s)', (native, fuse, dev, driver, viaFuse) => {
    const c = chooseStorageDriver({
      ...base,
      nativeOverlay: native ? base.nativeOverlay : noNative,
      fuseOverlayfs: fuse ? FUSE : undefined,
      devFuseRW: dev,
    });
    expect(c.driver).toBe(driver);
    expect(c.mountProgram).toBe(viaFuse ? FUSE : undefined);
    expect(c.problem).toBeUndefined();
    if (!native) expect(c.reason).toContain('operation not permitted');
  });

  it('explains the vfs fallback and how to get overlay', () => {
    const noFuse = chooseStorageDriver({ ...base, nativeOverlay: noNative, fuseOverlayfs: undefined });
    expect(noFuse.reason).toMatch(/fuse-overlayfs is not installed: falling back to vfs/);
    expect(noFuse.fix).toBe('sudo apt-get install fuse-overlayfs');
    const noDev = chooseStorageDriver({ ...base, nativeOverlay: noNative, devFuseRW: false });
    expect(noDev.reason).toMatch(/\/dev\/fuse is not read-write/);
    expect(noDev.fix).toBe('sudo chmod 0666 /dev/fuse');
  });

  it('--storage-driver wins over storage.conf', () => {
    const c = chooseStorageDriver({ ...base, flagDriver: 'vfs', confDriver: { value: 'overlay', source: '/etc/containers/storage.conf' } });
    expect(c).toEqual({ driver: 'vfs', reason: 'vfs selected by --storage-driver' });
    const conf = chooseStorageDriver({ ...base, confDriver: { value: 'vfs', source: '/etc/containers/storage.conf' } });
    expect(conf.reason).toBe('vfs selected by /etc/containers/storage.conf');
    const o2 = chooseStorageDriver({ ...base, flagDriver: 'overlay2' });
    expect(o2.driver).toBe('overlay');
    expect(o2.reason).toMatch(/selected by --storage-driver/);
  });

  it('rejects drivers we do not have', () => {
    expect(() => chooseStorageDriver({ ...base, flagDriver: 'btrfs' })).toThrow(UsageError);
    expect(() => chooseStorageDriver({ ...base, confDriver: { value: 'zfs', source: 'f.conf' } })).toThrow(/zfs.*f\.conf/);
  });

  it('explicit overlay that cannot work is a problem with a fix, not a silent vfs', () => {
    const c = chooseStorageDriver({ ...base, flagDriver: 'overlay', nativeOverlay: noNative, fuseOverlayfs: undefined });
    expect(c.driver).toBe('overlay');
    expect(c.problem?.message).toMatch(/cannot work/);
    expect(c.problem?.fix).toBe('sudo apt-get install fuse-overlayfs');
  });

  it('an explicit mount_program is used even when native overlay works', () => {
    const mp = { path: '/opt/fo', source: '--storage-opt', executable: true };
    expect(chooseStorageDriver({ ...base, mountProgram: mp })).toMatchObject({ driver: 'overlay', mountProgram: '/opt/fo' });
    const broken = chooseStorageDriver({ ...base, mountProgram: { ...mp, executable: false } });
    expect(broken.problem?.message).toMatch(/\/opt\/fo is not an executable/);
    const noDev = chooseStorageDriver({ ...base, mountProgram: mp, devFuseRW: false });
    expect(noDev.problem?.fix).toBe('sudo chmod 0666 /dev/fuse');
    expect(chooseStorageDriver({ ...base, mountProgram: mp, flagDriver: 'vfs' }).driver).toBe('vfs');
  });

  it('shortens kernel releases', () => {
    expect(kernelShort('6.18.44-fc-v669')).toBe('6.18');
    expect(kernelShort('5.10.0-28-amd64')).toBe('5.10');
    expect(kernelShort('weird')).toBe('weird');
  });
});
