import { describe, expect, it } from 'vitest';
import { parseMountFlag, parseMountFlags, parseTmpfsFlag, parseVolumeFlag, splitCsvLine } from '../../../src/volume/mount-spec.js';

describe('-v', () => {
  it('tells host paths, named and anonymous volumes apart', () => {
    expect(parseVolumeFlag('/host:/ctr:ro,z')).toEqual({ kind: 'bind', source: '/host', destination: '/ctr', options: ['ro', 'z'] });
    expect(parseVolumeFlag('./rel:/ctr')).toEqual({ kind: 'bind', source: './rel', destination: '/ctr', options: [] });
    expect(parseVolumeFlag('../up:/ctr').kind).toBe('bind');
    expect(parseVolumeFlag('data:/ctr:U')).toEqual({ kind: 'volume', name: 'data', destination: '/ctr', options: ['U'] });
    expect(parseVolumeFlag('/data')).toEqual({ kind: 'volume', name: '', destination: '/data', options: [] });
  });

  it.each([
    ['/a:/b:ro:x', '/a:/b:ro:x: incorrect volume format, should be [host-dir:]ctr-dir[:option]'],
    ['rel', 'invalid container path "rel", must be an absolute path'],
    ['/tmp:rel', 'invalid container path "rel", must be an absolute path'],
    [':/x', 'host directory cannot be empty'],
    ['/a:/x:ro,rw', `invalid options "ro, rw", can only specify 1 'rw' or 'ro' option`],
    ['/a:/x:ro,ro', `invalid options "ro, ro", can only specify 1 'rw' or 'ro' option`],
    ['/a:/x:foo', 'invalid option type "foo"'],
    ['/a:/x:shared,slave', `invalid options "shared, slave", can only specify 1 '[r]shared', '[r]private', '[r]slave' or '[r]unbindable' option`],
    ['/a:/x:O', 'overlay volume mounts (:O) are not supported'],
    ['/data:ro', 'invalid container path "ro", must be an absolute path'],
  ])('%s: podman\'s error', (spec, msg) => {
    expect(() => parseVolumeFlag(spec)).toThrow(msg);
  });

  it('drops the macOS-only options as Docker does', () => {
    expect(parseVolumeFlag('/a:/b:cached,ro').options).toEqual(['ro']);
  });
});

describe('--tmpfs', () => {
  it('takes a destination and options', () => {
    expect(parseTmpfsFlag('/t')).toEqual({ kind: 'tmpfs', destination: '/t', options: [] });
    expect(parseTmpfsFlag('/t/:size=1m,mode=700')).toEqual({ kind: 'tmpfs', destination: '/t', options: ['size=1m', 'mode=700'] });
    expect(() => parseTmpfsFlag('rel')).toThrow('invalid container path "rel", must be an absolute path');
  });
});

