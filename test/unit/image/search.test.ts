import { describe, expect, it } from 'vitest';
import { matchCatalog, parseSearchFilters, searchRows, searchTargets, tagsJson } from '../../../src/image/registry/search.js';

const conf = { search: ['a.example', 'docker.io'], searchFile: '', registries: [], aliases: new Map() };
const found = (name: string, stars = 0, official = false, automated = false) => ({ name, description: 'd\nx', stars, official, automated });

describe('search logic', () => {
  it('parses podman\'s filters and refuses others', () => {
    expect(parseSearchFilters(['stars=3', 'is-official', 'is-automated=false'])).toEqual({ stars: 3, official: true, automated: false });
    expect(() => parseSearchFilters(['stars'])).toThrow('invalid filter "stars", should be stars=<value>');
    expect(() => parseSearchFilters(['stars=x'])).toThrow(/incorrect value type for stars filter/);
    expect(() => parseSearchFilters(['name=x'])).toThrow('invalid filter type "name=x"');
  });

  it('takes a registry from the term, else the unqualified-search list', () => {
    expect(searchTargets('r.io:5000/team/x', conf)).toEqual({ registries: ['r.io:5000'], term: 'team/x' });
    expect(searchTargets('r.io/', conf)).toEqual({ registries: ['r.io'], term: '' });
    expect(searchTargets('x', conf)).toEqual({ registries: ['a.example', 'docker.io'], term: 'x' });
  });

  it('matches the catalog by substring, an exact match first, up to the limit across pages', () => {
    expect(matchCatalog(['lib/busybox', 'busybox', 'alpine', 'busy'], 'busy', 25)).toEqual(['busy', 'lib/busybox', 'busybox']);
    expect(matchCatalog(['a1', 'a2', 'a3'], 'a', 2)).toEqual(['a1', 'a2']);
    expect(matchCatalog(['a3', 'a4'], 'a', 3, ['a1', 'a2'])).toEqual(['a1', 'a2', 'a3']);
  });

  it('builds podman\'s rows: Hub names under library/, filters, 25 by default, descriptions on one line', () => {
    const rows = searchRows('docker.io', [found('alpine', 10, true), found('me/alpine', 1, false, true)], { limit: 0, filter: { stars: 0 } });
    expect(rows.map((r) => [r.Name, r.Official, r.Automated, r.Description])).toEqual([
      ['docker.io/library/alpine', '[OK]', '', 'd x'],
      ['docker.io/me/alpine', '', '[OK]', 'd x'],
    ]);
    expect(searchRows('r.io', [found('a', 10), found('b', 1)], { limit: 0, filter: { stars: 5 } }).map((r) => r.Name)).toEqual(['r.io/a']);
    expect(searchRows('r.io', Array.from({ length: 30 }, (_, i) => found(`n${i}`)), { limit: 0, filter: { stars: 0 } })).toHaveLength(25);
    expect(searchRows('r.io', [found('a'), found('b')], { limit: 1, filter: { stars: 0, official: false } })).toHaveLength(1);
  });

  it('groups tags per repository for JSON', () => {
    const row = (Name: string, Tag: string) => ({ Index: 'r', Name, Tag, Description: '', Stars: 0, Official: '', Automated: '' });
    expect(tagsJson([row('r/a', '1'), row('r/b', 'x'), row('r/a', '2')])).toEqual([{ Name: 'r/a', Tags: ['1', '2'] }, { Name: 'r/b', Tags: ['x'] }]);
  });
});
