import { describe, expect, it } from 'vitest';
import { buildIdMap, formatMapping, mappedIdCount, MAX_MAP_LINES, parseSubIdFile, subIdRangesFor } from '../../src/host/idmap.js';

const FILE = `# comment
tsctest:100000:65536
other:165536:65536

1001:300000:1000
tsctest:400000:10
broken line
bad:x:10
zero:500000:0
tsctest:100000:65536
huge:4294967295:2
`;

describe('parseSubIdFile', () => {
  it('keeps well-formed entries and skips comments, blanks and junk', () => {
    expect(parseSubIdFile(FILE)).toEqual([
      { owner: 'tsctest', start: 100000, count: 65536 },
      { owner: 'other', start: 165536, count: 65536 },
      { owner: '1001', start: 300000, count: 1000 },
      { owner: 'tsctest', start: 400000, count: 10 },
      { owner: 'tsctest', start: 100000, count: 65536 },
    ]);
  });

  it('tolerates CRLF and surrounding spaces', () => {
    expect(parseSubIdFile('  u:1:2\r\n')).toEqual([{ owner: 'u', start: 1, count: 2 }]);
  });
});

describe('subIdRangesFor', () => {
  const entries = parseSubIdFile(FILE);

  it('collects every range of the user, by name and by uid, in file order, without duplicates', () => {
    expect(subIdRangesFor(entries, { name: 'tsctest', uid: 1001 })).toEqual([
      { start: 100000, count: 65536 },
      { start: 300000, count: 1000 },
      { start: 400000, count: 10 },
    ]);
  });

  it('matches a numeric entry when the uid has no name', () => {
    expect(subIdRangesFor(entries, { name: undefined, uid: 1001 })).toEqual([{ start: 300000, count: 1000 }]);
  });

  it('finds nothing for a user without entries', () => {
    expect(subIdRangesFor(entries, { name: 'nobody', uid: 4242 })).toEqual([]);
  });
});

describe('buildIdMap', () => {
  it('maps 0 to the user, then the ranges consecutively', () => {
    const map = buildIdMap(1001, [
      { start: 100000, count: 65536 },
      { start: 300000, count: 1000 },
    ]);
    expect(map).toEqual([
      { container: 0, host: 1001, count: 1 },
      { container: 1, host: 100000, count: 65536 },
      { container: 65537, host: 300000, count: 1000 },
    ]);
    expect(mappedIdCount(map)).toBe(66537);
    expect(map.map(formatMapping)).toEqual(['0:1001:1', '1:100000:65536', '65537:300000:1000']);
  });

  it('is just the user without ranges', () => {
    expect(buildIdMap(1000, [])).toEqual([{ container: 0, host: 1000, count: 1 }]);
  });

  it('stays within the kernel limit of lines', () => {
    const ranges = Array.from({ length: 500 }, (_, i) => ({ start: 100000 + i * 10, count: 10 }));
    expect(buildIdMap(1000, ranges)).toHaveLength(MAX_MAP_LINES);
  });

  it('never maps container ids beyond 2^32-2', () => {
    const map = buildIdMap(1000, [
      { start: 100000, count: 4294967295 },
      { start: 1, count: 5 },
    ]);
    expect(map).toEqual([
      { container: 0, host: 1000, count: 1 },
      { container: 1, host: 100000, count: 4294967294 },
    ]);
  });
});
