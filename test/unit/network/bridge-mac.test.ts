import { describe, expect, it } from 'vitest';
import { bridgeLines, bridgeMac } from '../../../src/network/bridge/bridge-plan.js';
import type { NetworkConfig } from '../../../src/network/config/network-config.js';

const net = (id: string): NetworkConfig => ({ name: 'n', id, driver: 'bridge', network_interface: 'podman3', created: '', subnets: [{ subnet: '10.89.2.0/24', gateway: '10.89.2.1' }], ipv6_enabled: false, internal: false, dns_enabled: true });

describe('bridge MAC', () => {
  it('is fixed, locally administered and from the network id (a bridge must not take a leaving port\'s MAC)', () => {
    expect(bridgeMac(net('c0ffee1234abcdef'))).toBe('02:c0:ff:ee:12:34');
    expect(bridgeMac(net('XYZ'))).toBe('02:00:00:00:00:00');
    expect(bridgeLines(net('c0ffee1234abcdef'))[0]).toBe('link add podman3 address 02:c0:ff:ee:12:34 type bridge');
  });
});
