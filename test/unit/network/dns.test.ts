import { describe, expect, it } from 'vitest';
import { buildResponse, encodeName, parseQuery, RCODE_NXDOMAIN, servfail, TYPE_A, TYPE_AAAA, TYPE_PTR } from '../../../src/network/dns/dns-packet.js';
import { answerLocally, buildDnsNetworks, hostUpstreams, isMember, reverseName } from '../../../src/network/dns/dns-table.js';
import { procNetAddress } from '../../../src/network/dns/dns-control.js';
import type { NetworkConfig } from '../../../src/network/config/network-config.js';
import type { Allocations } from '../../../src/network/bridge/bridge-attach.js';
import { planNetworkCreate, type CreateContext, type CreateRequest } from '../../../src/network/config/create-plan.js';

function query(name: string, type: number, id = 0x1234): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(0x0100, 2);
  h.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([h, encodeName(name), tail]);
}

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
  ['a'.repeat(64)]: { name: 'Web', at: 0, networks: { n1: { ips: ['10.89.0.2'], aliases: ['www'], interfaceName: 'eth0', gateways: ['10.89.0.1'], prefixes: [24], veth: 'tsvaaa0' } } },
  ['b'.repeat(64)]: { name: 'db', at: 0, networks: { n2: { ips: ['10.89.1.2'], aliases: [], interfaceName: 'eth0', gateways: ['10.89.1.1'], prefixes: [24], veth: 'tsvbbb0' } } },
  ['c'.repeat(64)]: { name: 'dead', at: 0, networks: { n1: { ips: ['10.89.0.3'], aliases: [], interfaceName: 'eth0', gateways: ['10.89.0.1'], prefixes: [24], veth: 'tsvccc0' } } },
};

describe('dns packets', () => {
  it('parses a query and builds an answer echoing its question', () => {
    const q = parseQuery(query('Web.DNS.podman', TYPE_A))!;
    expect(q).toMatchObject({ id: 0x1234, rd: true, name: 'web.dns.podman', type: TYPE_A, qclass: 1 });
    const r = buildResponse(q, 0, [{ type: TYPE_A, data: Buffer.from([10, 89, 0, 2]) }]);
    expect(r.readUInt16BE(0)).toBe(0x1234);
    expect(r.readUInt16BE(2) & 0x8000).toBe(0x8000);
    expect(r.readUInt16BE(6)).toBe(1);
    expect([...r.subarray(r.length - 4)]).toEqual([10, 89, 0, 2]);
  });
  it('refuses what is not a plain query', () => {
    expect(parseQuery(Buffer.alloc(5))).toBeUndefined();
    const resp = query('x', TYPE_A);
    resp.writeUInt16BE(0x8100, 2);
    expect(parseQuery(resp)).toBeUndefined();
    const bad = query('x', TYPE_A);
    bad[12] = 200; // label longer than the message
    expect(parseQuery(bad)).toBeUndefined();
    expect(servfail(bad)!.readUInt16BE(2) & 0xf).toBe(2);
  });
});

describe('dns table', () => {
  const nets = buildDnsNetworks([net('n1', '10.89.0.0/24', '10.89.0.1'), net('n2', '10.89.1.0/24', '10.89.1.1'), net('n3', '10.89.2.0/24', '10.89.2.1', false)], allocs, new Set(['tsvaaa0', 'tsvbbb0']), ['192.0.2.53']);
  const n1 = nets.find((n) => n.name === 'n1')!;
  it('keeps live containers of DNS networks only', () => {
    expect(nets.map((n) => n.name)).toEqual(['n1', 'n2']);
    expect(n1.entries).toEqual([{ names: ['web', 'www', 'a'.repeat(12)], ips: ['10.89.0.2'] }]);
    expect(n1.upstreams).toEqual(['192.0.2.53']);
  });
  it('answers names, aliases, ids, dns.podman; NXDOMAIN in dns.podman; others undefined (forwarded)', () => {
    for (const name of ['web', 'www', 'a'.repeat(12), 'web.dns.podman']) {
      const a = answerLocally(n1, parseQuery(query(name, TYPE_A))!)!;
      expect(a.answers).toEqual([{ type: TYPE_A, data: Buffer.from([10, 89, 0, 2]) }]);
    }
    expect(answerLocally(n1, parseQuery(query('web', TYPE_AAAA))!)).toEqual({ rcode: 0, answers: [] });
    expect(answerLocally(n1, parseQuery(query('db', TYPE_A))!)).toBeUndefined();
    expect(answerLocally(n1, parseQuery(query('dead', TYPE_A))!)).toBeUndefined();
    expect(answerLocally(n1, parseQuery(query('db.dns.podman', TYPE_A))!)!.rcode).toBe(RCODE_NXDOMAIN);
    expect(answerLocally(n1, parseQuery(query('2.0.89.10.in-addr.arpa', TYPE_PTR))!)!.answers).toEqual([{ type: TYPE_PTR, data: 'web.dns.podman' }]);
  });
  it('members only, reverse names, upstreams, /proc/net addresses', () => {
    expect(isMember(n1, '10.89.0.9')).toBe(true);
    expect(isMember(n1, '10.89.1.2')).toBe(false);
    expect(reverseName('1.0.89.10.in-addr.arpa')).toBe('10.89.0.1');
    expect(reverseName(`${'0.'.repeat(31)}f.ip6.arpa`)).toBe('f000:0000:0000:0000:0000:0000:0000:0000');
    expect(hostUpstreams(['127.0.0.53'], '169.254.1.1')).toEqual(['169.254.1.1']);
    expect(hostUpstreams(['127.0.0.1', '10.0.0.2'], '169.254.1.1')).toEqual(['10.0.0.2']);
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
