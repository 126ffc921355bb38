import { describe, expect, it } from 'vitest';
import { parseNetworkFlag, resolveNetworkMode, sharedNetworkContainer } from '../../../src/network/network-mode.js';
import { planNetwork, type NetworkDeps } from '../../../src/network/network-flags.js';
import type { ContainerRecord } from '../../../src/storage/containers.js';

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
    expect(() => parseNetworkFlag('container:')).toThrow('cannot be empty');
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
  const flags = { publish: [], publishAll: false, dnsFlags: [], addHosts: [], usernsFlags: false };

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
    await expect(planNetwork({ ...flags, network: 'container:web', dnsFlags: ['--dns'] }, deps)).rejects.toThrow('conflicting options: --dns and --network container:web');
    await expect(planNetwork({ ...flags, network: 'container:web', addHosts: ['a:1.2.3.4'] }, deps)).rejects.toThrow('conflicting options: --add-host');
  });
});
