import { describe, expect, it } from 'vitest';
import { TscRunError } from '../../../src/errors.js';
import { mountHelperArgs } from '../../../src/volume/helper-args.js';
import { IMAGE_VOLUME_OPTIONS, planMounts, type PlanContext } from '../../../src/volume/mount-plan.js';
import { parseMountFlags, type MountFlags } from '../../../src/volume/mount-spec.js';
import { inspectBinds, inspectMounts, inspectTmpfs } from '../../../src/volume/mount-views.js';

function ctx(over: Partial<PlanContext> = {}): PlanContext {
  let n = 0;
  return {
    bindSource: (s) => {
      if (s.includes('nope')) throw new TscRunError(`statfs ${s}: no such file or directory`);
      return { path: s.startsWith('/') ? s : `/cwd/${s}`, flags: { nosuid: false, nodev: false, noexec: false } };
    },
    volumeSource: (name) => `/root/volumes/${name}/_data`,
    newName: () => `anon${++n}`,
    imageVolumes: [],
    ...over,
  };
}

const plan = (f: MountFlags, over: Partial<PlanContext> = {}) => planMounts(parseMountFlags(f), ctx(over));

describe('mount plan', () => {
  it('completes every mount as podman does and names anonymous volumes', () => {
    expect(plan({ volume: ['data:/d', '/data', '/h:/host:ro', './rel:/r'], tmpfs: ['/t'] })).toEqual([
      { type: 'volume', name: 'data', source: '/root/volumes/data/_data', destination: '/d', options: ['rw', 'rprivate', 'nosuid', 'nodev', 'rbind'] },
      { type: 'volume', name: 'anon1', anonymous: true, source: '/root/volumes/anon1/_data', destination: '/data', options: ['rw', 'rprivate', 'nosuid', 'nodev', 'rbind'] },
      { type: 'bind', source: '/h', destination: '/host', options: ['ro', 'rprivate', 'rbind'] },
      { type: 'bind', source: '/cwd/./rel', destination: '/r', options: ['rw', 'rprivate', 'rbind'] },
      { type: 'tmpfs', destination: '/t', options: ['rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup'] },
    ]);
  });

  it("turns the image's VOLUMEs into anonymous volumes unless a flag mounts there", () => {
    const m = plan({ volume: ['/h:/data/'] }, { imageVolumes: ['/data', '/cache', 'rel'] });
    expect(m.map((x) => [x.type, x.destination])).toEqual([
      ['bind', '/data/'],
      ['volume', '/cache'],
      ['volume', '/rel'],
    ]);
    expect(m[1]).toMatchObject({ anonymous: true, options: IMAGE_VOLUME_OPTIONS });
  });

  it("gives podman's errors for missing host paths and bad names", () => {
    expect(() => plan({ volume: ['/nope:/x'] })).toThrow('statfs /nope: no such file or directory');
    expect(() => plan({ volume: ['bad$:/x'] })).toThrow(
      'creating named volume "bad$": running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument',
    );
    expect(() => plan({ mount: ['type=volume,src=a/b,dst=/x'] })).toThrow('creating named volume "a/b"');
    expect(() => plan({ volume: ['/h:/x:idmap'] })).toThrow(/idmap/);
  });
});

