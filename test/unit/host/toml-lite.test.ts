import { describe, expect, it } from 'vitest';
import { parseToml, TomlError } from '../../../src/host/toml-lite.js';
import { mountProgramFromOpts, searchRegistriesOf, storageSettingsOf } from '../../../src/host/containers-conf.js';

describe('toml-lite', () => {
  it('parses tables, strings, arrays over several lines, booleans, numbers and comments', () => {
    const doc = parseToml(`
# registries.conf
unqualified-search-registries = [
  "docker.io",   # the hub
  'quay.io',
]
short-name-mode = "enforcing"

[[registry]]
prefix = "example.com"
insecure = true

[[registry]]
prefix = "b.example"

[storage]
driver = "overlay" # comment
[storage.options.overlay]
mount_program = "/usr/bin/fuse-overlayfs"
size = 10_000
"quoted.key" = "x#y"
`);
    expect(doc['unqualified-search-registries']).toEqual(['docker.io', 'quay.io']);
    expect(doc.registry).toEqual([{ prefix: 'example.com', insecure: true }, { prefix: 'b.example' }]);
    expect(doc.storage).toEqual({
      driver: 'overlay',
      options: { overlay: { mount_program: '/usr/bin/fuse-overlayfs', size: 10000, 'quoted.key': 'x#y' } },
    });
  });
  it('handles escapes in basic strings', () => {
    expect(parseToml('a = "x\\ty\\u00e9\\"z"').a).toBe('x\ty\u00e9"z');
  });
  it('reports the line of unsupported syntax', () => {
    expect(() => parseToml('a = 1\nb = {x = 1}\n')).toThrow(TomlError);
    expect(() => parseToml('a = 1\nb = {x = 1}\n')).toThrow(/line 2/);
    expect(() => parseToml('nokey\n')).toThrow(/line 1/);
  });
});

describe('containers config settings', () => {
  it('reads driver and mount_program from storage.conf, old and new locations', () => {
    expect(storageSettingsOf(parseToml('[storage]\ndriver = "vfs"\n'))).toEqual({ driver: 'vfs' });
    expect(storageSettingsOf(parseToml('[storage]\ndriver = ""\n'))).toEqual({});
    expect(storageSettingsOf(parseToml('[storage.options]\nmount_program = "/bin/fo"\n'))).toEqual({ mountProgram: '/bin/fo' });
    expect(storageSettingsOf(parseToml('[storage.options.overlay]\nmount_program = "/x"\n'))).toEqual({ mountProgram: '/x' });
  });
  it('reads mount_program from --storage-opt', () => {
    expect(mountProgramFromOpts(['overlay.mount_program=/usr/bin/fuse-overlayfs'])).toBe('/usr/bin/fuse-overlayfs');
    expect(mountProgramFromOpts(['mount_program=/a', 'overlay.size=1G'])).toBe('/a');
    expect(mountProgramFromOpts(['overlay.size=1G'])).toBeUndefined();
  });
  it('reads unqualified-search-registries', () => {
    expect(searchRegistriesOf(parseToml('unqualified-search-registries = ["docker.io"]'))).toEqual(['docker.io']);
    expect(searchRegistriesOf(parseToml('[[registry]]\nprefix = "x"\n'))).toBeUndefined();
  });
});