describe('--mount', () => {
  it('splits a CSV line as Go does', () => {
    expect(splitCsvLine('a,"b,c",d')).toEqual(['a', 'b,c', 'd']);
    expect(splitCsvLine('"x""y"')).toEqual(['x"y']);
    expect(() => splitCsvLine('a"b')).toThrow(/bare "/);
  });

  it('bind: source, target, readonly forms, propagation, relabel', () => {
    expect(parseMountFlag('type=bind,src=/h,dst=/c,ro')).toEqual({ kind: 'bind', source: '/h', destination: '/c', options: ['ro'] });
    expect(parseMountFlag('type=bind,source=/h,target=/c/,readonly=false').options).toEqual([]);
    expect(parseMountFlag('type=bind,src=/h,destination=/c,rw=false').options).toEqual(['ro']);
    expect(parseMountFlag('type=bind,src=/h,dst=/c,bind-propagation=rslave,bind-nonrecursive,relabel=shared,U=true').options).toEqual([
      'rslave',
      'bind',
      'z',
      'U',
    ]);
    expect(parseMountFlag('"type=bind","src=/h",dst=/c').kind).toBe('bind');
    // without a source, the destination is the host path
    expect(parseMountFlag('type=bind,dst=/c')).toMatchObject({ source: '/c' });
  });

  it('volume and tmpfs', () => {
    expect(parseMountFlag('type=volume,src=v,dst=/x,ro=true,U')).toEqual({ kind: 'volume', name: 'v', destination: '/x', options: ['ro', 'U'] });
    expect(parseMountFlag('type=volume,dst=/x')).toMatchObject({ kind: 'volume', name: '' });
    expect(parseMountFlag('type=volume,dst=/x,src=')).toMatchObject({ name: '' });
    expect(parseMountFlag('type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=0700,notmpcopyup')).toEqual({
      kind: 'tmpfs',
      destination: '/t',
      options: ['size=1m', 'mode=0700', 'notmpcopyup'],
    });
  });

  it.each([
    ['dst=/x', 'incorrect mount format: should be --mount type=<bind|tmpfs|volume>,[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]'],
    ['type=foo,dst=/x', 'invalid filesystem type "foo"'],
    ['type=bind,src=/h', 'must set volume destination'],
    ['type=bind,src=/h,dst=/x,foo', 'foo: invalid mount option'],
    ['type=bind,src=/h,dst=/x,type=tmpfs', 'type: invalid mount option'],
    ['type=bind,source,dst=/x', 'source: must provide an argument for option'],
    ['type=bind,src=/h,dst=/x,ro,rw', "cannot pass 'readonly', 'ro', or 'rw' options more than once: must provide an argument for option"],
    ['type=bind,src=/h,dst=/x,ro=maybe', `'readonly', 'ro', or 'rw' must be set to true or false, instead received "maybe": must provide an argument for option`],
    ['type=bind,src=/h,dst=/x,bind-propagation=foo', 'invalid option type "foo"'],
    ['type=bind,src=/h,target=rel', 'invalid container path "rel", must be an absolute path'],
    ['type=tmpfs,src=x,dst=/x', 'source is not supported with tmpfs mounts'],
    ['type=tmpfs,dst=/x,readonly', 'readonly: invalid mount option'],
    ['type=tmpfs,dst=/x,bind-nonrecursive', 'bind-nonrecursive: invalid mount option'],
    ['type=volume,src=v,dst=/x,bind-propagation=shared', 'bind-propagation: invalid mount option'],
    ['type=volume,src=v,dst=/x,relabel=shared', 'relabel: invalid mount option'],
    ['type=volume,src=v,dst=/x,nocopy', 'nocopy: invalid mount option'],
    ['type=bind,src=/h,dst=/x,tmpfs-size=1', 'tmpfs-size: invalid mount option'],
  ])('%s: podman\'s error', (spec, msg) => {
    expect(() => parseMountFlag(spec)).toThrow(msg);
  });
});

describe('all mount flags together', () => {
  it('keeps their order: --mount, -v, --tmpfs', () => {
    const r = parseMountFlags({ volume: ['/a:/va'], mount: ['type=tmpfs,dst=/m'], tmpfs: ['/t'] });
    expect(r.map((m) => m.destination)).toEqual(['/m', '/va', '/t']);
  });

  it('refuses two mounts on one destination, cleaned', () => {
    expect(() => parseMountFlags({ volume: ['/a:/x', '/b:/x/'] })).toThrow('/x/: duplicate mount destination');
    expect(() => parseMountFlags({ volume: ['v:/x'], tmpfs: ['/x'] })).toThrow('/x: duplicate mount destination');
    expect(() => parseMountFlags({ mount: ['type=tmpfs,dst=/x'], tmpfs: ['/x'] })).toThrow('duplicate mount destination');
  });

  it('counts a value given twice once, as podman', () => {
    expect(parseMountFlags({ tmpfs: ['/t', '/t'], volume: ['/h:/x', '/h:/x'] })).toEqual([
      { kind: 'bind', source: '/h', destination: '/x', options: [] },
      { kind: 'tmpfs', destination: '/t', options: [] },
    ]);
    expect(() => parseMountFlags({ tmpfs: ['/t', '/t:ro'] })).toThrow('/t: duplicate mount destination');
  });
});
