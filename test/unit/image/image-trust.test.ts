import { describe, expect, it } from 'vitest';
import { lookasideFor, mergeRegistriesD } from '../../../src/image/policy/registries-d.js';
import { applyTrustSet, checkTrustScope } from '../../../src/image/policy/trust-set.js';
import { parseGpgUids, trustEntries, trustTableLines } from '../../../src/image/policy/trust-view.js';

const noGpg = { gpgIds: () => [], gpgIdsOfData: () => [], warn: () => undefined };

describe('image trust show', () => {
  const policy = {
    default: [{ type: 'insecureAcceptAnything' }],
    transports: {
      docker: { 'quay.io/x': [{ type: 'sigstoreSigned', keyPath: '/k.pub' }], 'docker.io': [{ type: 'signedBy', keyPath: '/k.gpg' }] },
      'docker-daemon': { '': [{ type: 'reject' }] },
    },
  };
  it('default first, then transports and scopes sorted, docker as repository, podman\'s key order', () => {
    const registries = mergeRegistriesD([{ file: 'a.yaml', doc: { 'default-docker': { sigstore: 'file:///sigs' }, docker: { 'docker.io': { lookaside: 'https://l' } } } }]);
    const entries = trustEntries(policy, registries, { ...noGpg, gpgIds: (f) => (f === '/k.gpg' ? ['me@example.com'] : []) });
    expect(entries).toEqual([
      { transport: 'all', name: '* (default)', repo_name: 'default', sigstore: 'file:///sigs', type: 'accept' },
      { transport: 'repository', name: 'docker.io', repo_name: 'docker.io', sigstore: 'https://l', type: 'signed', gpg_id: 'me@example.com' },
      { transport: 'repository', name: 'quay.io/x', repo_name: 'quay.io/x', sigstore: 'file:///sigs', type: 'sigstoreSigned', gpg_id: 'N/A' },
      { transport: 'docker-daemon', sigstore: 'file:///sigs', type: 'reject' },
    ]);
    expect(Object.keys(entries[1]!)).toEqual(['transport', 'name', 'repo_name', 'sigstore', 'type', 'gpg_id']);
    expect(trustTableLines(entries.slice(0, 1), true)).toEqual(['TRANSPORT\tNAME\tTYPE\tID\tSTORE', 'all\tdefault\taccept\t\tfile:///sigs']);
  });

  it('registries.d: the nearest namespace, else default-docker; a namespace in two files is an error', () => {
    const conf = mergeRegistriesD([{ file: 'a.yaml', doc: { docker: { 'r.io/team': { sigstore: 's1' } } } }]);
    expect(lookasideFor(conf, 'r.io/team/app')).toBe('s1');
    expect(lookasideFor(conf, 'r.io')).toBeUndefined();
    expect(() => mergeRegistriesD([{ file: 'a.yaml', doc: { docker: { x: {} } } }, { file: 'b.yaml', doc: { docker: { x: {} } } }])).toThrow(/"docker" namespace "x" defined both in "a.yaml" and "b.yaml"/);
  });

  it('gpg ids: the address inside <...>, else the whole user id', () => {
    expect(parseGpgUids('pub:u:255:22:AE9C:1:::u:::scESC:::::ed25519:::0:\nfpr:::::::::37D4:\nuid:u::::1::AB::Test Signer <signer@example.com>::::::::::0:\nuid:u::::1::CD::Plain Name::::::::::0:\n')).toEqual([
      'signer@example.com',
      'Plain Name',
    ]);
  });
});

describe('image trust set', () => {
  const base = JSON.stringify({ default: [{ type: 'reject' }], transports: { 'docker-daemon': { '': [{ type: 'insecureAcceptAnything' }] }, docker: { 'b.io': [{ keyType: 'GPGKeys', type: 'signedBy', keyPath: '/k' }] } } });
  it('adds a docker scope, replaces an existing one where it is, keeps requirements as written, sorts maps, indents by 4', () => {
    const out = applyTrustSet(base, { scope: 'a.io/x', type: 'accept', pubKeyFiles: [] });
    expect(out).toBe(
      JSON.stringify(
        {
          default: [{ type: 'reject' }],
          transports: { docker: { 'a.io/x': [{ type: 'insecureAcceptAnything' }], 'b.io': [{ keyType: 'GPGKeys', type: 'signedBy', keyPath: '/k' }] }, 'docker-daemon': { '': [{ type: 'insecureAcceptAnything' }] } },
        },
        null,
        4,
      ),
    );
    const replaced = JSON.parse(applyTrustSet(base, { scope: '', type: 'reject', pubKeyFiles: [] })) as { transports: Record<string, Record<string, unknown>> };
    expect(replaced.transports['docker-daemon']!['']).toEqual([{ type: 'reject' }]);
    expect(JSON.parse(applyTrustSet(base, { scope: 'c.io', type: 'sigstoreSigned', pubKeyFiles: ['/a', '/b'] })).transports.docker['c.io']).toEqual([
      { type: 'sigstoreSigned', keyPath: '/a' },
      { type: 'sigstoreSigned', keyPath: '/b' },
    ]);
  });

  it('podman\'s refusals', () => {
    expect(() => applyTrustSet(undefined, { scope: 'x.io', type: 'accept', pubKeyFiles: [] })).toThrow('default trust policy must be set');
    expect(() => applyTrustSet('{bad', { scope: 'x.io', type: 'accept', pubKeyFiles: [] })).toThrow('could not read trust policies');
    expect(() => applyTrustSet(base, { scope: 'x.io', type: 'signedBy', pubKeyFiles: [] })).toThrow("at least one public key must be defined for type 'signedBy'");
    expect(() => applyTrustSet(base, { scope: 'x.io', type: 'reject', pubKeyFiles: ['/k'] })).toThrow('1 public keys unexpectedly provided for trust type reject');
    expect(applyTrustSet(undefined, { scope: 'default', type: 'accept', pubKeyFiles: [] })).toBe('{\n    "default": [\n        {\n            "type": "insecureAcceptAnything"\n        }\n    ]\n}');
    expect(() => checkTrustScope('bad uri')).toThrow('invalid image uri: bad uri: parse "http://bad uri": invalid character " " in host name');
    expect(() => checkTrustScope('registry.example.com:5000/team')).not.toThrow();
    expect(() => checkTrustScope('')).toThrow('invalid image uri: "": not a registry or repository name');
  });
});
