import { describe, expect, it } from 'vitest';
import { selectContainers } from '../../../src/runtime/views/container-list.js';
import { matchesFilters, parsePsFilters } from '../../../src/runtime/views/ps-filter.js';
import type { ContainerRecord, ContainerState } from '../../../src/storage/containers.js';

function rec(name: string, id: string, created: string, state: ContainerState, labels?: Record<string, string>, imageName = 'localhost/bb:latest'): ContainerRecord {
  return {
    id: id.padEnd(64, '0'),
    name,
    image: 'f'.repeat(64),
    imageName,
    layers: [],
    created,
    autoRemove: false,
    config: { command: ['true'], entrypoint: [], cmd: ['true'], env: [], workingDir: '/', user: '', uid: 0, gid: 0, hostname: name, network: 'host', ...(labels ? { labels } : {}) },
    state,
  };
}

const a1 = rec('a1', 'a1a1', '2026-11-22T10:00:00Z', { status: 'exited', exitCode: 0 }, { app: 'web', tier: '' });
const a2 = rec('a2', 'a2a2', '2026-11-22T10:01:00Z', { status: 'exited', exitCode: 2 }, { app: 'db' });
const c1 = rec('c1', 'c1c1', '2026-11-22T10:02:00Z', { status: 'created' }, undefined, 'docker.io/library/alpine:3.19');
const r1 = rec('r1', 'b1b1', '2026-11-22T10:03:00Z', { status: 'running' }, { app: 'web' });
const all = [a1, a2, c1, r1];

function names(filters: string[]): string[] {
  const f = parsePsFilters(filters);
  return all.filter((r) => matchesFilters(r, f, { all })).map((r) => r.name);
}

describe('ps filters (podman 4.3 semantics)', () => {
  it('status', () => {
    expect(names(['status=exited'])).toEqual(['a1', 'a2']);
    expect(names(['status=running'])).toEqual(['r1']);
    expect(names(['status=created'])).toEqual(['c1']);
    expect(names(['status=created', 'status=running'])).toEqual(['c1', 'r1']);
  });
  it('name is a regular expression', () => {
    expect(names(['name=a'])).toEqual(['a1', 'a2']);
    expect(names(['name=^a1$'])).toEqual(['a1']);
    expect(names(['name=1'])).toEqual(['a1', 'c1', 'r1']);
    expect(names(['name=a1', 'name=r1'])).toEqual(['a1', 'r1']);
  });
  it('id is a prefix', () => {
    expect(names(['id=a1a'])).toEqual(['a1']);
    expect(names(['id=b'])).toEqual(['r1']);
  });
  it('label: key=value exact, key alone present, every label filter must match', () => {
    expect(names(['label=app=web'])).toEqual(['a1', 'r1']);
    expect(names(['label=app'])).toEqual(['a1', 'a2', 'r1']);
    expect(names(['label=tier'])).toEqual(['a1']);
    expect(names(['label=app=w'])).toEqual([]);
    expect(names(['label=app=web', 'label=tier'])).toEqual(['a1']);
  });
  it('restart-policy: none (no --restart) and the named policies; podman\'s message for unknown ones', () => {
    const always = { ...r1, name: 'ra', config: { ...r1.config, restartPolicy: { name: 'always' as const, maxRetries: 0 } } };
    const f = (filters: string[]) => [...all, always].filter((r) => matchesFilters(r, parsePsFilters(filters), { all })).map((r) => r.name);
    expect(f(['restart-policy=always'])).toEqual(['ra']);
    expect(f(['restart-policy=none'])).toEqual(['a1', 'a2', 'c1', 'r1']);
    expect(() => parsePsFilters(['restart-policy=fakepolicy'])).toThrow('fakepolicy invalid restart policy');
    expect(() => parsePsFilters(['restart-policy=x', 'restart-policy=y'])).toThrow('x, y invalid restart policies');
  });
  it('different keys must all match', () => {
    expect(names(['name=a', 'status=exited', 'exited=2'])).toEqual(['a2']);
  });
  it('exited compares the exit code of exited containers', () => {
    expect(names(['exited=0'])).toEqual(['a1']);
    expect(names(['exited=2'])).toEqual(['a2']);
  });
  it('ancestor: image id, full name, or name without tag when the tag is latest', () => {
    expect(names(['ancestor=localhost/bb:latest'])).toEqual(['a1', 'a2', 'r1']);
    expect(names(['ancestor=localhost/bb'])).toEqual(['a1', 'a2', 'r1']);
    expect(names(['ancestor=docker.io/library/alpine'])).toEqual([]);
    expect(names(['ancestor=docker.io/library/alpine:3.19'])).toEqual(['c1']);
    expect(names([`ancestor=${'f'.repeat(64)}`])).toEqual(['a1', 'a2', 'c1', 'r1']);
  });
  it('before and since by name or id', () => {
    expect(names(['before=c1'])).toEqual(['a1', 'a2']);
    expect(names(['since=a2'])).toEqual(['c1', 'r1']);
    expect(() => names(['since=zz'])).toThrow('no container with name or ID "zz" found: no such container');
  });
  it("podman's errors for bad filters", () => {
    expect(() => parsePsFilters(['name'])).toThrow('invalid filter "name"');
    expect(() => parsePsFilters(['bogus=1'])).toThrow('bogus is an invalid filter');
    expect(() => parsePsFilters(['status=bogus'])).toThrow('unknown container state: bogus: invalid argument');
    expect(() => parsePsFilters(['exited=x'])).toThrow('exited code out of range "x"');
    expect(() => parsePsFilters(['name=('])).toThrow(/invalid regular expression/);
  });
});

describe('which containers ps considers (podman 4.3)', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const pick = (o: { all?: boolean; filters?: string[]; last?: number; latest?: boolean }) =>
    selectContainers([a1, a2, c1], { all: o.all ?? false, filters: o.filters ?? [], last: o.last ?? -1, latest: o.latest ?? false }, '/nonexistent', now).map((r) => r.name);
  it('running ones only, unless -a, -n/-l or a status filter', () => {
    expect(pick({})).toEqual([]);
    expect(pick({ filters: ['name=a'] })).toEqual([]);
    expect(pick({ all: true, filters: ['name=a'] })).toEqual(['a1', 'a2']);
    expect(pick({ filters: ['status=exited'] })).toEqual(['a1', 'a2']);
    expect(pick({ last: 2 })).toEqual(['a2', 'c1']);
    expect(pick({ latest: true })).toEqual(['c1']);
  });
});
