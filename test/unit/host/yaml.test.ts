import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { goKeyLess, scalar, toYaml } from '../../../src/host/yaml.js';

describe('toYaml', () => {
  it('renders podman info style: sorted keys, nested maps, sequences level with their key', () => {
    const doc = {
      store: { runRoot: '/run/x', graphRoot: '/var/lib/x', imageStore: { number: 0 } },
      host: { cgroupControllers: ['cpuset', 'cpu'], cpus: 2, rootless: false },
    };
    expect(toYaml(doc)).toBe(
      [
        'host:',
        '  cgroupControllers:',
        '  - cpuset',
        '  - cpu',
        '  cpus: 2',
        '  rootless: false',
        'store:',
        '  graphRoot: /var/lib/x',
        '  imageStore:',
        '    number: 0',
        '  runRoot: /run/x',
        '',
      ].join('\n'),
    );
  });

  it('sequences of maps continue on the dash line', () => {
    const doc = { uidmap: [{ container_id: 0, host_id: 1001, size: 1 }, { container_id: 1, host_id: 100000, size: 65536 }] };
    expect(toYaml(doc)).toBe(
      ['uidmap:', '- container_id: 0', '  host_id: 1001', '  size: 1', '- container_id: 1', '  host_id: 100000', '  size: 65536', ''].join('\n'),
    );
  });

  it('empty collections, null and undefined', () => {
    expect(toYaml({ a: {}, b: [], c: null, d: undefined })).toBe('a: {}\nb: []\nc: null\n');
  });

  it('multi-line strings become literal blocks under the key', () => {
    expect(toYaml({ s: { version: 'slirp4netns version 1.2.0\ncommit: 656041d' } })).toBe(
      's:\n  version: |-\n    slirp4netns version 1.2.0\n    commit: 656041d\n',
    );
    expect(toYaml({ v: 'a\nb\n' })).toBe('v: |\n  a\n  b\n');
  });

  it('keeps insertion order when asked', () => {
    expect(toYaml({ b: 1, a: 2 }, { sortKeys: false })).toBe('b: 1\na: 2\n');
  });
});

describe('scalar', () => {
  it('quotes strings that would read back as another type, like go-yaml', () => {
    expect(scalar('12')).toBe('"12"');
    expect(scalar('true')).toBe('"true"');
    expect(scalar('yes')).toBe('"yes"');
    expect(scalar('')).toBe('""');
    expect(scalar('1.5')).toBe('"1.5"');
    expect(scalar('null')).toBe('"null"');
  });
  it('leaves ordinary strings plain, including versions and commas', () => {
    expect(scalar('4.3.1')).toBe('4.3.1');
    expect(scalar('6.18.44-fc-v669')).toBe('6.18.44-fc-v669');
    expect(scalar('CAP_CHOWN,CAP_KILL')).toBe('CAP_CHOWN,CAP_KILL');
    expect(scalar('Thu Jan  1 00:00:00 1970')).toBe('Thu Jan  1 00:00:00 1970');
    expect(scalar('/usr/bin/pasta')).toBe('/usr/bin/pasta');
  });
  it('single-quotes what plain style cannot hold', () => {
    expect(scalar('conmon version 2.1.6, commit: unknown')).toBe("'conmon version 2.1.6, commit: unknown'");
    expect(scalar("it's: x")).toBe("'it''s: x'");
    expect(scalar('- dash')).toBe("'- dash'");
    expect(scalar('[x]')).toBe("'[x]'");
    expect(scalar('a #b')).toBe("'a #b'");
  });
  it('double-quotes control characters', () => {
    expect(scalar('a\tb')).toBe('"a\\tb"');
  });
  it('numbers and booleans are plain', () => {
    expect(scalar(25276502016)).toBe('25276502016');
    expect(scalar(91.24)).toBe('91.24');
    expect(scalar(false)).toBe('false');
  });
});

describe('go-yaml details', () => {
  it("orders keys as go-yaml's sorter: non-letters first, numbers by value", () => {
    expect(toYaml({ ab: 1, a_b: 2, a10: 3, a9: 4, B: 5, a: 6 })).toBe('B: 5\na: 6\na_b: 2\na9: 4\na10: 3\nab: 1\n');
    expect(goKeyLess('Supports d_type', 'Supports shifting')).toBe(true);
  });
  it('double-quotes timestamps, the merge key and multi-line text a literal block cannot hold', () => {
    expect(scalar('2024-01-01')).toBe('"2024-01-01"');
    expect(scalar('<<')).toBe('"<<"');
    // (go-yaml writes "a \nb"; the yaml package escapes the space, "a\ \nb": the same string read back.)
    const text = toYaml({ v: 'a \nb', w: 'x\x01' });
    expect(text).toMatch(/^v: "a.*"\nw: "x\\x01"\n$/);
    expect(parse(text)).toEqual({ v: 'a \nb', w: 'x\x01' });
  });
});
