import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import {
  formatReference,
  isShortName,
  localCandidates,
  normalizeLocalName,
  normalizeReference,
  parseReference,
  shortNameMatches,
} from '../../../src/storage/image-reference.js';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const pull = (s: string) => formatReference(normalizeReference(s));
const local = (s: string) => formatReference(normalizeLocalName(s));

describe('normalizeReference (registry references)', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['user/app', 'docker.io/user/app:latest'],
    ['quay.io/podman/stable', 'quay.io/podman/stable:latest'],
    ['localhost/demo', 'localhost/demo:latest'],
    ['127.0.0.1:5000/app:1', '127.0.0.1:5000/app:1'],
    ['registry:5000/a/b/c:v1.2-x_y', 'registry:5000/a/b/c:v1.2-x_y'],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`],
    [`busybox:1@${DIGEST}`, `docker.io/library/busybox:1@${DIGEST}`],
    ['[::1]:5000/app', '[::1]:5000/app:latest'],
    ['My.Registry.io/app', 'My.Registry.io/app:latest'],
    ['a__b/c.d-e', 'docker.io/a__b/c.d-e:latest'],
  ])('%s → %s', (input, want) => {
    expect(pull(input)).toBe(want);
  });
});

describe('normalizeLocalName (names given to local images)', () => {
  it.each([
    ['demo', 'localhost/demo:latest'],
    ['demo:v2', 'localhost/demo:v2'],
    ['foo/bar', 'localhost/foo/bar:latest'],
    ['docker.io/alpine', 'docker.io/library/alpine:latest'],
    ['quay.io/x/y:1', 'quay.io/x/y:1'],
    ['localhost:5000/z', 'localhost:5000/z:latest'],
  ])('%s → %s', (input, want) => {
    expect(local(input)).toBe(want);
  });
});

describe('invalid references', () => {
  it.each(['', 'BAD::', 'a:b:c', 'app:', ':tag', 'a//b', '-app', 'app-', 'a/../b', 'app@sha256:abc', `app@md5:${'0'.repeat(32)}`, 'x'.repeat(256), 'a b'])(
    '%j is refused with "invalid reference format"',
    (input) => {
      const call = () => normalizeReference(input);
      expect(call).toThrow(UsageError);
      expect(call).toThrow(/^invalid reference format/);
    },
  );

  it('an uppercase repository says it must be lowercase', () => {
    expect(() => normalizeLocalName('Upper')).toThrow('repository name must be lowercase');
    expect(() => normalizeReference('quay.io/Foo/bar')).toThrow(/must be lowercase/);
  });

  it('a 64-hex string is an id, never a name', () => {
    expect(() => normalizeLocalName('a'.repeat(64))).toThrow(/cannot specify 64-byte hexadecimal strings/);
  });

  it('tags longer than 128 characters are refused', () => {
    expect(() => parseReference('app:' + 'a'.repeat(128))).not.toThrow();
    expect(() => parseReference('app:' + 'a'.repeat(129))).toThrow(/invalid reference format/);
  });
});

describe('short names and local lookup', () => {
  it('knows which names carry a registry', () => {
    expect(isShortName('busybox')).toBe(true);
    expect(isShortName('library/busybox')).toBe(true);
    expect(isShortName('quay.io/x')).toBe(false);
    expect(isShortName('localhost/x')).toBe(false);
    expect(isShortName('host:5000/x')).toBe(false);
  });

  it('tries localhost/ before docker.io/ for a short name, and only the name itself otherwise', () => {
    expect(localCandidates('demo').map(formatReference)).toEqual(['localhost/demo:latest', 'docker.io/library/demo:latest']);
    expect(localCandidates('quay.io/x:1').map(formatReference)).toEqual(['quay.io/x:1']);
  });

  it('matches stored names that end with the short name and have its tag', () => {
    expect(shortNameMatches('busybox', 'docker.io/library/busybox:latest')).toBe(true);
    expect(shortNameMatches('busybox', 'quay.io/foo/busybox:latest')).toBe(true);
    expect(shortNameMatches('busybox:1', 'quay.io/foo/busybox:latest')).toBe(false);
    expect(shortNameMatches('box', 'quay.io/foo/busybox:latest')).toBe(false);
    expect(shortNameMatches('foo/busybox', 'quay.io/foo/busybox:latest')).toBe(true);
  });
});
