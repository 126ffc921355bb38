import { describe, expect, it } from 'vitest';
import { freeIpv4Subnet, planNetworkCreate, type CreateContext, type CreateRequest } from '../../../src/network/config/create-plan.js';
import { formatIp, formatNet, netsOverlap, parseCidr, parseIp } from '../../../src/network/config/ip-net.js';
import { defaultNetwork, validateNetworkConfig, type NetworkConfig } from '../../../src/network/config/network-config.js';
import { networkMatches, parseNetworkFilters } from '../../../src/network/config/network-filters.js';
import { allocateAddresses, containerSideLines, holderSideLines, vethName } from '../../../src/network/bridge/bridge-plan.js';

const req = (o: Partial<CreateRequest> = {}): CreateRequest => ({
  subnets: [], gateways: [], ipRanges: [], ipv6: false, internal: false, disableDns: false, labels: [], options: [], ...o,
});
let counter = 0;
const ctx = (existing: NetworkConfig[] = [], o: Partial<CreateContext> = {}): CreateContext => ({
  existing: [defaultNetwork(new Date(0)), ...existing],
  hostSubnets: [],
  hostInterfaces: ['lo', 'eth0'],
  now: new Date('2026-01-01T00:00:00Z'),
  rand: (n) => new Uint8Array(n).map(() => (counter++ * 37 + 11) & 255),
  createdText: (d) => d.toISOString(),
  ...o,
});

