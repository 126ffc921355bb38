import { describe, expect, it } from 'vitest';
import { editHostsText } from '../../../src/network/etc-hosts-edit.js';
import { podHostsText } from '../../../src/pod/pod-hosts.js';

describe('in-place /etc/hosts edits (podman 4.3 etchosts.Add / Remove)', () => {
  const base = '127.0.0.1\tlocalhost\n10.89.0.2\tabc web\n';
  it('connect adds the new address once; disconnect removes exactly that line', () => {
    const added = editHostsText(base, [{ ip: '10.89.1.2', names: ['abc', 'web'] }], []);
    expect(added).toBe(`${base}10.89.1.2\tabc web\n`);
    expect(editHostsText(added, [{ ip: '10.89.1.2', names: ['abc', 'web'] }], [])).toBe(added);
    expect(editHostsText(added, [], [{ ip: '10.89.0.2', names: ['abc', 'web'] }])).toBe('127.0.0.1\tlocalhost\n10.89.1.2\tabc web\n');
    // Same address, other names (a user's --add-host): kept.
    expect(editHostsText('10.89.0.2\tdb\n', [], [{ ip: '10.89.0.2', names: ['abc', 'web'] }])).toBe('10.89.0.2\tdb\n');
  });
  it('a pod member: added at 127.0.0.1 with the names not yet listed, removed when gone', () => {
    const pod = '127.0.0.1\tlocalhost\n10.0.2.100\tpp pp-infra\n127.0.0.1\tm1\n127.0.0.1\tm2\n';
    expect(podHostsText(pod, ['m1'], ['pp', 'm3'])).toBe('127.0.0.1\tlocalhost\n10.0.2.100\tpp pp-infra\n127.0.0.1\tm2\n127.0.0.1\tm3\n');
    // A stale line of the starting member (its last exit was never cleaned up) is replaced, not doubled.
    expect(podHostsText(pod, ['m2'], ['pp', 'm2'])).toBe(pod);
    expect(podHostsText(pod, ['m1', 'm2'])).toBe('127.0.0.1\tlocalhost\n10.0.2.100\tpp pp-infra\n');
  });
});
