import { describe, expect, it } from 'vitest';
import { sharesPidNamespace } from '../../../src/runtime/stats/stats-sample.js';
import type { ContainerRecord } from '../../../src/storage/containers.js';

function rec(id: string, config: Partial<ContainerRecord['config']> = {}): ContainerRecord {
  return { id, name: id, config: { network: 'pasta', ...config } } as unknown as ContainerRecord;
}

describe('stats: whose pid namespace holds others\' processes', () => {
  it('the host\'s, a joined one, one others joined, a pod\'s shared one; not a namespace of its own', () => {
    const lone = rec('a');
    const donor = rec('d');
    const joiner = rec('j', { namespaces: { pid: 'container:d' } });
    const infra = rec('i');
    const member = rec('m', { network: 'container:i', netJoin: ['ipc', 'uts', 'pid'] });
    const plainMember = rec('n', { network: 'container:x', netJoin: ['ipc', 'uts'] });
    const all = [lone, donor, joiner, infra, member, plainMember];
    expect(sharesPidNamespace(lone, all)).toBe(false);
    expect(sharesPidNamespace(rec('h', { namespaces: { pid: 'host' } }), all)).toBe(true);
    expect(sharesPidNamespace(rec('p', { namespaces: { pid: 'ns:/proc/1/ns/pid' } }), all)).toBe(true);
    expect([sharesPidNamespace(donor, all), sharesPidNamespace(joiner, all)]).toEqual([true, true]);
    expect([sharesPidNamespace(infra, all), sharesPidNamespace(member, all)]).toEqual([true, true]);
    expect(sharesPidNamespace(plainMember, all)).toBe(false);
    expect(sharesPidNamespace(rec('x'), all)).toBe(false);
  });
});
