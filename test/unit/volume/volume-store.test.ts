import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NoSuchVolumeError, VolumeExistsError } from '../../../src/volume/errors.js';
import { newVolumeRecord, volumeUsers } from '../../../src/volume/container-volumes.js';
import { volumeCreateSettings } from '../../../src/volume/volume-options.js';
import { VolumeStore } from '../../../src/volume/volume-store.js';
import type { ContainerRecord } from '../../../src/storage/containers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-volumes-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// The user's own trees: plain removal is what the helper's rmtree does for them.
const rmtree = async (...paths: string[]) => {
  for (const p of paths) fs.rmSync(p, { recursive: true, force: true });
};
const record = (name: string) => newVolumeRecord(name, volumeCreateSettings(name, undefined, [], []));

describe('volume store', () => {
  const store = new VolumeStore(tmp);

  it('stores volumes/<name>/{_data, volume.json}, lists by name, refuses a second of a name', async () => {
    await store.create(record('b'), rmtree);
    await store.create(record('a'), rmtree);
    expect(fs.readdirSync(store.volumeDir('a')).sort()).toEqual(['_data', 'volume.json']);
    expect(fs.statSync(store.dataDir('a')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(store.volumeDir('a')).mode & 0o777).toBe(0o700);
    expect((await store.list()).map((v) => v.name)).toEqual(['a', 'b']);
    await expect(store.create(record('a'), rmtree)).rejects.toBeInstanceOf(VolumeExistsError);
    const a = await store.lookup('a');
    expect(a).toMatchObject({ name: 'a', driver: 'local', needsCopyUp: true, needsChown: true, labels: {}, options: {} });
    expect(a.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it('ignores a directory an interrupted create left (no volume.json) and replaces it on the next create', async () => {
    fs.mkdirSync(path.join(store.dir, 'half', '_data'), { recursive: true });
    fs.writeFileSync(path.join(store.dir, 'half', '_data', 'junk'), 'x');
    expect((await store.list()).map((v) => v.name)).not.toContain('half');
    expect(await store.get('half')).toBeUndefined();
    await store.create(record('half'), rmtree);
    expect(fs.readdirSync(store.dataDir('half'))).toEqual([]);
  });

  it('updates under its lock; removes the record, then the tree', async () => {
    await store.update('b', (r) => {
      r.needsChown = false;
    });
    expect((await store.lookup('b')).needsChown).toBe(false);
    await store.remove('b', rmtree);
    expect(fs.existsSync(store.volumeDir('b'))).toBe(false);
    await expect(store.lookup('b')).rejects.toBeInstanceOf(NoSuchVolumeError);
    await expect(store.update('b', () => {})).rejects.toThrow('no volume with name "b" found: no such volume');
    // Names never reach outside volumes/.
    expect(await store.get('../containers')).toBeUndefined();
  });

  it('an owner given at create means no first-use chown', () => {
    const r = newVolumeRecord('o', volumeCreateSettings('o', undefined, [], ['o=uid=5']));
    expect(r).toMatchObject({ uid: 5, needsChown: false, needsCopyUp: true });
  });

  it('knows which containers use a volume', () => {
    const c = (id: string, names: string[]) =>
      ({ id, config: { mounts: names.map((name) => ({ type: 'volume', name, source: '', destination: `/${name}`, options: [] })) } }) as unknown as ContainerRecord;
    expect(volumeUsers([c('1', ['a']), c('2', ['a', 'b']), c('3', [])], 'a')).toEqual(['1', '2']);
  });
});
