import { describe, expect, it } from 'vitest';
import { parseRunMount, parseRunMounts } from '../../../src/build/exec/run-mounts.js';
import { parseBuildContext, parseBuildContexts } from '../../../src/build/context/named-contexts.js';
import { parseSecretFlags } from '../../../src/build/flags.js';

describe('RUN --mount (buildah 1.28 rules)', () => {
  it('bind: defaults to the context read-only, cleans the source, knows rw/ro/from', () => {
    expect(parseRunMount('target=/m')).toEqual({ type: 'bind', target: '/m', source: '', rw: false });
    expect(parseRunMount('type=bind,src=../../a/./b,dst=/x/,rw')).toEqual({ type: 'bind', target: '/x', source: 'a/b', rw: true });
    expect(parseRunMount('type=bind,from=st,source=/opt,target=/o,readonly,bind-propagation=rshared,z')).toEqual({ type: 'bind', target: '/o', source: 'opt', from: 'st', rw: false });
    expect(parseRunMount('type=bind,target=/o,rw=false').type === 'bind' && (parseRunMount('type=bind,target=/o,rw=false') as { rw: boolean }).rw).toBe(false);
  });
  it('cache: id defaults to the target; mode octal, uid, gid, sharing', () => {
    expect(parseRunMount('type=cache,target=/root/.cache')).toEqual({ type: 'cache', target: '/root/.cache', id: 'root/.cache', source: '', ro: false, sharing: 'shared', mode: 0o755, uid: 0, gid: 0 });
    expect(parseRunMount('type=cache,id=go,target=/c,mode=0700,uid=1000,gid=100,sharing=locked,ro')).toMatchObject({ id: 'go', mode: 0o700, uid: 1000, gid: 100, sharing: 'locked', ro: true });
  });
  it('tmpfs: size and mode become the tmpfs options', () => {
    expect(parseRunMount('type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=0700,noexec')).toEqual({ type: 'tmpfs', target: '/t', options: ['size=1m', 'mode=700', 'noexec'] });
  });
  it('secret and ssh: default targets, modes and ids', () => {
    const [s, a, b] = parseRunMounts(['type=secret,id=tok', 'type=ssh', 'type=ssh,id=x,required']);
    expect(s).toEqual({ type: 'secret', id: 'tok', target: '/run/secrets/tok', required: false, mode: 0o400, uid: 0, gid: 0 });
    expect(a).toMatchObject({ type: 'ssh', id: 'default', target: '/run/buildkit/ssh_agent.0' });
    expect(b).toMatchObject({ type: 'ssh', id: 'x', target: '/run/buildkit/ssh_agent.1', required: true });
  });
  it('refuses what buildah refuses, with the reason', () => {
    const bad: Array<[string, RegExp]> = [
      ['type=bind,target=rel', /invalid container path "rel", must be an absolute path/],
      ['type=bind', /must set volume destination/],
      ['type=bind,target=/a,bogus', /bogus: invalid mount option/],
      ['type=bind,target=/a,from=', /from: must provide an argument/],
      ['type=cache,target=/c,sharing=private', /unrecognized value "private"/],
      ['type=cache,target=/c,mode=9', /invalid cache mode/],
      ['type=cache,target=/c,uid=-1', /invalid cache uid/],
      ['type=tmpfs,target=/t,tmpfs-size=lots', /invalid tmpfs-size/],
      ['type=secret', /needs id=/],
      ['type=secret,id=a,env=A', /env= is not an option/],
      ['type=ssh,id=a,src=/x', /src: invalid ssh mount option/],
      ['type=overlay,target=/o', /invalid mount type "overlay"/],
      ['type=', /type= needs a value/],
    ];
    for (const [spec, why] of bad) expect(() => parseRunMount(spec), spec).toThrow(why);
    expect(() => parseRunMounts(['type=tmpfs,target=/a', 'type=cache,target=/a/'])).toThrow(/\/a: duplicate mount destination/);
  });
});

describe('--build-context', () => {
  it('tells images, URLs and directories apart', () => {
    expect(parseBuildContext('a=docker-image://alpine:3')).toEqual({ name: 'a', context: { kind: 'image', ref: 'alpine:3' } });
    expect(parseBuildContext('a=container-image://localhost/x')).toEqual({ name: 'a', context: { kind: 'image', ref: 'localhost/x' } });
    expect(parseBuildContext('a=docker://r/x@sha256:00')).toEqual({ name: 'a', context: { kind: 'image', ref: 'r/x@sha256:00' } });
    expect(parseBuildContext('a=https://h/x.tar')).toEqual({ name: 'a', context: { kind: 'url', url: 'https://h/x.tar' } });
    expect(parseBuildContext('a=/srv/dir')).toEqual({ name: 'a', context: { kind: 'dir', path: '/srv/dir' } });
    expect(parseBuildContext('a=b=c').context).toEqual({ kind: 'dir', path: `${process.cwd()}/b=c` });
    expect([...parseBuildContexts(['x=/1', 'x=/2'])]).toEqual([['x', { kind: 'dir', path: '/2' }]]);
  });
  it('refuses malformed values', () => {
    expect(() => parseBuildContext('novalue')).toThrow(/form of key=value/);
    expect(() => parseBuildContext('=/x')).toThrow(/name is empty/);
    expect(() => parseBuildContext('x=')).toThrow(/value is empty/);
    expect(() => parseBuildContext('x=docker-image://')).toThrow(/no image/);
    expect(() => parseBuildContext('x=git://h/r')).toThrow(/unsupported scheme/);
  });
});

describe('--secret (buildah 1.28)', () => {
  it('an id alone names an environment variable if one is set, else a file; env= and type= as given', async () => {
    const m = await parseSecretFlags(['id=TOKEN', 'id=e,env=OTHER', 'id=f,src=/etc/hostname,type=file'], { TOKEN: 'x', OTHER: 'y' });
    expect([...m]).toEqual([
      ['TOKEN', { type: 'env', name: 'TOKEN' }],
      ['e', { type: 'env', name: 'OTHER' }],
      ['f', { type: 'file', path: '/etc/hostname' }],
    ]);
    await expect(parseSecretFlags(['src=/x'], {})).rejects.toThrow(/incorrect secret flag format/);
    await expect(parseSecretFlags(['id=a,type=tape'], {})).rejects.toThrow(/must be file or env/);
    await expect(parseSecretFlags(['id=a,env=NOPE'], {})).rejects.toThrow(/NOPE is not set/);
    await expect(parseSecretFlags(['id=/no/such/file'], {})).rejects.toThrow(/no such file/);
  });
});
