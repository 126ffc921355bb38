import { describe, expect, it } from 'vitest';
import { checkVolumeName, anonymousVolumeName } from '../../../src/volume/names.js';
import { flagsFromMountinfo } from '../../../src/volume/source-flags.js';
import type { VolumeRecord } from '../../../src/storage/volume-types.js';
import { parseVolumeFilters, volumeMatches } from '../../../src/volume/volume-filters.js';
import { volumeCreateSettings } from '../../../src/volume/volume-options.js';
import { jsoniterIndent, volumeRow, volumeView } from '../../../src/volume/volume-view.js';

const rec = (over: Partial<VolumeRecord> = {}): VolumeRecord => ({
  name: 'lab',
  driver: 'local',
  createdAt: '2026-11-22T12:17:58.809238241Z',
  labels: {},
  options: {},
  needsCopyUp: true,
  needsChown: true,
  ...over,
});

describe('names', () => {
  it('follows podman', () => {
    for (const ok of ['a', 'A1', 'a_b.c-d', '0']) expect(() => checkVolumeName(ok)).not.toThrow();
    for (const bad of ['', '-x', 'a/b', 'bad name', '.x', 'a$']) {
      expect(() => checkVolumeName(bad)).toThrow('running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument');
    }
    expect(anonymousVolumeName()).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('volume create options', () => {
  it('keeps o as given and derives UID/GID, sorted as podman prints them', () => {
    const s = volumeCreateSettings('v', undefined, ['x=y', 'z'], ['o=uid=1000,gid=5']);
    expect(s).toEqual({ driver: 'local', labels: { x: 'y', z: '' }, options: { o: 'uid=1000,gid=5', UID: '1000', GID: '5' }, uid: 1000, gid: 5 });
    expect(volumeCreateSettings('v', 'local', [], ['type=tmpfs', 'device=tmpfs']).options).toEqual({ type: 'tmpfs', device: 'tmpfs' });
  });

  it("gives podman's errors", () => {
    expect(() => volumeCreateSettings('d1', 'foo', [], [])).toThrow(
      'volume d1 uses volume plugin foo but it could not be retrieved: no volume plugin with name foo available: required plugin missing',
    );
    expect(() => volumeCreateSettings('v', undefined, [], ['foo=bar'])).toThrow("invalid mount option foo for driver 'local': invalid argument");
    expect(() => volumeCreateSettings('v', undefined, [], ['o=size=10m'])).toThrow('Filesystem does not support Project Quota');
    expect(() => volumeCreateSettings('v', undefined, [], ['o=uid=x'])).toThrow('cannot convert UID x to integer');
  });
});

describe('inspect and ls views', () => {
  it("has podman 4.3's keys, omitting the empty ones it omits", () => {
    expect(Object.keys(volumeView(rec(), '/r/volumes/lab/_data'))).toEqual([
      'Name', 'Driver', 'Mountpoint', 'CreatedAt', 'Labels', 'Scope', 'Options', 'MountCount', 'NeedsCopyUp', 'NeedsChown',
    ]);
    const v = volumeView(rec({ uid: 1000, anonymous: true, needsChown: false, options: { o: 'uid=1000', UID: '1000' } }), '/m');
    expect(Object.keys(v)).toEqual(['Name', 'Driver', 'Mountpoint', 'CreatedAt', 'Labels', 'Scope', 'Options', 'UID', 'Anonymous', 'MountCount', 'NeedsCopyUp']);
    expect(Object.keys(v.Options)).toEqual(['UID', 'o']);
    expect(JSON.stringify(v.CreatedAt)).toBe('"2026-11-22T12:17:58.809238241Z"');
    expect(String(v.CreatedAt)).toBe('2026-11-22 12:17:58.809238241 +0000 UTC');
    const row = volumeRow(rec(), '/m');
    expect(row).toMatchObject({ Anonymous: false, UID: 0 });
    expect(Object.keys(JSON.parse(JSON.stringify(row)) as object)).not.toContain('Anonymous');
  });

  it("prints ls JSON as podman's json-iterator does (empty maps open)", () => {
    expect(jsoniterIndent([{ Name: 'a', Labels: {}, L: [], N: 0 }])).toBe('[\n  {\n    "Name": "a",\n    "Labels": {\n      \n    },\n    "L": [],\n    "N": 0\n  }\n]');
    expect(jsoniterIndent([])).toBe('[]');
  });
});

describe('filters', () => {
  const now = new Date('2026-11-22T13:00:00Z');
  const v = rec({ labels: { x: 'y', z: '' }, options: { type: 'bind', o: 'uid=1' } });
  const m = (f: string[], inUse = false) => volumeMatches(v, parseVolumeFilters(f), inUse, now);
  it('name (regex), driver, scope, label (all), opt, until, dangling', () => {
    expect(m(['name=^l'])).toBe(true);
    expect(m(['name=^x', 'name=a'])).toBe(true);
    expect(m(['name=^x'])).toBe(false);
    expect(m(['driver=local', 'scope=local'])).toBe(true);
    expect(m(['label=x=y', 'label=z'])).toBe(true);
    expect(m(['label=x=y', 'label=q'])).toBe(false);
    expect(m(['opt=type=bind'])).toBe(true);
    expect(m(['opt=type'])).toBe(true);
    expect(m(['opt=type=tmpfs'])).toBe(false);
    expect(m(['until=2026-11-22T12:18:00Z'])).toBe(true);
    expect(m(['until=1h'])).toBe(false);
    expect(m(['dangling=true'])).toBe(true);
    expect(m(['dangling=true'], true)).toBe(false);
    expect(m(['dangling=false'], true)).toBe(true);
  });
  it("gives podman's errors", () => {
    expect(() => parseVolumeFilters(['foo=bar'])).toThrow('"foo" is an invalid volume filter');
    expect(() => parseVolumeFilters(['label!=x'])).toThrow('"label!" is an invalid volume filter');
    expect(() => parseVolumeFilters(['name'])).toThrow('filter input must be in the form of filter=value: name is invalid');
    expect(() => parseVolumeFilters(['dangling=maybe'])).toThrow('"maybe" is not a valid value for the "dangling" filter - must be true or false');
  });
});

describe('source filesystem flags', () => {
  const mi = [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
    '30 22 0:5 / /tmp rw,nosuid,nodev shared:2 - tmpfs tmpfs rw',
    '31 30 0:6 / /tmp/x\\040y rw,noexec shared:3 - tmpfs tmpfs rw',
  ].join('\n');
  it('come from the deepest mount above the path', () => {
    expect(flagsFromMountinfo(mi, '/home/u')).toEqual({ nosuid: false, nodev: false, noexec: false });
    expect(flagsFromMountinfo(mi, '/tmp/a')).toEqual({ nosuid: true, nodev: true, noexec: false });
    expect(flagsFromMountinfo(mi, '/tmpfoo')).toEqual({ nosuid: false, nodev: false, noexec: false });
    expect(flagsFromMountinfo(mi, '/tmp/x y/z')).toEqual({ nosuid: false, nodev: false, noexec: true });
  });
});
