// `--filter` for images: podman 4's keys, grouping (same key OR, keys AND),
// negation, and its error messages (compared with podman 4.3 on this machine).
import { describe, expect, it } from 'vitest';
import {
  compileImageFilters,
  goPathMatch,
  matchLabel,
  parseGoDuration,
  parseUntil,
  referenceCandidates,
  type FilterContext,
  type FilterSubject,
} from '../../../src/image/filters.js';

const subject = (o: Partial<FilterSubject> & { id: string }): FilterSubject => ({
  names: [],
  labels: {},
  created: new Date('2026-01-02T00:00:00Z'),
  containers: 0,
  dangling: false,
  intermediate: false,
  readOnly: false,
  ...o,
});

const one = subject({ id: 'a'.repeat(64), names: ['localhost/one:1'], created: new Date('2026-01-01T00:00:00Z') });
const two = subject({ id: 'b'.repeat(64), names: ['localhost/two:latest'], labels: { a: 'b' }, containers: 1 });
const busy = subject({ id: 'c'.repeat(64), names: ['docker.io/library/busybox:1.36'], created: new Date('2026-01-03T00:00:00Z') });
const none = subject({ id: 'd'.repeat(64), dangling: true });
const all = [one, two, busy, none];

const ctx: FilterContext = {
  now: new Date('2026-01-10T00:00:00Z'),
  createdOf: (n) => {
    const hit = all.find((s) => s.names.some((x) => x.includes(n)));
    if (!hit) throw new Error(`${n}: image not known`);
    return hit.created;
  },
};

const pick = (...filters: string[]) => all.filter(compileImageFilters(filters, ctx)).map((s) => s.names[0] ?? '<none>');

describe('reference', () => {
  it('matches the short name, path, name:tag and globs, as podman', () => {
    expect(pick('reference=one')).toEqual(['localhost/one:1']);
    expect(pick('reference=one:1')).toEqual(['localhost/one:1']);
    expect(pick('reference=one:2')).toEqual([]);
    expect(pick('reference=one:*')).toEqual(['localhost/one:1']);
    expect(pick('reference=localhost/one')).toEqual(['localhost/one:1']);
    expect(pick('reference=localhost/*')).toEqual(['localhost/one:1', 'localhost/two:latest']);
    expect(pick('reference=lo*/o*')).toEqual(['localhost/one:1']);
    expect(pick('reference=busybox')).toEqual(['docker.io/library/busybox:1.36']);
    expect(pick('reference=library/busybox:1.36')).toEqual(['docker.io/library/busybox:1.36']);
    expect(pick('reference=*o*')).toEqual(['localhost/one:1', 'localhost/two:latest', 'docker.io/library/busybox:1.36']);
    expect(pick('reference=')).toEqual([]);
  });
  it('ORs filters of one key, ANDs different keys, negates with !=', () => {
    expect(pick('reference=one', 'reference=two')).toEqual(['localhost/one:1', 'localhost/two:latest']);
    expect(pick('reference=*o*', 'label=a')).toEqual(['localhost/two:latest']);
    expect(pick('reference!=one')).toEqual(['localhost/two:latest', 'docker.io/library/busybox:1.36', '<none>']);
  });
  it('lists the forms of a name', () => {
    expect(referenceCandidates('docker.io/library/busybox:1.36')).toEqual([
      'docker.io/library/busybox:1.36',
      'library/busybox',
      'busybox:1.36',
      'docker.io/library/busybox',
      'library/busybox:1.36',
      'busybox',
    ]);
  });
});

describe('other keys', () => {
  it('label: key, key=value, key glob; values exact', () => {
    expect(pick('label=a')).toEqual(['localhost/two:latest']);
    expect(pick('label=a=b')).toEqual(['localhost/two:latest']);
    expect(pick('label=a=c')).toEqual([]);
    expect(pick('label=a=*')).toEqual([]);
    expect(pick('label=*=b')).toEqual(['localhost/two:latest']);
    expect(matchLabel('com.example/*', { 'com.example/x': '1' })).toBe(true);
  });
  it('dangling, containers, id (exact), readonly', () => {
    expect(pick('dangling=true')).toEqual(['<none>']);
    expect(pick('dangling=0')).toHaveLength(3);
    expect(pick('containers=true')).toEqual(['localhost/two:latest']);
    expect(pick(`id=${'a'.repeat(64)}`)).toEqual(['localhost/one:1']);
    expect(pick('id=aaa')).toEqual([]);
    expect(pick('readonly=false')).toHaveLength(4);
  });
  it('before/since another image (strict), until a time', () => {
    expect(pick('since=one')).toEqual(['localhost/two:latest', 'docker.io/library/busybox:1.36', '<none>']);
    expect(pick('after=two')).toEqual(['docker.io/library/busybox:1.36']);
    expect(pick('before=two')).toEqual(['localhost/one:1']);
    expect(pick('until=2026-01-02')).toEqual(['localhost/one:1']);
    expect(pick('until=0')).toEqual([]);
    expect(pick('until=200h')).toEqual(['localhost/one:1']);
  });
});

describe('errors, with podman 4.3\'s messages', () => {
  const err = (...f: string[]) => () => compileImageFilters(f, ctx);
  it('rejects malformed and unknown filters', () => {
    expect(err('bogus')).toThrow('invalid image filter "bogus": must be in the format "filter=value or filter!=value"');
    expect(err('foo=bar')).toThrow('unsupported image filter "foo"');
    expect(err('digest=sha256:1')).toThrow('unsupported image filter "digest"');
    expect(err('label=x!=1')).toThrow('unsupported image filter "label=x"');
    expect(err('dangling=x')).toThrow('non-boolean value "dangling" for x filter: strconv.ParseBool: parsing "x": invalid syntax');
    expect(err('dangling=true', 'dangling=false')).toThrow('specifying "dangling" filter more than once with different values is not supported');
    expect(err('containers=maybe')).toThrow('unsupported value "maybe" for containers filter');
    expect(err('since=nosuch')).toThrow('could not find local image for filter filter "since"="nosuch": nosuch: image not known');
    expect(err('until=soon')).toThrow('failed to parse value as time or duration: "soon"');
  });
});

describe('helpers', () => {
  it('goPathMatch is Go path.Match', () => {
    expect(goPathMatch('a*', 'abc')).toBe(true);
    expect(goPathMatch('a*', 'a/b')).toBe(false);
    expect(goPathMatch('a?c', 'abc')).toBe(true);
    expect(goPathMatch('[a-c]x', 'bx')).toBe(true);
    expect(goPathMatch('[^a-c]x', 'bx')).toBe(false);
    expect(goPathMatch('a.c', 'abc')).toBe(false);
    expect(goPathMatch('[', 'a')).toBe(false);
  });
  it('parses Go durations and until times', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('10')).toBeUndefined();
    const now = new Date('2026-01-10T00:00:00Z');
    expect(parseUntil('1h', now).toISOString()).toBe('2026-01-09T23:00:00.000Z');
    expect(parseUntil('1767225600', now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseUntil('2026-01-01T00:00:00Z', now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});
