import { describe, expect, it } from 'vitest';
import { loginKey } from '../../../../src/image/registry/login.js';
import { parsePushDestination } from '../../../../src/image/registry/push-destination.js';
import { parseCreds } from '../../../../src/image/registry/remote.js';

describe('push destinations', () => {
  it('reads registry references with or without docker://', () => {
    expect(parsePushDestination('127.0.0.1:5000/app:1')).toEqual({ transport: 'docker', ref: { domain: '127.0.0.1:5000', path: 'app', tag: '1', digest: undefined } });
    expect(parsePushDestination('docker://quay.io/a/b')).toMatchObject({ transport: 'docker', ref: { domain: 'quay.io', path: 'a/b', tag: 'latest' } });
    expect(parsePushDestination('busybox')).toMatchObject({ ref: { domain: 'docker.io', path: 'library/busybox' } });
  });

  it('splits local transports at the first colon', () => {
    expect(parsePushDestination('oci:/tmp/layout:v1')).toEqual({ transport: 'oci', path: '/tmp/layout', ref: 'v1' });
    expect(parsePushDestination('oci:/tmp/layout')).toEqual({ transport: 'oci', path: '/tmp/layout', ref: undefined });
    expect(parsePushDestination('docker-archive:/tmp/x.tar:foo/bar:1')).toEqual({ transport: 'docker-archive', path: '/tmp/x.tar', ref: 'foo/bar:1' });
    expect(parsePushDestination('oci-archive:out.tar')).toEqual({ transport: 'oci-archive', path: 'out.tar', ref: undefined });
    expect(parsePushDestination('dir:/tmp/a:b')).toEqual({ transport: 'dir', path: '/tmp/a:b' });
  });

  it('refuses digests, unsupported transports and empty paths', () => {
    expect(() => parsePushDestination(`r.io/a@sha256:${'a'.repeat(64)}`)).toThrow(/names a tag, not a digest/);
    expect(() => parsePushDestination('containers-storage:bb')).toThrow(/unsupported transport "containers-storage"/);
    expect(() => parsePushDestination('dir:')).toThrow(/no path/);
    expect(() => parsePushDestination('oci::tag')).toThrow(/no path/);
  });
});

describe('login keys and --creds', () => {
  it('normalises what login and logout are given', () => {
    expect(loginKey('127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(loginKey('https://quay.io/')).toBe('quay.io');
    expect(loginKey('docker://index.docker.io')).toBe('docker.io');
    expect(loginKey('quay.io/team/repo')).toBe('quay.io/team/repo');
    expect(() => loginKey('quay.io/team/repo:tag')).toThrow(/not an image reference/);
    expect(() => loginKey('')).toThrow(/provide a registry/);
  });

  it('splits --creds at the first colon', () => {
    expect(parseCreds('u:p:q')).toEqual({ username: 'u', password: 'p:q' });
    expect(parseCreds('u')).toEqual({ username: 'u', password: '' });
    expect(() => parseCreds(':p')).toThrow(/username must not be empty/);
  });
});
