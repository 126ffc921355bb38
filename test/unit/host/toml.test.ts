import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTomlTable, parseToml, TomlError } from '../../../src/host/toml.js';
import { mountProgramFromOpts, searchRegistriesOf, storageSettingsOf } from '../../../src/host/containers-conf.js';

describe('toml', () => {
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
  it('reports the line of a syntax error, in one line', () => {
    expect(() => parseToml('a = 1\nb = = 2\n')).toThrow(TomlError);
    expect(() => parseToml('a = 1\nb = = 2\n')).toThrow(/^line 2: [^\n]+$/);
    expect(() => parseToml('nokey\n')).toThrow(/^line 1: /);
    expect(() => parseToml('[a]\nx = 1\n[a]\n')).toThrow(/^line 3: /);
    expect(() => parseToml('__proto__ = 1\n')).toThrow(TomlError);
  });

  // The rest of TOML 1.0, which real files use: containers.conf(5)'s own
  // default_subnet_pools example (inline tables) and its {append=true}
  // arrays, dotted keys, ''' strings, dates.
  it("parses containers.conf(5)'s inline tables and mixed arrays", () => {
    const doc = parseToml(`
[containers]
env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", {append=true}]

[network]
default_subnet_pools = [
  {"base" = "10.89.0.0/16", "size" = 24},
  {"base" = "10.90.0.0/15", "size" = 24},
]

[engine.service_destinations.production]
uri = "ssh://user@production.example.com/run/user/1001/podman/podman.sock"
identity = "~/.ssh/id_rsa"
`);
    expect(doc.containers).toEqual({ env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', { append: true }] });
    expect((doc.network as { default_subnet_pools: unknown }).default_subnet_pools).toEqual([
      { base: '10.89.0.0/16', size: 24 },
      { base: '10.90.0.0/15', size: 24 },
    ]);
    expect(doc.engine).toEqual({
      service_destinations: { production: { uri: 'ssh://user@production.example.com/run/user/1001/podman/podman.sock', identity: '~/.ssh/id_rsa' } },
    });
  });
  it(`parses dotted keys, ''' and """ strings, floats and dates`, () => {
    const doc = parseToml(String.raw`
storage.driver = "overlay"
storage.options.overlay.mountopt = '''nodev,metacopy=on'''
motd = '''
C:\no\escapes here
'''
basic = """
one \
  two"""
ratio = 0.5
when = 2024-01-01T00:00:00Z
`);
    expect(doc.storage).toEqual({ driver: 'overlay', options: { overlay: { mountopt: 'nodev,metacopy=on' } } });
    expect(doc.motd).toBe('C:\\no\\escapes here\n');
    expect(doc.basic).toBe('one two');
    expect(doc.ratio).toBe(0.5);
    expect(doc.when).toBeInstanceOf(Date);
    expect(isTomlTable(doc.when)).toBe(false);
    expect(isTomlTable(doc.storage)).toBe(true);
    expect(isTomlTable(doc.motd)).toBe(false);
  });
});

describe('comment lines', () => {
  it('parses files of comment lines as before: same values, same error lines, multi-line strings untouched', () => {
    const conf = '# top\n  # indented\n[engine]\n# events_logger = "file"\nevents_logger = "journald" # trailing\n\n[network]\n\t#x = 1\ndefault_network = "podman"\n';
    expect(parseToml(conf)).toEqual({ engine: { events_logger: 'journald' }, network: { default_network: 'podman' } });
    expect(() => parseToml('# one\n# two\nx = = 1\n')).toThrow(/^line 3: /);
    expect(parseToml('a = """\n# kept\n"""\n')).toEqual({ a: '# kept\n' });
    expect(parseToml("a = '''\n  # kept\n'''\n")).toEqual({ a: '  # kept\n' });
    expect(parseToml('a = [\n  1,\n  # two\n  3,\n]\n')).toEqual({ a: [1, 3] });
    expect(parseToml('# crlf\r\na = 1\r\n')).toEqual({ a: 1 });
    // A control character in a comment is still refused, as TOML says.
    expect(() => parseToml('# bad \x01 char\na = 1\n')).toThrow(TomlError);
  });
  it('reads podman\'s own containers.conf where it is installed', () => {
    const file = '/usr/share/containers/containers.conf';
    if (!fs.existsSync(file)) return;
    expect(isTomlTable(parseToml(fs.readFileSync(file, 'utf8')))).toBe(true);
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
  it("reads storage.conf(5) written with dotted keys, inline tables and ''' strings", () => {
    // storage.conf(5)'s [storage] and [storage.options.overlay] settings, spelled other ways.
    expect(storageSettingsOf(parseToml(`[storage]\ndriver = '''overlay'''\noptions.overlay.mount_program = "/usr/bin/fuse-overlayfs"\n`))).toEqual({
      driver: 'overlay',
      mountProgram: '/usr/bin/fuse-overlayfs',
    });
    expect(
      storageSettingsOf(parseToml(`storage = { driver = "vfs", options = { overlay = { mount_program = '/usr/bin/fuse-overlayfs', mountopt = "nodev" } } }\n`)),
    ).toEqual({ driver: 'vfs', mountProgram: '/usr/bin/fuse-overlayfs' });
    expect(storageSettingsOf(parseToml('[storage.options]\noverlay = { mountopt = "nodev" }\n'))).toEqual({});
  });
  it('reads unqualified-search-registries', () => {
    expect(searchRegistriesOf(parseToml('unqualified-search-registries = ["docker.io"]'))).toEqual(['docker.io']);
    expect(searchRegistriesOf(parseToml('[[registry]]\nprefix = "x"\n'))).toBeUndefined();
  });
});
