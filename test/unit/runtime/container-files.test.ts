import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  networkNameservers,
  containerFilesHelperArgs,
  hostsContent,
  parseAddHost,
  resolvConfContent,
  writeContainerFiles,
} from '../../../src/runtime/container/container-files.js';
import { resolveUserIds } from '../../../src/runtime/userns/user-resolve.js';

const HOST_HOSTS = '# static\n127.0.0.1 localhost\n127.0.0.1   runsc vm\n::1 ip6-localhost ip6-loopback # v6\nbogus line\n';

describe('/etc/hosts', () => {
  it('--add-host entries, then the host\'s entries (tabs, no comments), then the container', () => {
    expect(hostsContent({ hostname: 'abc123', name: 'web', addHosts: ['foo:1.2.3.4', 'bar.example:::1'], baseHosts: HOST_HOSTS, containerIps: ['127.0.0.1'] })).toBe(
      '1.2.3.4\tfoo\n::1\tbar.example\n127.0.0.1\tlocalhost\n127.0.0.1\trunsc vm\n::1\tip6-localhost ip6-loopback\n127.0.0.1\tabc123 web\n',
    );
  });
  it('localhost lines when the base has none; host.containers.internal and container IPs when known', () => {
    expect(hostsContent({ hostname: 'h', name: 'n', baseHosts: undefined, hostContainersInternal: '192.0.2.2', containerIps: ['10.0.2.100'] })).toBe(
      '127.0.0.1\tlocalhost\n::1\tlocalhost\n192.0.2.2\thost.containers.internal\n10.0.2.100\th n\n',
    );
    // podman lists the hostname and the name even when they are the same.
    expect(hostsContent({ hostname: 'same', name: 'same', baseHosts: '', containerIps: ['10.0.2.100'] })).toContain('10.0.2.100\tsame same\n');
    expect(hostsContent({ hostname: 'h', name: 'n', baseHosts: '' })).toBe('127.0.0.1\tlocalhost\n::1\tlocalhost\n');
  });
  it('names already listed (by --add-host or the base file) are not listed again: a user\'s entry wins', () => {
    const base = '10.1.1.1 web\n10.1.1.2 host.containers.internal # mine\n';
    expect(hostsContent({ hostname: 'web', name: 'web', baseHosts: base, hostContainersInternal: '192.0.2.2', containerIps: ['10.0.2.100'], addHosts: ['localhost:10.9.9.9'] })).toBe(
      '10.9.9.9\tlocalhost\n10.1.1.1\tweb\n10.1.1.2\thost.containers.internal\n',
    );
    expect(hostsContent({ hostname: 'h', name: 'web', baseHosts: base, containerIps: ['10.0.2.100'] })).toContain('10.0.2.100\th\n');
  });
  it('parses --add-host like podman', () => {
    expect(parseAddHost('a;b=10.0.0.1')).toEqual({ ip: '10.0.0.1', names: ['a', 'b'] });
    expect(parseAddHost('v6:[fe80::1]')).toEqual({ ip: 'fe80::1', names: ['v6'] });
    expect(parseAddHost('gw:host-gateway', '10.0.2.2')).toEqual({ ip: '10.0.2.2', names: ['gw'] });
    expect(() => parseAddHost('foo:notanip')).toThrow('invalid IP address in add-host: "notanip"');
    expect(() => parseAddHost('foo')).toThrow('bad format for add-host: "foo"');
    expect(() => parseAddHost('b@d:1.1.1.1')).toThrow('invalid hostname in add-host: "b@d"');
  });
});

