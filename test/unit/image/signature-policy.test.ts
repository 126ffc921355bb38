import { describe, expect, it } from 'vitest';
import { checkImageAllowed, PolicyRejectedError, requirementsFor } from '../../../src/image/policy/evaluate.js';
import { parsePolicy, PolicyFormatError } from '../../../src/image/policy/policy.js';
import { describeImage, dockerNamespaces, policyIdentity, policyNamespaces, type PolicyImage } from '../../../src/image/policy/scopes.js';
import { normalizeReference } from '../../../src/storage/image-reference.js';

const docker = (r: string): PolicyImage => ({ transport: 'docker', ref: normalizeReference(r) });
const reasonOf = (text: string) => {
  try {
    parsePolicy(text);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyFormatError);
    return (err as Error).message;
  }
  return 'parsed';
};

describe('policy.json parsing', () => {
  it('refuses what containers/image refuses, with its reasons', () => {
    expect(reasonOf('{}')).toBe('Default policy is missing');
    expect(reasonOf('{"default":[]}')).toBe('List of verification policy requirements must not be empty');
    expect(reasonOf('{"default":[{"type":"nope"}]}')).toBe('Unknown policy requirement type "nope"');
    expect(reasonOf('{"default":[{"type":"reject"}],"foo":1}')).toBe('Unknown key "foo"');
    expect(reasonOf('{"default":[{"type":"reject","keyPath":"/k"}]}')).toBe('Unknown key "keyPath"');
    expect(reasonOf('{bad')).toMatch(/JSON|property name/);
    expect(reasonOf('{"default":[{"type":"signedBy","keyType":"GPGKeys"}]}')).toMatch(/exactly one of keyPath, keyPaths, keyData/);
    expect(reasonOf('{"default":[{"type":"signedBy","keyType":"Nope","keyPath":"/k"}]}')).toBe('Unknown key type "Nope"');
    expect(reasonOf('{"default":[{"type":"sigstoreSigned","keyPath":"/k","signedIdentity":{"type":"odd"}}]}')).toBe('Unknown policy reference match type "odd"');
    // Path scopes must be absolute and clean (containers/image calls a bad one an unknown key); docker scopes are free.
    expect(reasonOf('{"default":[{"type":"reject"}],"transports":{"dir":{"relative":[{"type":"reject"}]}}}')).toBe('Unknown key "relative"');
    expect(reasonOf('{"default":[{"type":"reject"}],"transports":{"oci":{"/a/../b":[{"type":"reject"}]}}}')).toBe('Unknown key "/a/../b"');
    expect(reasonOf('{"default":[{"type":"reject"}],"transports":{"docker":{"busybox":[{"type":"reject"}]},"nosuch":{"x":[{"type":"reject"}]}}}')).toBe('parsed');
  });

  it('reads every requirement type and keeps the scopes', () => {
    const p = parsePolicy(
      JSON.stringify({
        default: [{ type: 'insecureAcceptAnything' }],
        transports: {
          docker: {
            'registry.example.com/team': [{ type: 'signedBy', keyType: 'GPGKeys', keyPaths: ['/a', '/b'], signedIdentity: { type: 'matchRepository' } }],
            '*.example.org': [{ type: 'sigstoreSigned', keyData: 'AAAA', signedIdentity: { type: 'remapIdentity', prefix: 'a.io', signedPrefix: 'b.io' } }],
            '127.0.0.1:5000/x:1': [{ type: 'reject' }],
            '': [{ type: 'insecureAcceptAnything' }],
          },
          'docker-daemon': { '': [{ type: 'insecureAcceptAnything' }] },
        },
      }),
    );
    expect(Object.keys(p.transports.docker!)).toHaveLength(4);
    expect(p.transports.docker!['registry.example.com/team']![0]).toMatchObject({ type: 'signedBy', keyPaths: ['/a', '/b'] });
  });
});

