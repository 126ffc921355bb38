import { describe, expect, it } from 'vitest';
import { dnsRecords, hostUpstreams } from '../../../src/network/dns/dns-records.js';
import { procNetAddress } from '../../../src/network/dns/dns-control.js';
import type { NetworkConfig } from '../../../src/network/config/network-config.js';
import type { Allocations } from '../../../src/network/bridge/bridge-attach.js';
import { planNetworkCreate, type CreateContext, type CreateRequest } from '../../../src/network/config/create-plan.js';

const net = (name: string, subnet: string, gateway: string, dns = true): NetworkConfig => ({
  name,
  id: '0'.repeat(64),
  driver: 'bridge',
  network_interface: name,
  created: '',
  subnets: [{ subnet, gateway }],
  ipv6_enabled: false,
  internal: false,
  dns_enabled: dns,
});

const allocs: Allocations = {
  ['a'.repeat(64)]: { name: 'Web', at: 1000, networks: { n1: { ips: ['10.89.0.2', 'fd00::2'], aliases: ['www', 'bad alias', 'WWW'], interfaceName: 'eth0', gateways: ['10.89.0.1'], prefixes: [24, 64], veth: 'tsvaaa0' } } },
  ['b'.repeat(64)]: { name: 'db', at: 2000, networks: { n2: { ips: ['10.89.1.2'], aliases: [], interfaceName: 'eth0', gateways: ['10.89.1.1'], prefixes: [24], veth: 'tsvbbb0' } } },
  ['c'.repeat(64)]: { name: 'old', at: 0, networks: { n1: { ips: ['10.89.0.3'], aliases: [], interfaceName: 'eth0', gateways: ['10.89.0.1'], prefixes: [24] } } },
};

describe('dns records (the C responder reads them: helpers/src/dns-table.h)', () => {
  it('lists DNS networks with attachments: gateways, subnets, upstreams, containers with veth, time, addresses, names', () => {
    const n1 = { ...net('n1', '10.89.0.0/24', '10.89.0.1'), subnets: [{ subnet: '10.89.0.0/24', gateway: '10.89.0.1' }, { subnet: 'fd00::/64', gateway: 'fd00::1' }] };
    const n2 = { ...net('n2', '10.89.1.0/24', '10.89.1.1'), network_dns_servers: ['192.0.2.9'] };
    const text = dnsRecords([n1, n2, net('n3', '10.89.2.0/24', '10.89.2.1', false), net('empty', '10.89.3.0/24', '10.89.3.1')], allocs, ['192.0.2.53']);
    expect(text).toBe(
      [
        'tsc-run-dns 1',
        'network n1',
        'listen 10.89.0.1',
        'listen fd00::1',
        'subnet 10.89.0.0 24',
        'subnet fd00:: 64',
        'upstream 192.0.2.53',
        `container ${'a'.repeat(64)} tsvaaa0 1000 10.89.0.2,fd00::2 web,www,${'a'.repeat(12)}`,
        'network n2',
        'listen 10.89.1.1',
        'subnet 10.89.1.0 24',
        'upstream 192.0.2.9',
        `container ${'b'.repeat(64)} tsvbbb0 2000 10.89.1.2 db,${'b'.repeat(12)}`,
        '',
      ].join('\n'),
    );
  });
  it('upstreams: the host resolvers but loopback ones, else pasta\'s forward; /proc/net addresses', () => {
    expect(hostUpstreams(['127.0.0.53'], '169.254.1.1')).toEqual(['169.254.1.1']);
    expect(hostUpstreams(['127.0.0.1', '10.0.0.2', 'fe80::1%eth0'], '169.254.1.1')).toEqual(['10.0.0.2']);
    expect(hostUpstreams([], '169.254.1.1')).toEqual(['8.8.8.8', '8.8.4.4']);
    expect(procNetAddress('10.89.0.1', 53)).toBe('0100590A:0035');
    expect(procNetAddress('fd00::1', 53)).toBe('000000FD000000000000000001000000:0035');
  });
});

describe('network create --dns', () => {
  const req = (o: Partial<CreateRequest>): CreateRequest => ({ subnets: [], gateways: [], ipRanges: [], ipv6: false, internal: false, disableDns: false, labels: [], options: [], ...o });
  const ctx: CreateContext = { existing: [], hostSubnets: [], hostInterfaces: ['lo'], now: new Date(0), rand: (n) => new Uint8Array(n).fill(7), createdText: (d) => d.toISOString() };
  it('writes network_dns_servers after dns_enabled; refuses it without DNS or with a bad address', () => {
    const n = planNetworkCreate(req({ name: 'x', dnsServers: ['192.0.2.53'] }), ctx);
    expect(n.network_dns_servers).toEqual(['192.0.2.53']);
    expect(Object.keys(n).indexOf('network_dns_servers')).toBe(Object.keys(n).indexOf('dns_enabled') + 1);
    expect(() => planNetworkCreate(req({ name: 'x', dnsServers: ['192.0.2.53'], disableDns: true }), ctx)).toThrow('cannot set NetworkDNSServers if DNS is disabled');
    expect(() => planNetworkCreate(req({ name: 'x', dnsServers: ['nope'] }), ctx)).toThrow('nope is not an ip address');
  });
});