describe('/etc/resolv.conf', () => {
  const host = '# generated\ndomain corp.example\nsearch a.example b.example\nnameserver 127.0.0.53\nnameserver 10.255.255.53\nnameserver fd00::1\noptions edns0 trust-ad\nsortlist 1.2.3.4\n';
  it('host network: the host\'s nameservers, loopback ones too', () => {
    expect(resolvConfContent({ hostResolvConf: host, namespace: 'host' })).toBe(
      'search a.example b.example\nnameserver 127.0.0.53\nnameserver 10.255.255.53\nnameserver fd00::1\noptions edns0 trust-ad\n',
    );
  });
  it('own network namespace: loopback (and without IPv6, v6) nameservers dropped, the network\'s resolver first', () => {
    expect(resolvConfContent({ hostResolvConf: host, namespace: 'private', networkNameservers: ['10.0.2.3'] })).toBe(
      'search a.example b.example\nnameserver 10.0.2.3\nnameserver 10.255.255.53\noptions edns0 trust-ad\n',
    );
    expect(resolvConfContent({ hostResolvConf: 'nameserver 127.0.0.1\n', namespace: 'private' })).toBe('nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
    expect(resolvConfContent({ hostResolvConf: host, namespace: 'private', ipv6: true })).toContain('nameserver fd00::1\n');
  });
  it('the network\'s own resolver: slirp4netns always, pasta only for a host with loopback resolvers only', () => {
    expect(networkNameservers('slirp4netns', 'nameserver 1.1.1.1\n')).toEqual(['10.0.2.3']);
    expect(networkNameservers('pasta', 'nameserver 127.0.0.53\n')).toEqual(['169.254.1.1']);
    expect(networkNameservers('pasta', 'nameserver 127.0.0.53\nnameserver 10.0.0.1\n')).toEqual([]);
    expect(networkNameservers('host', 'nameserver 127.0.0.53\n')).toEqual([]);
  });
  it('--dns, --dns-search (. = none) and --dns-option replace the host\'s', () => {
    expect(resolvConfContent({ hostResolvConf: host, namespace: 'host', dns: ['9.9.9.9'], dnsSearch: ['example.com'], dnsOptions: ['ndots:2'] })).toBe(
      'search example.com\nnameserver 9.9.9.9\noptions ndots:2\n',
    );
    expect(resolvConfContent({ hostResolvConf: host, namespace: 'host', dnsSearch: ['.'] })).not.toContain('search');
    expect(() => resolvConfContent({ hostResolvConf: host, namespace: 'host', dns: ['x'] })).toThrow('x is not an ip address');
  });
  it('without servers of the user\'s, search domains and options go before the host\'s (podman)', () => {
    expect(resolvConfContent({ hostResolvConf: host, namespace: 'host', dnsSearch: ['example.com'], dnsOptions: ['ndots:2'] })).toBe(
      'search example.com a.example b.example\nnameserver 127.0.0.53\nnameserver 10.255.255.53\nnameserver fd00::1\noptions ndots:2 edns0 trust-ad\n',
    );
    // With servers but no search domains, the host's search domains stay.
    expect(resolvConfContent({ hostResolvConf: host, namespace: 'private', dns: ['1.1.1.1'], networkSearch: ['dns.podman'] })).toBe(
      'search a.example b.example\nnameserver 1.1.1.1\noptions edns0 trust-ad\n',
    );
    // The network's search domain first when it gives the servers.
    expect(resolvConfContent({ hostResolvConf: host, namespace: 'private', networkNameservers: ['10.89.0.1'], networkSearch: ['dns.podman'] })).toMatch(/^search dns.podman a.example b.example\nnameserver 10.89.0.1\nnameserver 10.255.255.53\n/);
    // Only loopback servers in a private namespace: Google's after the network's resolver.
    expect(resolvConfContent({ hostResolvConf: 'nameserver 127.0.0.1\n', namespace: 'private', networkNameservers: ['10.0.2.3'] })).toBe(
      'nameserver 10.0.2.3\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n',
    );
  });
});

describe('writeContainerFiles', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ctr-files-'));
    await fs.writeFile(path.join(dir, 'hosts'), HOST_HOSTS);
    await fs.writeFile(path.join(dir, 'resolv'), 'nameserver 127.0.0.53\n');
    await fs.writeFile(path.join(dir, 'resolved'), 'nameserver 192.0.2.53\n');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  const hostEtc = () => ({ hosts: path.join(dir, 'hosts'), resolvConf: path.join(dir, 'resolv'), resolvedResolvConf: path.join(dir, 'resolved') });

  it('writes the three files (0644) and returns the helper options', async () => {
    const out = path.join(dir, 'userdata');
    const files = await writeContainerFiles(out, { hostname: 'h1', name: 'n1', network: 'host', hostEtc: hostEtc() });
    expect(await fs.readFile(files.hostname, 'utf8')).toBe('h1\n');
    // The host's network: no line of the container's own (podman 4.3).
    expect(await fs.readFile(files.hosts!, 'utf8')).not.toContain('h1');
    expect(await fs.readFile(files.resolvConf!, 'utf8')).toBe('nameserver 127.0.0.53\n');
    expect((await fs.stat(files.hosts!)).mode & 0o777).toBe(0o644);
    expect(containerFilesHelperArgs(files)).toEqual(['--etc-hosts', files.hosts, '--etc-resolv-conf', files.resolvConf, '--etc-hostname', files.hostname, '--etc-mtab']);
  });
  it('private namespace behind systemd-resolved: its upstream servers; --network none: no resolv.conf unless --dns; --no-hosts, --dns none', async () => {
    const a = await writeContainerFiles(path.join(dir, 'a'), { hostname: 'h', name: 'n', network: 'slirp4netns', networkNameservers: ['10.0.2.3'], hostEtc: hostEtc() });
    expect(await fs.readFile(a.resolvConf!, 'utf8')).toBe('nameserver 10.0.2.3\nnameserver 192.0.2.53\n');
    const b = await writeContainerFiles(path.join(dir, 'b'), { hostname: 'h', name: 'n', network: 'none', noHosts: true, hostEtc: hostEtc() });
    expect(b.resolvConf).toBeUndefined();
    expect(b.hosts).toBeUndefined();
    expect(containerFilesHelperArgs(b)).toEqual(['--etc-hostname', b.hostname, '--etc-mtab']);
    const c = await writeContainerFiles(path.join(dir, 'c'), { hostname: 'h', name: 'n', network: 'none', dns: ['1.1.1.1'], hostEtc: hostEtc() });
    expect(await fs.readFile(c.resolvConf!, 'utf8')).toBe('nameserver 1.1.1.1\n');
    const d = await writeContainerFiles(path.join(dir, 'd'), { hostname: 'h', name: 'n', network: 'host', dns: ['none'], hostEtc: hostEtc() });
    expect(d.resolvConf).toBeUndefined();
  });
});

