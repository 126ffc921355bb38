import { describe, expect, it } from 'vitest';
import { defaultRouteInterface } from '../../../src/network/host-address.js';
import { pastaArgs } from '../../../src/network/pasta-args.js';
import { checkPrivilegedPorts, lowestPrivilegedPort, readUnprivilegedPortStart } from '../../../src/network/privileged-ports.js';
import { slirpPlan } from '../../../src/network/slirp-args.js';

describe('pasta options (as podman builds them)', () => {
  it('forwards each published port and turns everything else off', () => {
    const args = pastaArgs({
      ports: [
        { hostPort: 8080, containerPort: 80, protocol: 'tcp', range: 1 },
        { hostIP: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp', range: 2 },
      ],
      options: [],
    });
    expect(args).toEqual(['--config-net', '-t', '8080-8080:80-80', '-u', '127.0.0.1/5353-5354:53-54', '-T', 'none', '-U', 'none', '--no-map-gw', '-q']);
  });

  it('--map-gw is ours, not pasta\'s: it only drops --no-map-gw; given -t/-u options replace the defaults', () => {
    const args = pastaArgs({ ports: [], options: ['--map-gw', '-t', 'auto'], dnsForward: '169.254.1.1' });
    expect(args).toEqual(['--config-net', '-t', 'auto', '-u', 'none', '-T', 'none', '-U', 'none', '--dns-forward', '169.254.1.1', '-q']);
    expect(() => pastaArgs({ ports: [{ hostPort: 1, containerPort: 1, protocol: 'sctp' }], options: [] })).toThrow("can't forward protocol: sctp");
  });
});

describe('slirp4netns plan', () => {
  it("podman's defaults, one add_hostfwd per port", () => {
    const p = slirpPlan([], [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', range: 2 }]);
    expect(p.args).toEqual(['--disable-host-loopback', '--mtu=65520', '--enable-sandbox', '--enable-seccomp', '-c', '--enable-ipv6']);
    expect(p.requests.map((r) => JSON.parse(r))).toEqual([
      { execute: 'add_hostfwd', arguments: { proto: 'tcp', host_addr: '0.0.0.0', host_port: 8080, guest_port: 80 } },
      { execute: 'add_hostfwd', arguments: { proto: 'tcp', host_addr: '0.0.0.0', host_port: 8081, guest_port: 81 } },
    ]);
    expect([p.containerIp, p.gateway, p.dns]).toEqual(['10.0.2.100', '10.0.2.2', '10.0.2.3']);
  });

  it('options: host loopback, mtu, cidr; IPv6 host addresses refused', () => {
    const p = slirpPlan(['allow_host_loopback=true', 'mtu=1500', 'cidr=10.5.0.0/16', 'enable_ipv6=false'], []);
    expect(p.args).toEqual(['--mtu=1500', '--enable-sandbox', '--enable-seccomp', '-c', '--cidr=10.5.0.0/16']);
    expect([p.containerIp, p.gateway, p.dns]).toEqual(['10.5.0.100', '10.5.0.2', '10.5.0.3']);
    expect(() => slirpPlan([], [{ hostIP: '::1', hostPort: 1, containerPort: 1 }])).toThrow('IPv4');
  });
});

describe('privileged ports', () => {
  it('finds the lowest host port below the sysctl', () => {
    const ports = [
      { hostPort: 8080, containerPort: 80 },
      { hostPort: 443, containerPort: 443 },
      { hostPort: 80, containerPort: 80 },
    ];
    expect(lowestPrivilegedPort(ports, 1024)).toBe(80);
    expect(lowestPrivilegedPort(ports, 80)).toBeUndefined();
    expect(() => checkPrivilegedPorts(ports, true, 1024)).toThrow(
      "cannot expose privileged port 80: an unprivileged user can only bind ports >= 1024 (net.ipv4.ip_unprivileged_port_start=1024); allow it with 'sudo sysctl net.ipv4.ip_unprivileged_port_start=80'",
    );
    expect(() => checkPrivilegedPorts(ports, false, 1024)).not.toThrow();
    expect(readUnprivilegedPortStart('/nonexistent')).toBe(1024);
  });
});

describe('host address', () => {
  it('takes the interface of the default route', () => {
    const text =
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
      'eth1\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n' +
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n';
    expect(defaultRouteInterface(text)).toBe('eth0');
    expect(defaultRouteInterface(text.split('\n').slice(0, 2).join('\n'))).toBeUndefined();
  });
});
