import { describe, expect, it } from 'vitest';
import { parseToml } from '../../../../src/host/toml.js';
import { findRegistry, mergeRegistriesConf, rewriteLocation } from '../../../../src/image/registry/registries-conf.js';
import { resolvePullCandidates } from '../../../../src/image/registry/short-names.js';

const doc = (file: string, text: string) => ({ file, doc: parseToml(text) });

const MAIN = doc(
  '/etc/containers/registries.conf',
  `unqualified-search-registries = ["registry.fedoraproject.org", "docker.io"]

[[registry]]
location = "127.0.0.1:5000"
insecure = true

[[registry]]
prefix = "example.com/foo"
location = "mirror.internal:5000/bar"

[[registry]]
location = "evil.example"
blocked = true

[[registry]]
prefix = "*.corp.example"
location = "*.corp.example"
insecure = true

[aliases]
"fedora" = "registry.fedoraproject.org/fedora"
"busybox" = "docker.io/library/busybox"
`,
);

describe('registries.conf', () => {
  const conf = mergeRegistriesConf([MAIN]);

  it('reads the search list, entries and aliases', () => {
    expect(conf.search).toEqual(['registry.fedoraproject.org', 'docker.io']);
    expect(conf.searchFile).toBe('/etc/containers/registries.conf');
    expect(findRegistry(conf, '127.0.0.1:5000/app')).toMatchObject({ insecure: true, blocked: false });
    expect(findRegistry(conf, '127.0.0.1:50000/app')).toBeUndefined();
    expect(findRegistry(conf, 'evil.example/x')?.blocked).toBe(true);
    expect(conf.aliases.get('fedora')?.target).toBe('registry.fedoraproject.org/fedora');
  });

  it('matches prefixes on path boundaries, longest first, and wildcards on the host', () => {
    expect(findRegistry(conf, 'example.com/foobar/x')).toBeUndefined();
    expect(rewriteLocation(findRegistry(conf, 'example.com/foo/x/y'), 'example.com/foo/x/y')).toBe('mirror.internal:5000/bar/x/y');
    expect(findRegistry(conf, 'a.b.corp.example/img')?.insecure).toBe(true);
    expect(findRegistry(conf, 'corp.example.org/img')).toBeUndefined();
  });

  it('lets drop-ins replace the search list, an entry and an alias', () => {
    const merged = mergeRegistriesConf([
      MAIN,
      doc(
        '/etc/containers/registries.conf.d/50-local.conf',
        'unqualified-search-registries = ["127.0.0.1:5000"]\n[[registry]]\nlocation = "127.0.0.1:5000"\ninsecure = false\n[aliases]\n"fedora" = ""\n',
      ),
    ]);
    expect(merged.search).toEqual(['127.0.0.1:5000']);
    expect(merged.searchFile).toBe('/etc/containers/registries.conf.d/50-local.conf');
    expect(findRegistry(merged, '127.0.0.1:5000/app')?.insecure).toBe(false);
    expect(merged.aliases.has('fedora')).toBe(false);
    expect(merged.aliases.has('busybox')).toBe(true);
  });

  it("reads registries.conf(5)'s example written with inline tables, dotted keys and ''' strings", () => {
    // The man page's [[registry]] + [[registry.mirror]] example, as arrays of inline tables.
    const conf2 = mergeRegistriesConf([
      doc(
        '/etc/containers/registries.conf',
        `unqualified-search-registries = ['''example.com''']
registry = [
  { prefix = "example.com/foo", insecure = false, blocked = false, location = "internal-registry-for-example.com/bar", mirror = [
    { location = "example-mirror-0.local/mirror-for-foo" },
    { location = "example-mirror-1.local/mirrors/foo", insecure = true },
  ] },
  { location = "registry.com", mirror = [{ location = "mirror.registry.com" }] },
]
aliases.image = "docker.io/library/image"
aliases."my.app" = '''quay.io/team/app'''
`,
      ),
    ]);
    expect(conf2.search).toEqual(['example.com']);
    expect(rewriteLocation(findRegistry(conf2, 'example.com/foo/x'), 'example.com/foo/x')).toBe('internal-registry-for-example.com/bar/x');
    expect(findRegistry(conf2, 'registry.com/a')).toMatchObject({ prefix: 'registry.com', insecure: false, blocked: false });
    expect(conf2.aliases.get('image')?.target).toBe('docker.io/library/image');
    expect(conf2.aliases.get('my.app')?.target).toBe('quay.io/team/app');
  });

  it('refuses a [[registry]] without location or prefix', () => {
    expect(() => mergeRegistriesConf([doc('/x.conf', '[[registry]]\ninsecure = true\n')])).toThrow(/needs a location or a prefix/);
  });
});

describe('short-name resolution for pull', () => {
  const conf = mergeRegistriesConf([MAIN]);

  it('uses a qualified name as it is', () => {
    expect(resolvePullCandidates('quay.io/a/b:1', conf)).toEqual({ candidates: ['quay.io/a/b:1'], note: undefined });
  });

  it('prefers a local image that has the short name', () => {
    expect(resolvePullCandidates('app', conf, ['127.0.0.1:5000/app:latest']).candidates).toEqual(['127.0.0.1:5000/app:latest']);
  });

  it('follows an alias, keeping the tag', () => {
    const r = resolvePullCandidates('fedora:40', conf);
    expect(r.candidates).toEqual(['registry.fedoraproject.org/fedora:40']);
    expect(r.note).toBe('Resolved "fedora" as an alias (/etc/containers/registries.conf)');
  });

  it('tries every search registry in order (docker.io gets library/)', () => {
    const r = resolvePullCandidates('nginx:1', conf);
    expect(r.candidates).toEqual(['registry.fedoraproject.org/nginx:1', 'docker.io/library/nginx:1']);
    expect(r.note).toBe('Resolving "nginx:1" using unqualified-search registries (/etc/containers/registries.conf)');
  });

  it('says what to configure when nothing resolves', () => {
    const none = mergeRegistriesConf([], '/etc/containers/registries.conf');
    expect(() => resolvePullCandidates('foo', none)).toThrow(
      'short-name "foo" did not resolve to an alias and no unqualified-search registries are defined in "/etc/containers/registries.conf"',
    );
  });
});
