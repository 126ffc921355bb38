import { describe, expect, it } from 'vitest';
import { chooseStorageDriver, type DriverInputs } from '../../../src/host/storage-driver.js';
import { containerStorageOf, rootfsRunSpec, type ContainerDirs } from '../../../src/runtime/container/container-rootfs.js';
import { runModeArgs } from '../../../src/host/helper/helper.js';

const FUSE = '/usr/bin/fuse-overlayfs';
const host: DriverInputs = {
  kernel: '6.18.0',
  rootless: true,
  nativeOverlay: { ok: true, reason: 'ok' },
  fuseOverlayfs: FUSE,
  devFuseRW: true,
};

let lowerReads = 0;
const dirs: ContainerDirs = {
  lower: async () => {
    lowerReads++;
    return ['/d/l/TOP', '/d/l/BOTTOM'];
  },
  upper: '/d/containers/c/upper',
  work: '/d/containers/c/work',
  rootfs: '/d/containers/c/rootfs',
};

describe('container storage from the driver choice', () => {
  it('records native overlay, fuse-overlayfs, or vfs', () => {
    expect(containerStorageOf(chooseStorageDriver(host))).toEqual({ driver: 'overlay' });
    expect(containerStorageOf(chooseStorageDriver({ ...host, nativeOverlay: { ok: false, reason: 'EPERM' } }))).toEqual({
      driver: 'overlay',
      mountProgram: FUSE,
    });
    expect(containerStorageOf(chooseStorageDriver({ ...host, flagDriver: 'vfs' }))).toEqual({ driver: 'vfs' });
  });

  it('follows --storage-opt / storage.conf mount_program and storage.conf driver, the flag winning', () => {
    const mountProgram = { path: '/opt/fo', source: '--storage-opt', executable: true };
    expect(containerStorageOf(chooseStorageDriver({ ...host, mountProgram }))).toEqual({ driver: 'overlay', mountProgram: '/opt/fo' });
    const conf = { value: 'vfs', source: '/home/u/.config/containers/storage.conf' };
    expect(containerStorageOf(chooseStorageDriver({ ...host, confDriver: conf }))).toEqual({ driver: 'vfs' });
    expect(containerStorageOf(chooseStorageDriver({ ...host, confDriver: conf, flagDriver: 'overlay' }))).toEqual({ driver: 'overlay' });
    expect(containerStorageOf(chooseStorageDriver({ ...host, flagDriver: 'vfs', mountProgram }))).toEqual({ driver: 'vfs' });
  });
});

describe('rootfs run spec', () => {
  it('overlay: layers top-most first under upper/work, natively or through the mount program', async () => {
    const native = await rootfsRunSpec({ driver: 'overlay' }, dirs);
    expect(native).toEqual({ overlay: { lower: ['/d/l/TOP', '/d/l/BOTTOM'], upper: dirs.upper, work: dirs.work } });
    const fuse = await rootfsRunSpec({ driver: 'overlay', mountProgram: FUSE }, dirs);
    expect(runModeArgs({ ...fuse, command: ['ls'] })).toEqual([
      '--lower',
      '/d/l/TOP:/d/l/BOTTOM',
      '--upper',
      dirs.upper,
      '--work',
      dirs.work,
      '--mount-program',
      FUSE,
      '--',
      'ls',
    ]);
  });

  it('a record from before the driver choice is native overlay', async () => {
    expect(await rootfsRunSpec(undefined, dirs)).toEqual(await rootfsRunSpec({ driver: 'overlay' }, dirs));
  });

  it('vfs: the container’s own copy, layers not even looked up', async () => {
    lowerReads = 0;
    const spec = await rootfsRunSpec({ driver: 'vfs' }, dirs);
    expect(spec).toEqual({ rootfs: dirs.rootfs });
    expect(lowerReads).toBe(0);
    expect(runModeArgs({ ...spec, command: ['ls'] })).toEqual(['--rootfs', dirs.rootfs, '--', 'ls']);
  });
});
