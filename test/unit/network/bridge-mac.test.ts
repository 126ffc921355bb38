import { describe, expect, it } from 'vitest';
import { bridgeLines, bridgeMac, bridgeRuleDeletions, parseBridgeLinks } from '../../../src/network/bridge/bridge-plan.js';
import type { NetworkConfig } from '../../../src/network/config/network-config.js';

const net = (id: string): NetworkConfig => ({ name: 'n', id, driver: 'bridge', network_interface: 'podman3', created: '', subnets: [{ subnet: '10.89.2.0/24', gateway: '10.89.2.1' }], ipv6_enabled: false, internal: false, dns_enabled: true });

describe('bridge MAC', () => {
  it('is fixed, locally administered and from the network id (a bridge must not take a leaving port\'s MAC)', () => {
    expect(bridgeMac(net('c0ffee1234abcdef'))).toBe('02:c0:ff:ee:12:34');
    expect(bridgeMac(net('XYZ'))).toBe('02:00:00:00:00:00');
    expect(bridgeLines(net('c0ffee1234abcdef'))[0]).toBe('link add podman3 address 02:c0:ff:ee:12:34 type bridge');
  });
});

describe('stale bridges', () => {
  it('reads bridge names and MACs from ip -o link', () => {
    const text = [
      '3: podman3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:13:06:BB:93:24 brd ff:ff:ff:ff:ff:ff',
      '5: br-x@NONE: <BROADCAST> mtu 1500\\    link/ether 02:a2:cd:70:a2:01 brd ff:ff:ff:ff:ff:ff',
      '',
    ].join('\n');
    expect([...parseBridgeLinks(text)]).toEqual([
      ['podman3', '02:13:06:bb:93:24'],
      ['br-x', '02:a2:cd:70:a2:01'],
    ]);
  });

  it('deletes exactly the rules that name the bridge as an interface', () => {
    const filter = ['-P FORWARD DROP', '-A FORWARD -i podman3 -o tap0 -j ACCEPT', '-A FORWARD -i tap0 -o podman3 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A FORWARD -i podman30 -o tap0 -j ACCEPT'].join('\n');
    expect(bridgeRuleDeletions(filter, 'podman3')).toEqual([
      ['-D', 'FORWARD', '-i', 'podman3', '-o', 'tap0', '-j', 'ACCEPT'],
      ['-D', 'FORWARD', '-i', 'tap0', '-o', 'podman3', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
    ]);
    const nat = '-P POSTROUTING ACCEPT\n-A POSTROUTING -s 10.123.7.0/24 ! -o podman3 -j MASQUERADE\n-A POSTROUTING -s 10.89.2.0/24 ! -o podman4 -j MASQUERADE\n';
    expect(bridgeRuleDeletions(nat, 'podman3', 'nat')).toEqual([['-t', 'nat', '-D', 'POSTROUTING', '-s', '10.123.7.0/24', '!', '-o', 'podman3', '-j', 'MASQUERADE']]);
  });
});