describe('--user with supplementary groups (podman 4 as measured)', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
  const group = 'root:x:0:\nuser:x:1000:\nwheel:x:10:user\naudio:x:29:user,root\nnogroup:x:65534:\n';
  it('no user: root with the groups that list root', () => {
    expect(resolveUserIds('', passwd, group)).toEqual({ uid: 0, gid: 0, home: '/root', additionalGids: [29] });
  });
  it('a name or a uid: its primary group plus the groups listing its name', () => {
    expect(resolveUserIds('user', passwd, group)).toEqual({ uid: 1000, gid: 1000, home: '/home/user', additionalGids: [10, 29, 1000] });
    expect(resolveUserIds('1000', passwd, group).additionalGids).toEqual([10, 29, 1000]);
    expect(resolveUserIds('root', passwd, group).additionalGids).toEqual([0, 29]);
    expect(resolveUserIds('4242', passwd, group)).toEqual({ uid: 4242, gid: 0, home: '/', additionalGids: [0] });
  });
  it('USER:GROUP: only that group', () => {
    expect(resolveUserIds('1000:10', passwd, group).additionalGids).toEqual([10]);
    expect(resolveUserIds('user:audio', passwd, group)).toEqual({ uid: 1000, gid: 29, home: '/home/user', additionalGids: [29] });
  });
  it('without the image\'s files, numbers still work and names fail as in podman', () => {
    expect(resolveUserIds('5:6', undefined, undefined)).toEqual({ uid: 5, gid: 6, home: '/', additionalGids: [6] });
    expect(() => resolveUserIds('nosuch', passwd, group)).toThrow('unable to find user nosuch: no matching entries in passwd file');
    expect(() => resolveUserIds('user:nosuch', passwd, group)).toThrow('unable to find group nosuch: no matching entries in group file');
  });
});
