import { describe, expect, it } from 'vitest';
import { parseNetworkFlag, resolveNetworkMode, sharedNetworkContainer } from '../../../src/network/network-mode.js';
import { planNetwork, type NetworkDeps, type NetworkFlags } from '../../../src/network/network-flags.js';
import type { ContainerRecord } from '../../../src/storage/containers.js';
import type { NetworkConfig } from '../../../src/network/config/network-config.js';

describe('--network values', () => {
  it('reads the modes and their options', () => {
    expect(parseNetworkFlag(undefined)).toEqual({ kind: 'default' });
    expect(parseNetworkFlag('private')).toEqual({ kind: 'default' });
    expect(parseNetworkFlag('host')).toEqual({ kind: 'host' });
    expect(parseNetworkFlag('pasta:--map-gw,-a,10.0.2.5')).toEqual({ kind: 'pasta', options: ['--map-gw', '-a', '10.0.2.5'] });
    expect(parseNetworkFlag('slirp4netns:allow_host_loopback=true,mtu=1500')).toEqual({ kind: 'slirp4netns', options: ['allow_host_loopback=true', 'mtu=1500'] });
    expect(parseNetworkFlag('container:web')).toEqual({ kind: 'container', nameOrId: 'web' });
    expect(parseNetworkFlag('ns:/run/netns/x')).toEqual({ kind: 'ns', path: '/run/netns/x' });
    expect(() => parseNetworkFlag('ns:')).toThrow('invalid config provided: namespace mode path requires a value');
  });

  it('named networks and bridge; refuses what does not exist here', () => {
    expect(parseNetworkFlag('mynet')).toEqual({ kind: 'bridge', name: 'mynet', options: [] });
    expect(parseNetworkFlag('bridge')).toEqual({ kind: 'bridge', name: 'podman', options: [] });
    expect(parseNetworkFlag('web:ip=10.89.0.5,alias=db')).toEqual({ kind: 'bridge', name: 'web', options: ['ip=10.89.0.5', 'alias=db'] });
    expect(() => parseNetworkFlag('slirp4netns:bogus=1')).toThrow('unknown option for slirp4netns: "bogus=1"');
    expect(() => parseNetworkFlag('slirp4netns:allow_host_loopback=yes')).toThrow('invalid value of allow_host_loopback');
    expect(() => parseNetworkFlag('slirp4netns:port_handler=rootlesskit')).toThrow('port_handler=rootlesskit is not supported');
    expect(() => parseNetworkFlag('container:')).toThrow('invalid config provided: namespace mode container requires a value');
  });

  it('defaults to pasta, else slirp4netns, else fails saying how to fix it', () => {
    expect(resolveNetworkMode({ kind: 'default' }, { pasta: true, slirp4netns: true })).toBe('pasta');
    expect(resolveNetworkMode({ kind: 'default' }, { pasta: false, slirp4netns: true })).toBe('slirp4netns');
    expect(() => resolveNetworkMode({ kind: 'default' }, { pasta: false, slirp4netns: false })).toThrow('sudo apt-get install passt');
    expect(() => resolveNetworkMode({ kind: 'pasta', options: [] }, { pasta: false, slirp4netns: true })).toThrow('pasta is not installed');
    expect(sharedNetworkContainer('container:abc')).toBe('abc');
    expect(sharedNetworkContainer('pasta')).toBeUndefined();
  });
});