describe('policy scopes', () => {
  it('docker: the repository, its parents, the registry, then *.domain wildcards without the port', () => {
    expect(dockerNamespaces(normalizeReference('registry.example.com:5000/a/b/c:1'))).toEqual([
      'registry.example.com:5000/a/b/c',
      'registry.example.com:5000/a/b',
      'registry.example.com:5000/a',
      'registry.example.com:5000',
      '*.example.com',
      '*.com',
    ]);
    expect(policyIdentity(docker('busybox'))).toBe('docker.io/library/busybox:latest');
    expect(describeImage(docker('127.0.0.1:5000/lab/bb:1'))).toBe('docker://127.0.0.1:5000/lab/bb:1');
  });

  it('oci and dir: the path (with :ref first) and its parent directories; docker-archive has none', () => {
    const oci: PolicyImage = { transport: 'oci', path: '/srv/images/app', ref: 'v1' };
    expect(policyIdentity(oci)).toBe('/srv/images/app:v1');
    expect(policyNamespaces(oci)).toEqual(['/srv/images/app', '/srv/images', '/srv']);
    expect(policyNamespaces({ transport: 'dir', path: '/srv/images/app' })).toEqual(['/srv/images', '/srv']);
    expect(policyIdentity({ transport: 'docker-archive', path: '/x.tar' })).toBe('');
    expect(describeImage({ transport: 'oci-archive', path: '/x.tar' })).toBe('oci-archive:/x.tar:');
  });

  it('containers-storage: named like podman\'s store, driver and root', () => {
    const img: PolicyImage = { transport: 'containers-storage', driver: 'vfs', graphRoot: '/d', runRoot: '/r', id: 'abc' };
    expect(describeImage(img)).toBe('containers-storage:[vfs@/d+/r]@abc');
    expect(policyIdentity(img)).toBe('[vfs@/d]@abc');
    expect(policyNamespaces(img)).toEqual(['[vfs@/d]', '[/d]']);
  });
});

describe('policy evaluation', () => {
  const policy = parsePolicy(
    JSON.stringify({
      default: [{ type: 'reject' }],
      transports: {
        docker: {
          '127.0.0.1:5000': [{ type: 'insecureAcceptAnything' }],
          '127.0.0.1:5000/locked': [{ type: 'reject' }],
          '127.0.0.1:5000/locked/open:1': [{ type: 'insecureAcceptAnything' }],
          '*.example.com': [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/k.gpg' }],
          'quay.io/s': [{ type: 'insecureAcceptAnything' }, { type: 'sigstoreSigned', keyPath: '/k.pub' }],
        },
        'docker-archive': { '': [{ type: 'insecureAcceptAnything' }] },
      },
    }),
  );
  const verdict = (img: PolicyImage) => {
    try {
      checkImageAllowed(policy, img);
      return 'accepted';
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyRejectedError);
      return (err as Error).message;
    }
  };

  it('the most specific scope wins: identity, then namespaces, then the transport default, then the default', () => {
    expect(verdict(docker('127.0.0.1:5000/app:1'))).toBe('accepted');
    expect(verdict(docker('127.0.0.1:5000/locked/app:1'))).toBe('Source image rejected: Running image docker://127.0.0.1:5000/locked/app:1 is rejected by policy.');
    expect(verdict(docker('127.0.0.1:5000/locked/open:1'))).toBe('accepted');
    expect(verdict(docker('127.0.0.1:5000/locked/open:2'))).toMatch(/rejected by policy/);
    expect(verdict(docker('busybox'))).toBe('Source image rejected: Running image docker://docker.io/library/busybox:latest is rejected by policy.');
    expect(verdict({ transport: 'docker-archive', path: '/x.tar' })).toBe('accepted');
    expect(verdict({ transport: 'oci-archive', path: '/x.tar' })).toBe('Source image rejected: Running image oci-archive:/x.tar: is rejected by policy.');
    expect(requirementsFor(policy, docker('127.0.0.1:5000/locked/x:1')).scope).toBe('127.0.0.1:5000/locked');
  });

  it('signature requirements are refused, naming the requirement, never accepted unverified', () => {
    expect(verdict(docker('registry.example.com/app:1'))).toMatch(/requires docker:\/\/registry.example.com\/app:1 to be signed \(signedBy, keyType GPGKeys\)/);
    // Every requirement must pass: an accept beside a signature requirement does not let it in.
    expect(verdict(docker('quay.io/s/app:1'))).toMatch(/sigstoreSigned, key/);
  });
});
