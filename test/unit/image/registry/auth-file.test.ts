import { describe, expect, it } from 'vitest';
import {
  authSources,
  decodeAuth,
  encodeAuth,
  findInDoc,
  lookupKeys,
  normalizeDockerKey,
  parseAuthDoc,
  primaryAuthFile,
} from '../../../../src/image/registry/auth-file.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('auth file locations', () => {
  it('primary: --authfile, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, podman\'s fallback runtime dir (root: /run/containers/0)', () => {
    expect(primaryAuthFile({ authfile: '/a.json', env: { REGISTRY_AUTH_FILE: '/b.json' } })).toBe('/a.json');
    expect(primaryAuthFile({ env: { REGISTRY_AUTH_FILE: '/b.json', XDG_RUNTIME_DIR: '/run/user/1' } })).toBe('/b.json');
    expect(primaryAuthFile({ env: { XDG_RUNTIME_DIR: '/run/user/1' } })).toBe('/run/user/1/containers/auth.json');
    expect(primaryAuthFile({ env: {}, uid: 0 })).toBe('/run/containers/0/auth.json');
    // No /run/user/4242424 of that user: $TMPDIR/podman-run-UID, as podman sets XDG_RUNTIME_DIR.
    expect(primaryAuthFile({ env: { TMPDIR: '/x' }, uid: 4242424 })).toBe('/x/podman-run-4242424/containers/auth.json');
    expect(primaryAuthFile({ env: {}, uid: 4242424 })).toBe('/tmp/podman-run-4242424/containers/auth.json');
  });

  it('reads the user config and Docker files as fallbacks, unless a file is given', () => {
    const env = { XDG_RUNTIME_DIR: '/run/user/1', HOME: '/home/u' };
    expect(authSources({ env }).map((s) => s.file)).toEqual([
      '/run/user/1/containers/auth.json',
      '/home/u/.config/containers/auth.json',
      '/home/u/.docker/config.json',
      '/home/u/.dockercfg',
    ]);
    expect(authSources({ env: { ...env, DOCKER_CONFIG: '/d' } })[2]!.file).toBe('/d/config.json');
    expect(authSources({ env, authfile: '/x.json' }).map((s) => s.file)).toEqual(['/x.json']);
    expect(authSources({ env: { ...env, REGISTRY_AUTH_FILE: '/y.json' } }).map((s) => s.file)).toEqual(['/y.json']);
  });
});

describe('credential lookup', () => {
  const doc = parseAuthDoc(
    JSON.stringify({
      auths: {
        'reg.example/team/app': { auth: b64('app:1') },
        'reg.example/team': { auth: b64('team:2') },
        'reg.example': { auth: b64('host:3') },
        'empty.example': { auth: '' },
      },
      credHelpers: { 'x.example': 'pass' },
    }),
    { file: 'auth.json', legacy: false },
  );

  it('tries host/ns/repo, host/ns, host', () => {
    expect(lookupKeys('reg.example/team/app/sub')).toEqual(['reg.example/team/app/sub', 'reg.example/team/app', 'reg.example/team', 'reg.example']);
    expect(findInDoc(doc, 'reg.example/team/app', false)?.credentials).toEqual({ username: 'app', password: '1' });
    expect(findInDoc(doc, 'reg.example/team/other', false)?.key).toBe('reg.example/team');
    expect(findInDoc(doc, 'reg.example/solo', false)?.credentials.username).toBe('host');
    expect(findInDoc(doc, 'reg.example:5000/x', false)).toBeUndefined();
    expect(findInDoc(doc, 'empty.example/x', false)).toBeUndefined();
  });

  it("normalises Docker's keys", () => {
    expect(normalizeDockerKey('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normalizeDockerKey('http://reg.example:5000/v2/')).toBe('reg.example:5000');
    expect(normalizeDockerKey('reg.example/ns')).toBe('reg.example/ns');
    const docker = parseAuthDoc(JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: b64('d:p') } } }), { file: 'config.json', legacy: false });
    expect(findInDoc(docker, 'docker.io/library/busybox', true)?.credentials).toEqual({ username: 'd', password: 'p' });
    const legacy = parseAuthDoc(JSON.stringify({ 'https://r.example': { auth: b64('l:q') } }), { file: '.dockercfg', legacy: true });
    expect(findInDoc(legacy, 'r.example/x', true)?.credentials.username).toBe('l');
  });

  it('keeps a colon in the password and refuses an auth without one', () => {
    expect(decodeAuth(encodeAuth({ username: 'u', password: 'a:b:c' }), 'k')).toEqual({ username: 'u', password: 'a:b:c' });
    expect(() => decodeAuth(b64('nocolon'), 'k')).toThrow(/not username:password/);
  });

  it('names the file when it is not JSON', () => {
    expect(() => parseAuthDoc('{', { file: '/x/auth.json', legacy: false })).toThrow(/unmarshaling JSON at "\/x\/auth.json"/);
    expect(parseAuthDoc('', { file: 'a', legacy: false }).auths).toEqual({});
  });
});