describe('network flags together', () => {
  const target = { id: 'a'.repeat(64), name: 'web', config: {} } as unknown as ContainerRecord;
  const warnings: string[] = [];
  const deps: NetworkDeps = {
    installed: () => ({ pasta: true, slirp4netns: true }),
    lookupNetwork: async (n: string) => { throw new Error(`unable to find network with name or ID ${n}: network not found`); },
        lookupContainer: async (n) => {
      if (n !== 'web') throw new Error(`no container with name or ID "${n}" found: no such container`);
      return target;
    },
    rootless: true,
    unprivilegedPortStart: () => 1024,
    warn: (m) => warnings.push(m),
  };
  const flags: NetworkFlags = { publish: [], publishAll: false, dnsFlags: [], addHosts: [], usernsFlags: false };
  const bridges: NetworkDeps = {
    ...deps,
    lookupNetwork: async (n: string) => {
      if (n !== 'n1' && n !== 'n2') throw new Error(`unable to find network with name or ID ${n}: network not found`);
      return { name: n } as NetworkConfig;
    },
  };

  it('refuses a privileged host port when rootless, naming the sysctl', async () => {
    await expect(planNetwork({ ...flags, publish: ['80:80'] }, deps)).rejects.toThrow("sudo sysctl net.ipv4.ip_unprivileged_port_start=80");
    await expect(planNetwork({ ...flags, publish: ['80:80'] }, { ...deps, rootless: false })).resolves.toMatchObject({ network: 'pasta' });
    await expect(planNetwork({ ...flags, publish: ['80:80'] }, { ...deps, unprivilegedPortStart: () => 80 })).resolves.toMatchObject({ network: 'pasta' });
  });

  it('refuses several --network values (podman: only bridges)', async () => {
    await expect(planNetwork({ ...flags, network: ['host', 'none'] }, deps)).rejects.toThrow(
      'cannot set multiple networks without bridge network mode, selected mode host: invalid argument',
    );
    await expect(planNetwork({ ...flags, network: ['none'] }, deps)).resolves.toMatchObject({ network: 'none' });
  });

  it("drops ports with podman's warning where there is no network program", async () => {
    const p = await planNetwork({ ...flags, network: 'host', publish: ['8080:80'] }, deps);
    expect(p.ports).toEqual([]);
    expect(warnings.pop()).toContain('Port mappings have been discarded');
  });

  it('container: records the full id and refuses files it cannot change', async () => {
    await expect(planNetwork({ ...flags, network: 'container:web' }, deps)).resolves.toMatchObject({ network: `container:${'a'.repeat(64)}`, sharedWith: target });
    await expect(planNetwork({ ...flags, network: 'container:nope' }, deps)).rejects.toThrow('looking up container to share net namespace with: no container with name or ID "nope" found');
    // podman's words; the DNS conflict is found before the container is looked up.
    await expect(planNetwork({ ...flags, network: 'container:nope', dnsFlags: ['--dns'] }, deps)).rejects.toThrow(/^conflicting options: dns and the network mode: container$/);
    await expect(planNetwork({ ...flags, network: 'container:web', addHosts: ['a:1.2.3.4'] }, deps)).rejects.toThrow(
      /^invalid config provided: cannot set extra host entries when the container is joined to another containers network namespace: invalid configuration$/,
    );
  });

  it("refuses what cannot act, in podman 4.3's words and order (netflags.go, create.go, specgen)", async () => {
    const refused: Array<[Partial<NetworkFlags>, string]> = [
      [{ network: 'none', dnsFlags: ['--dns-search'] }, 'conflicting options: dns and the network mode: none'],
      [{ network: 'none', ip: '10.0.0.5' }, '--ip can only be set when the network mode is bridge: invalid argument'],
      [{ network: 'slirp4netns', ip6: 'fd00::5' }, '--ip6 can only be set when the network mode is bridge: invalid argument'],
      [{ network: 'host', mac: '92:d0:c6:0a:29:33' }, '--mac-address can only be set when the network mode is bridge: invalid argument'],
      [{ network: 'pasta', aliases: ['a'] }, '--network-alias can only be set when the network mode is bridge: invalid argument'],
      [{ network: 'none', ip: 'notip' }, '"notip" is not an ip address'],
      [{ network: 'none', mac: 'zz' }, 'address zz: invalid MAC address'],
      [{ aliases: ['a'] }, 'invalid config provided: networks and static ip/mac address can only be used with Bridge mode networking'],
      [{ ip: '10.0.0.5' }, 'invalid config provided: networks and static ip/mac address can only be used with Bridge mode networking'],
      [{ network: ['n1', 'n2'], ip: '10.89.0.5' }, '--ip can only be set for a single network: invalid argument'],
      [{ network: ['n1', 'n2'], mac: '92:d0:c6:0a:29:33' }, '--mac-address can only be set for a single network: invalid argument'],
      [{ network: ['n1', 'none'] }, 'can only set extra network names, selected mode none conflicts with bridge: invalid argument'],
      [{ network: ['n1', 'bridge'] }, 'can only set extra network names, selected mode bridge conflicts with bridge: invalid argument'],
      [{ network: 'n1:mac=zz' }, 'invalid option for network n1: address zz: invalid MAC address'],
      [{ network: 'n1:ip=zz' }, 'invalid option for network n1: invalid ip address "zz"'],
      [{ network: 'n1:foo=1' }, 'invalid option for network n1: unknown bridge network option: foo'],
      [{ dnsSearch: ['.', 'x.com'] }, "cannot pass additional search domains when also specifying '.'"],
      [{ dnsSearch: ['a_b'] }, 'a_b is not a valid domain'],
      [{ dnsSearch: ['-x'] }, '-x is not a valid domain'],
      [{ dnsSearch: ['123'] }, '123 is not a valid domain'],
      [{ network: 'none', publish: ['8080:80'], pod: true }, 'PortMappings can only be used with Bridge or slirp4netns networking'],
    ];
    for (const [f, message] of refused) {
      const got = await planNetwork({ ...flags, ...f }, bridges).then(() => 'accepted', (err: Error) => err.message);
      expect(got, JSON.stringify(f)).toBe(message);
    }
  });

  it('accepts what podman accepts: dns with host, aliases on every network, a,b as two networks, -P alone dropped silently', async () => {
    await expect(planNetwork({ ...flags, network: 'host', dnsFlags: ['--dns'] }, bridges)).resolves.toMatchObject({ network: 'host' });
    await expect(planNetwork({ ...flags, dnsSearch: ['.'] }, bridges)).resolves.toMatchObject({ network: 'pasta' });
    await expect(planNetwork({ ...flags, dnsSearch: ['example.com', 'a-b.c.', 'x'] }, bridges)).resolves.toMatchObject({ network: 'pasta' });
    const two = await planNetwork({ ...flags, network: ['n1', 'n2:alias=b'], aliases: ['a'] }, bridges);
    expect(two.networks).toEqual({ n1: { interfaceName: 'eth0', aliases: ['a'] }, n2: { interfaceName: 'eth1', aliases: ['b', 'a'] } });
    const comma = await planNetwork({ ...flags, network: 'n1,n2' }, bridges);
    expect(Object.keys(comma.networks ?? {})).toEqual(['n1', 'n2']);
    const one = await planNetwork({ ...flags, network: 'n1', ip: '10.89.0.5', mac: '92-D0-C6-0A-29-33' }, bridges);
    expect(one.networks).toEqual({ n1: { interfaceName: 'eth0', staticIps: ['10.89.0.5'], staticMac: '92:d0:c6:0a:29:33' } });
    const before = warnings.length;
    await expect(planNetwork({ ...flags, network: 'none', publishAll: true }, bridges)).resolves.toMatchObject({ ports: [], publishAll: false });
    expect(warnings.length).toBe(before);
  });
});
