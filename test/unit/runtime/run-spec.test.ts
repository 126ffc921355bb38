import { describe, expect, it } from 'vitest';
import { randomContainerName } from '../../../src/runtime/container/container-names.js';
import {
  DEFAULT_PATH,
  buildEnv,
  parseEntrypointFlag,
  parseGroup,
  parsePasswd,
  resolveCommand,
  resolveUser,
  resolveWorkdir,
} from '../../../src/runtime/container/run-spec.js';
import { findImage, resolvedName, type ImageRecord } from '../../../src/storage/images.js';

describe('resolveCommand', () => {
  const image = { Entrypoint: ['/entry'], Cmd: ['--default'] };
  it('arguments after IMAGE replace CMD and keep ENTRYPOINT', () => {
    expect(resolveCommand(image, { command: [] }).command).toEqual(['/entry', '--default']);
    expect(resolveCommand(image, { command: ['x', 'y'] }).command).toEqual(['/entry', 'x', 'y']);
  });
  it('--entrypoint replaces ENTRYPOINT and drops the image CMD', () => {
    expect(resolveCommand(image, { command: [], entrypoint: '/bin/sh' }).command).toEqual(['/bin/sh']);
    expect(resolveCommand(image, { command: ['-c', 'true'], entrypoint: '["/bin/sh","-e"]' }).command).toEqual(['/bin/sh', '-e', '-c', 'true']);
    expect(resolveCommand(image, { command: ['ls'], entrypoint: '' }).command).toEqual(['ls']);
    expect(parseEntrypointFlag('[not json')).toEqual(['[not json']);
  });
  it('with nothing to run, says so as podman does', () => {
    expect(() => resolveCommand({}, { command: [] })).toThrow('no command or entrypoint provided, and no CMD or ENTRYPOINT from image');
  });
});

describe('buildEnv', () => {
  const ctx = { hostEnv: { FROM_HOST: 'h' }, hostname: 'abc123', home: '/root' };
  it('defaults (PATH, TERM, container=podman), then image ENV, then -e; HOME and HOSTNAME last', () => {
    expect(buildEnv([], [], ctx)).toEqual([`PATH=${DEFAULT_PATH}`, 'TERM=xterm', 'container=podman', 'HOME=/root', 'HOSTNAME=abc123']);
    expect(buildEnv(['PATH=/img', 'A=1', 'HOME=/home/x'], ['A=2', 'B=', 'FROM_HOST', 'UNSET_ON_HOST'], ctx)).toEqual([
      'PATH=/img',
      'TERM=xterm',
      'container=podman',
      'A=2',
      'HOME=/home/x',
      'B=',
      'FROM_HOST=h',
      'HOSTNAME=abc123',
    ]);
  });
  it('--env-merge rewrites existing variables only; --unsetenv(-all); --http-proxy copies our proxy variables; --env-host ours over the image', () => {
    const host = { hostEnv: { http_proxy: 'p', OTHER: 'o', A: 'h' }, hostname: 'h', home: '/root' };
    expect(buildEnv(['A=1'], [], host, { merge: ['A=x${A}$A', 'NEW=1'], unset: ['TERM'] })).toEqual([
      `PATH=${DEFAULT_PATH}`, 'container=podman', 'A=x11', 'http_proxy=p', 'HOME=/root', 'HOSTNAME=h',
    ]);
    expect(buildEnv(['A=1'], ['B=2'], host, { unsetAll: true, httpProxy: false })).toEqual(['B=2', 'HOME=/root', 'HOSTNAME=h']);
    expect(buildEnv(['A=1'], [], host, { envHost: true })).toEqual([
      `PATH=${DEFAULT_PATH}`, 'TERM=xterm', 'container=podman', 'A=h', 'http_proxy=p', 'OTHER=o', 'HOME=/root', 'HOSTNAME=h',
    ]);
  });
  it('refuses -e without a name', () => {
    expect(() => buildEnv([], ['=x'], ctx)).toThrow(/invalid environment variable/);
  });
});