describe('inspect views', () => {
  const m = plan({ volume: ['/h:/x:U,z,noexec', 'v:/v:ro,nocopy'], mount: ['type=bind,src=/s,dst=/s,bind-propagation=shared'], tmpfs: ['/t:size=1m'] });
  it('Mounts: volumes first, then binds; no tmpfs', () => {
    expect(inspectMounts(m)).toEqual([
      { Type: 'volume', Name: 'v', Source: '/root/volumes/v/_data', Destination: '/v', Driver: 'local', Mode: '', Options: ['nocopy', 'nosuid', 'nodev', 'rbind'], RW: false, Propagation: 'rprivate' },
      { Type: 'bind', Source: '/s', Destination: '/s', Driver: '', Mode: '', Options: ['rbind'], RW: true, Propagation: 'shared' },
      { Type: 'bind', Source: '/h', Destination: '/x', Driver: '', Mode: 'z', Options: ['U', 'noexec', 'rbind'], RW: true, Propagation: 'rprivate' },
    ]);
    expect(Object.keys(inspectMounts(m)[0]!)).toEqual(['Type', 'Name', 'Source', 'Destination', 'Driver', 'Mode', 'Options', 'RW', 'Propagation']);
    expect(Object.keys(inspectMounts(m)[1]!)).not.toContain('Name');
  });
  it('Binds and Tmpfs', () => {
    expect(inspectBinds(m)).toEqual(['v:/v:ro,nocopy,rprivate,nosuid,nodev,rbind', '/s:/s:shared,rw,rbind', '/h:/x:U,z,noexec,rw,rprivate,rbind']);
    expect(inspectTmpfs(m)).toEqual({ '/t': 'size=1m,rw,rprivate,nosuid,nodev,tmpcopyup' });
    expect(inspectMounts(undefined)).toEqual([]);
  });
});

describe('helper options', () => {
  const user = { uid: 1000, gid: 100 };
  it('orders by depth, escapes fields and passes only what the helper needs', () => {
    const m = plan({ volume: ['/h:/a/b:ro', 'v:/a'], mount: ['type=bind,src=/we:ird,dst=/c,U'], tmpfs: ['/t:size=1m,noexec'] });
    expect(mountHelperArgs({ mounts: m, firstUse: new Map(), typed: new Map(), user })).toEqual([
      '--bind', '/we\\:ird:/c:U,uid=1000,gid=100',
      '--bind', '/root/volumes/v/_data:/a:nosuid,nodev',
      '--tmpfs', '/t:size=1m,noexec,nosuid,nodev,tmpcopyup',
      '--bind', '/h:/a/b:ro',
    ]);
  });

  it('U on a later start chowns only a source whose top changed (podman), tmpfs always', () => {
    const m = plan({ volume: ['/h:/h:U', 'v:/v:U'], tmpfs: ['/t:U'] });
    const later = mountHelperArgs({ mounts: m, firstUse: new Map(), typed: new Map(), user, firstStart: false });
    expect(later.filter((a) => !a.startsWith('--'))).toEqual([
      '/h:/h:Uchanged,uid=1000,gid=100',
      '/root/volumes/v/_data:/v:Uchanged,nosuid,nodev,uid=1000,gid=100',
      '/t:U,nosuid,nodev,tmpcopyup,uid=1000,gid=100',
    ]);
    expect(mountHelperArgs({ mounts: m, firstUse: new Map(), typed: new Map(), user, firstStart: true }).join(' ')).not.toContain('Uchanged');
  });

  it("does a new volume's first-use work unless nocopy", () => {
    const m = plan({ volume: ['v:/v', 'w:/w:nocopy'] });
    const firstUse = new Map([['v', { copyUp: true, chown: true }], ['w', { copyUp: true, chown: false }]]);
    expect(mountHelperArgs({ mounts: m, firstUse, typed: new Map(), user })).toEqual([
      '--bind', '/root/volumes/v/_data:/v:nosuid,nodev,chown,copyup,uid=1000,gid=100',
      '--bind', '/root/volumes/w/_data:/w:nosuid,nodev',
    ]);
  });

  it('mounts typed volumes as what they are', () => {
    const m = plan({ volume: ['t:/t', 'b:/b', 'x:/x'] });
    const typed = new Map([
      ['t', { type: 'tmpfs', device: 'tmpfs', o: ['size=2m', 'nr_inodes=3'] }],
      ['b', { type: 'none', device: '/srv', o: ['bind', 'ro'] }],
    ]);
    expect(mountHelperArgs({ mounts: m.slice(0, 2), firstUse: new Map(), typed, user })).toEqual([
      '--tmpfs', '/t:nosuid,nodev,size=2m',
      '--bind', '/srv:/b:nosuid,nodev,ro',
    ]);
    expect(() => mountHelperArgs({ mounts: m.slice(2), firstUse: new Map(), typed: new Map([['x', { type: 'ext4', device: '/dev/sda', o: [] }]]), user })).toThrow(
      /not supported/,
    );
  });
});