describe('ip-net', () => {
  it('parses and prints IPv4 and IPv6 as Go does', () => {
    expect(formatIp(parseIp('10.89.0.1')!)).toBe('10.89.0.1');
    expect(formatIp(parseIp('fd00:0:0:0:0:0:0:1')!)).toBe('fd00::1');
    expect(formatIp(parseIp('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIp('::ffff:10.0.0.1')!)).toBe('10.0.0.1');
    expect(parseIp('10.0.0.256')).toBeUndefined();
    expect(parseIp('1::2::3')).toBeUndefined();
    expect(formatNet(parseCidr('10.89.3.7/24')!.net)).toBe('10.89.3.0/24');
    expect(formatNet(parseCidr('fd12:3456::99/64')!.net)).toBe('fd12:3456::/64');
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });
  it('overlap is containment either way', () => {
    const n = (s: string) => parseCidr(s)!.net;
    expect(netsOverlap(n('10.0.0.0/8'), n('10.89.0.0/24'))).toBe(true);
    expect(netsOverlap(n('10.89.1.0/24'), n('10.89.0.0/24'))).toBe(false);
    expect(netsOverlap(n('10.89.0.0/16'), n('fd00::/8'))).toBe(false);
  });
});

describe('network create plan (podman 4.3 rules)', () => {
  it('first free /24 from 10.89.0.0, skipping networks and host subnets; podmanN names', () => {
    const a = planNetworkCreate(req(), ctx());
    expect(a).toMatchObject({ name: 'podman1', network_interface: 'podman1', driver: 'bridge', subnets: [{ subnet: '10.89.0.0/24', gateway: '10.89.0.1' }], dns_enabled: true, internal: false, ipv6_enabled: false, ipam_options: { driver: 'host-local' } });
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    const b = planNetworkCreate(req({ name: 'web' }), ctx([a], { hostSubnets: ['10.89.1.77/24', '192.168.1.2/24'] }));
    expect(b).toMatchObject({ name: 'web', network_interface: 'podman2', subnets: [{ subnet: '10.89.2.0/24', gateway: '10.89.2.1' }] });
    expect(Object.keys(b)).toEqual(['name', 'id', 'driver', 'network_interface', 'created', 'subnets', 'ipv6_enabled', 'internal', 'dns_enabled', 'ipam_options']);
  });
  it('moves to the next pool when 10.89.0.0/16 is full', () => {
    const used = [parseCidr('10.88.0.0/16')!.net, parseCidr('10.89.0.0/16')!.net];
    expect(formatNet(freeIpv4Subnet(used))).toBe('10.90.0.0/24');
  });
  it('given subnet, gateway, range, labels, options; internal without dns has no gateway', () => {
    const n = planNetworkCreate(req({ name: 'r', subnets: ['10.99.0.0/24'], ipRanges: ['10.99.0.128/25'], labels: ['a=b', 'c'], options: ['mtu=1400', 'isolate=1'] }), ctx());
    expect(n.subnets).toEqual([{ subnet: '10.99.0.0/24', gateway: '10.99.0.1', lease_range: { start_ip: '10.99.0.129', end_ip: '10.99.0.255' } }]);
    expect(n.labels).toEqual({ a: 'b', c: '' });
    expect(n.options).toEqual({ mtu: '1400', isolate: 'true' });
    expect(planNetworkCreate(req({ internal: true, disableDns: true, subnets: ['10.7.0.0/24'] }), ctx()).subnets).toEqual([{ subnet: '10.7.0.0/24' }]);
  });
  it('--ipv6 adds a random fd::/64 beside the IPv4 subnet', () => {
    const n = planNetworkCreate(req({ ipv6: true }), ctx());
    expect(n.ipv6_enabled).toBe(true);
    expect(n.subnets![0]!.subnet).toBe('10.89.0.0/24');
    expect(n.subnets![1]!.subnet).toMatch(/^fd[0-9a-f]{2}:[0-9a-f:]+::\/64$/);
  });
  it("refuses with podman's messages", () => {
    const a = planNetworkCreate(req({ name: 'a' }), ctx());
    expect(() => planNetworkCreate(req({ name: 'a' }), ctx([a]))).toThrow('network name a already used: network already exists');
    expect(() => planNetworkCreate(req({ name: 'bad name' }), ctx())).toThrow('network name bad name invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument');
    expect(() => planNetworkCreate(req({ subnets: ['10.89.0.128/25'] }), ctx([a]))).toThrow('subnet 10.89.0.128/25 is already used on the host or by another config');
    expect(() => planNetworkCreate(req({ subnets: ['10.88.5.0/24'] }), ctx())).toThrow('subnet 10.88.5.0/24 is already used');
    expect(() => planNetworkCreate(req({ subnets: ['10.99.0.0/24'], gateways: ['10.98.0.1'] }), ctx())).toThrow('gateway 10.98.0.1 not in subnet 10.99.0.0/24');
    expect(() => planNetworkCreate(req({ gateways: ['10.98.0.1'] }), ctx())).toThrow('cannot set gateway or range without subnet');
    expect(() => planNetworkCreate(req({ subnets: ['nonsense'] }), ctx())).toThrow('invalid CIDR address: nonsense');
    expect(() => planNetworkCreate(req({ options: ['foo=1'] }), ctx())).toThrow('unsupported bridge network option foo');
    expect(() => planNetworkCreate(req({ driver: 'macvlan' }), ctx())).toThrow(/macvlan networks are not supported rootless/);
    expect(() => planNetworkCreate(req({ driver: 'foo' }), ctx())).toThrow('unsupported driver foo: invalid argument');
    expect(() => planNetworkCreate(req({ subnets: ['10.1.0.0/24', '10.1.0.0/25'] }), ctx())).toThrow('subnet 10.1.0.0/25 is already used');
  });
});

describe('stored configs and filters', () => {
  it('validates what it reads', () => {
    const n = planNetworkCreate(req({ name: 'x' }), ctx());
    expect(validateNetworkConfig(JSON.parse(JSON.stringify(n)))).toEqual(n);
    expect(() => validateNetworkConfig({ ...n, id: 'short' })).toThrow('invalid id');
    expect(() => validateNetworkConfig({ ...n, subnets: 'x' })).toThrow('"subnets" is not a list');
    expect(() => validateNetworkConfig([])).toThrow('not an object');
  });
  it('name/id regexes, driver, labels, label!, until, dangling', () => {
    const n = planNetworkCreate(req({ name: 'front', labels: ['tier=web'] }), ctx());
    const m = (f: string[], inUse = false) => networkMatches(n, parseNetworkFilters(f, false), inUse, new Date('2026-02-01T00:00:00Z'));
    expect(m(['name=^fr'])).toBe(true);
    expect(m(['name=back'])).toBe(false);
    expect(m([`id=${n.id.slice(0, 5)}`])).toBe(true);
    expect(m(['driver=bridge', 'label=tier=web'])).toBe(true);
    expect(m(['label!=tier'])).toBe(false);
    expect(m(['until=2026-01-02T00:00:00Z'])).toBe(true);
    expect(m(['dangling=true'], true)).toBe(false);
    expect(() => parseNetworkFilters(['dangling=true'], true)).toThrow('invalid filter "dangling"');
    expect(() => parseNetworkFilters(['foo=1'], false)).toThrow('invalid filter "foo"');
  });
});

describe('bridge attachments (pure)', () => {
  const net = planNetworkCreate(req({ name: 'w', subnets: ['10.93.0.0/24'] }), ctx());
  it('lowest free address after the gateway; static ones checked', () => {
    expect(allocateAddresses({ network: net, interfaceName: 'eth0', staticIps: [] }, new Set())).toEqual({ addresses: ['10.93.0.2/24'], gateways: ['10.93.0.1'] });
    expect(allocateAddresses({ network: net, interfaceName: 'eth0', staticIps: [] }, new Set(['10.93.0.2', '10.93.0.3'])).addresses).toEqual(['10.93.0.4/24']);
    expect(allocateAddresses({ network: net, interfaceName: 'eth0', staticIps: ['10.93.0.77'] }, new Set()).addresses).toEqual(['10.93.0.77/24']);
    expect(() => allocateAddresses({ network: net, interfaceName: 'eth0', staticIps: ['10.1.0.1'] }, new Set())).toThrow('requested static ip 10.1.0.1 not in any subnet on network w');
    const full = new Set(Array.from({ length: 253 }, (_, i) => `10.93.0.${i + 2}`));
    expect(() => allocateAddresses({ network: net, interfaceName: 'eth0', staticIps: [] }, full)).toThrow('failed to find free IP');
  });
  it('ip -batch lines for both ends', () => {
    const a = { network: 'w', bridge: 'podman1', interfaceName: 'eth0', veth: vethName('abcdef0123456789', 0), addresses: ['10.93.0.2/24'], gateways: ['10.93.0.1'], internal: false };
    expect(a.veth).toBe('tsvabcdef0120');
    expect(holderSideLines(a, 1400)).toEqual(['link add tsvabcdef0120 mtu 1400 type veth peer name eth0 mtu 1400 netns $1', 'link set tsvabcdef0120 master podman1', 'link set tsvabcdef0120 up', 'neigh flush to 10.93.0.2 dev podman1']);
    expect(containerSideLines([a, { ...a, interfaceName: 'eth1', internal: true, addresses: ['10.94.0.2/24'], gateways: ['10.94.0.1'] }])).toEqual([
      'link set lo up', 'addr add 10.93.0.2/24 brd + dev eth0', 'link set eth0 up', 'addr add 10.94.0.2/24 brd + dev eth1', 'link set eth1 up', 'route add default via 10.93.0.1 dev eth0',
    ]);
  });
});
