import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersTableOf, type ContainersTable } from '../../../src/host/containers-table.js';
import { defaultRouteGateway, hostLocalAddress, pastaHostAddress } from '../../../src/network/host-address.js';
import { containerFilesContent } from '../../../src/runtime/container/container-files.js';

const NONE: ContainersTable = { baseHostsFile: '', hostContainersInternalIp: '', dnsServers: [], dnsSearches: [], dnsOptions: [], noHosts: false, imageVolumeMode: '' };

describe('containers.conf [containers] for the generated /etc files', () => {
  let dir: string;
  let hostEtc: { hosts: string; resolvConf: string; resolvedResolvConf: string };
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'etc-conf-'));
    await fs.writeFile(path.join(dir, 'hosts'), '127.0.0.1 localhost\n10.0.0.9 hostonly\n');
    await fs.writeFile(path.join(dir, 'resolv'), 'search host.example\nnameserver 10.255.255.53\n');
    await fs.writeFile(path.join(dir, 'base'), '172.22.1.1 one\n172.22.1.2 two # comment\n');
    hostEtc = { hosts: path.join(dir, 'hosts'), resolvConf: path.join(dir, 'resolv'), resolvedResolvConf: path.join(dir, 'none') };
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads the keys podman reads, ignoring ill-typed ones', () => {
    expect(containersTableOf({ containers: { base_hosts_file: '/b', host_containers_internal_ip: '10.1.1.1', dns_servers: ['1.1.1.1', 3], dns_searches: ['x.example'], dns_options: 'bad', no_hosts: true }, engine: { image_volume_mode: 'tmpfs' } })).toEqual({
      baseHostsFile: '/b', hostContainersInternalIp: '10.1.1.1', dnsServers: ['1.1.1.1'], dnsSearches: ['x.example'], dnsOptions: [], noHosts: true, imageVolumeMode: 'tmpfs',
    });
    expect(containersTableOf({})).toEqual(NONE);
  });

  it('base_hosts_file and host_containers_internal_ip (podman\'s bats: 7 lines, then 5 when the name is in the base file)', async () => {
    const conf = { ...NONE, baseHostsFile: path.join(dir, 'base'), hostContainersInternalIp: '172.23.5.5' };
    const a = await containerFilesContent({ hostname: 'c1', name: 'c1', network: 'pasta', containerIps: ['192.0.2.2'], addHosts: ['three:172.16.3.3'], hostContainersInternal: '192.0.2.1', conf, hostEtc });
    expect(a.hosts).toBe('172.16.3.3\tthree\n172.22.1.1\tone\n172.22.1.2\ttwo\n127.0.0.1\tlocalhost\n::1\tlocalhost\n172.23.5.5\thost.containers.internal\n192.0.2.2\tc1 c1\n');
    const b = await containerFilesContent({ hostname: 'one', name: 'one', network: 'pasta', containerIps: ['192.0.2.2'], conf, hostEtc });
    expect(b.hosts?.split('\n').filter(Boolean)).toHaveLength(5);
    const none = await containerFilesContent({ hostname: 'h', name: 'n', network: 'none', conf: { ...NONE, baseHostsFile: 'none', hostContainersInternalIp: 'none' }, hostContainersInternal: '192.0.2.1', hostEtc });
    expect(none.hosts).toBe('127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.0.1\th n\n');
    await expect(containerFilesContent({ hostname: 'h', name: 'n', network: 'none', conf: { ...NONE, baseHostsFile: path.join(dir, 'missing') }, hostEtc })).rejects.toThrow(
      `failed to create new hosts file: open ${path.join(dir, 'missing')}: no such file or directory`,
    );
  });

  it('dns_servers, dns_searches, dns_options: first, before the flags, and they replace the network\'s resolver', async () => {
    const conf = { ...NONE, dnsServers: ['1.1.1.1', '100.100.100.100'], dnsSearches: ['example.com'], dnsOptions: ['ndots:3'] };
    const a = await containerFilesContent({ hostname: 'h', name: 'n', network: 'bridge', networkNameservers: ['10.89.0.1'], networkSearch: ['dns.podman'], dns: ['8.8.8.8'], conf, hostEtc });
    expect(a.resolvConf).toBe('search example.com\nnameserver 1.1.1.1\nnameserver 100.100.100.100\nnameserver 8.8.8.8\noptions ndots:3\n');
    const b = await containerFilesContent({ hostname: 'h', name: 'n', network: 'bridge', networkNameservers: ['10.89.0.1'], networkSearch: ['dns.podman'], hostEtc });
    expect(b.resolvConf).toBe('search dns.podman host.example\nnameserver 10.89.0.1\nnameserver 10.255.255.53\n');
  });

  it('host.containers.internal defaults: the host\'s first global address; pasta: the default gateway', () => {
    expect(hostLocalAddress({ lo: [{ address: '127.0.0.1', family: 'IPv4' }], eth0: [{ address: 'fe80::1', family: 'IPv6' }, { address: '2001:db8::2', family: 'IPv6' }, { address: '192.0.2.2', family: 'IPv4' }] } as never)).toBe('192.0.2.2');
    expect(hostLocalAddress({ eth0: [{ address: 'fe80::1', family: 'IPv6' }, { address: '2001:db8::2', family: 'IPv6' }] } as never)).toBe('2001:db8::2');
    expect(hostLocalAddress({ lo: [{ address: '127.0.0.1', family: 'IPv4' }] } as never)).toBeUndefined();
    const route = 'Iface\tDestination\tGateway \tFlags\nbr0\t0000580A\t00000000\t0001\neth0\t00000000\t010200C0\t0003\n';
    expect(defaultRouteGateway(route)).toBe('192.0.2.1');
    // pasta: not the container's own copy of the host's address.
    const ifaces = { lo: [{ address: '127.0.0.1', family: 'IPv4' }], eth0: [{ address: '192.0.2.2', family: 'IPv4' }], br0: [{ address: '10.88.0.1', family: 'IPv4' }] } as never;
    expect(pastaHostAddress([], '192.0.2.2', ifaces)).toBe('10.88.0.1');
    expect(pastaHostAddress([], '10.88.0.1', { eth0: [{ address: '10.88.0.1', family: 'IPv4' }] } as never)).toBeUndefined();
  });
});