describe('users and working directory', () => {
  const passwd = parsePasswd('root:x:0:0:root:/root:/bin/sh\nbin:x:2:2::/bin:/sbin/nologin\nbad line\nuser:x:1000:1001::/home/user:/bin/sh\n');
  const group = parseGroup('root:x:0:\nstaff:x:50:user\n');
  it.each([
    ['', { uid: 0, gid: 0, home: '/root' }],
    ['1000', { uid: 1000, gid: 1001, home: '/home/user' }],
    ['user', { uid: 1000, gid: 1001, home: '/home/user' }],
    ['user:staff', { uid: 1000, gid: 50, home: '/home/user' }],
    ['user:7', { uid: 1000, gid: 7, home: '/home/user' }],
    ['4242', { uid: 4242, gid: 0, home: '/' }],
    ['4242:4243', { uid: 4242, gid: 4243, home: '/' }],
  ])('%j → %j', (spec, want) => {
    expect(resolveUser(spec, passwd, group)).toEqual(want);
  });
  it('numeric ids need no passwd file; names do', () => {
    expect(resolveUser('1000:1000', undefined, undefined)).toEqual({ uid: 1000, gid: 1000, home: '/' });
    expect(resolveUser('', undefined, undefined)).toEqual({ uid: 0, gid: 0, home: '/root' });
    expect(() => resolveUser('nobody', undefined, undefined)).toThrow('unable to find user nobody: no matching entries in passwd file');
    expect(() => resolveUser('nobody', passwd, group)).toThrow('unable to find user nobody');
    expect(() => resolveUser('0:wheel', passwd, group)).toThrow('unable to find group wheel: no matching entries in group file');
  });
  it('working directory: -w, then the image, then /', () => {
    expect(resolveWorkdir({}, undefined)).toBe('/');
    expect(resolveWorkdir({ WorkingDir: '/srv' }, undefined)).toBe('/srv');
    expect(resolveWorkdir({ WorkingDir: 'rel' }, undefined)).toBe('/rel');
    expect(resolveWorkdir({ WorkingDir: '/srv' }, '/tmp/')).toBe('/tmp');
  });
});

describe('run flags', () => {
  it('generates free adjective_surname names', () => {
    expect(randomContainerName()).toMatch(/^[a-z]+_[a-z]+$/);
    const always0 = () => 0;
    const first = randomContainerName(new Set(), always0);
    expect(randomContainerName(new Set([first]), always0)).toBe(`${first}2`);
  });
});

describe('findImage', () => {
  const img = (id: string, names: string[]): ImageRecord => ({
    id: id.padEnd(64, '0'),
    names,
    digest: 'sha256:' + id.padEnd(64, 'f'),
    manifestMediaType: '',
    layers: [],
    created: '',
    added: '',
    size: 0,
  });
  const images = [
    img('aaa1', ['localhost/demo:latest']),
    img('aaa2', ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1']),
    img('bbb', ['quay.io/x/app:v1']),
    img('ccc', []),
  ];
  const find = (s: string) => findImage(images, s)?.id.slice(0, 4);
  it.each([
    ['demo', 'aaa1'],
    ['demo:latest', 'aaa1'],
    ['localhost/demo', 'aaa1'],
    ['busybox', 'aaa2'],
    ['busybox:1', 'aaa2'],
    ['library/busybox', 'aaa2'],
    ['app:v1', 'bbb0'],
    ['x/app:v1', 'bbb0'],
    ['quay.io/x/app:v1', 'bbb0'],
    ['ccc', 'ccc0'],
    ['sha256:' + 'ccc'.padEnd(64, '0'), 'ccc0'],
    ['aaa2', 'aaa2'],
  ])('%s → %s', (input, want) => {
    expect(find(input)).toBe(want);
  });
  it('finds nothing for unknown names, and refuses ambiguous id prefixes', () => {
    expect(find('nosuch')).toBeUndefined();
    expect(find('demo:v2')).toBeUndefined();
    expect(find('app')).toBeUndefined();
    expect(() => find('aaa')).toThrow(/ambiguous/);
  });
  it('matches a digest reference by the manifest digest', () => {
    expect(find(`demo@sha256:${'aaa1'.padEnd(64, 'f')}`)).toBe('aaa1');
    expect(find(`demo@sha256:${'bbb'.padEnd(64, 'f')}`)).toBeUndefined();
  });
  it('names the tag it was reached by (what a container records), not the image\'s first name', () => {
    const bb = images[1]!;
    expect(resolvedName(bb, 'busybox:1')).toBe('docker.io/library/busybox:1');
    expect(resolvedName(bb, 'busybox')).toBe('docker.io/library/busybox:latest');
    expect(resolvedName(bb, 'docker.io/library/busybox:1')).toBe('docker.io/library/busybox:1');
    expect(resolvedName(images[2]!, 'app:v1')).toBe('quay.io/x/app:v1');
    expect(resolvedName(images[0]!, `demo@sha256:${'aaa1'.padEnd(64, 'f')}`)).toBe(`localhost/demo@sha256:${'aaa1'.padEnd(64, 'f')}`);
    // By id: none (the caller takes the first name).
    expect(resolvedName(bb, 'aaa2')).toBeUndefined();
    expect(resolvedName(bb, 'sha256:' + 'aaa2'.padEnd(64, '0'))).toBeUndefined();
  });
});
