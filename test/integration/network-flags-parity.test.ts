// Network flags of run/create/pod create where they cannot act, as podman
// 4.3.1 answers (each compared beside podman here: message and exit code);
// the port warning printed as podman prints specgen's warnings (a plain
// line); and the hosts files podman keeps: a pod member listed at
// 127.0.0.1 while it runs, gone once it exits (500-networking.bats "pod
// manages /etc/hosts correctly"); no bridge peer in /etc/hosts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

describe('network flags where they cannot act, as podman 4.3', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb, 90_000);
  beforeAll(async () => {
    sb = await busyboxSandbox('network-flags-parity', 'user');
    await ok(['network', 'create', '--subnet', '10.94.0.0/24', 'pa']);
    await ok(['network', 'create', '--subnet', '10.94.1.0/24', 'pb']);
    await ok(['create', '--name', 'peer', 'bb', 'sleep', '100']);
  }, 120_000);
  afterAll(() => disposeSandbox(sb));

  it('refuses with podman\'s message and exit code 125, making nothing', async () => {
    const cases: Array<[string[], string]> = [
      [['--network', 'none', '--dns', '1.1.1.1'], 'conflicting options: dns and the network mode: none'],
      [['--network', 'none', '--dns-option', 'ndots:2'], 'conflicting options: dns and the network mode: none'],
      [['--network', 'container:peer', '--dns-search', 'x.com'], 'conflicting options: dns and the network mode: container'],
      [['--network', 'container:nope', '--dns', '1.1.1.1'], 'conflicting options: dns and the network mode: container'],
      [['--network', 'container:peer', '--add-host', 'a:1.2.3.4'], 'invalid config provided: cannot set extra host entries when the container is joined to another containers network namespace: invalid configuration'],
      [['--no-hosts', '--add-host', 'a:1.2.3.4'], '--no-hosts and --add-host cannot be set together'],
      [['--add-host', 'bad'], 'bad format for add-host: "bad"'],
      [['--network-alias', 'a'], 'invalid config provided: networks and static ip/mac address can only be used with Bridge mode networking'],
      [['--network', 'none', '--network-alias', 'a'], '--network-alias can only be set when the network mode is bridge: invalid argument'],
      [['--network', 'slirp4netns', '--ip', '10.0.2.5'], '--ip can only be set when the network mode is bridge: invalid argument'],
      [['--network', 'host', '--mac-address', '92:d0:c6:0a:29:33'], '--mac-address can only be set when the network mode is bridge: invalid argument'],
      [['--network', 'none', '--ip6', 'fd00::5'], '--ip6 can only be set when the network mode is bridge: invalid argument'],
      [['--network', 'none', '--ip', 'notip'], '"notip" is not an ip address'],
      [['--network', 'pa', '--mac-address', 'zz'], 'address zz: invalid MAC address'],
      [['--network', 'pa', '--network', 'pb', '--ip', '10.94.0.5'], '--ip can only be set for a single network: invalid argument'],
      [['--network', 'pa', '--network', 'none'], 'can only set extra network names, selected mode none conflicts with bridge: invalid argument'],
      [['--network', 'pa:mac=zz'], 'invalid option for network pa: address zz: invalid MAC address'],
      [['--network', 'pa:ip=zz'], 'invalid option for network pa: invalid ip address "zz"'],
      [['--dns-search', 'a_b'], 'a_b is not a valid domain'],
      [['--dns-search', '.', '--dns-search', 'x.com'], "cannot pass additional search domains when also specifying '.'"],
      [['--network', 'container:'], 'invalid config provided: namespace mode container requires a value'],
      [['--expose', 'abc'], 'invalid range format for --expose: abc: strconv.ParseUint: parsing "abc": invalid syntax'],
      [['--expose', '80-70'], 'invalid range format for --expose: 80-70: Invalid range specified for the Port: 80-70'],
      [['--expose', '70000'], 'invalid range format for --expose: 70000: strconv.ParseUint: parsing "70000": value out of range'],
      [['--expose', '80/sctp'], 'validating protocols for exposed port 80: protocol SCTP is not allowed for exposed ports'],
      [['--expose', '0'], 'port numbers must be between 1 and 65535 (inclusive), got 0'],
      // StringSlice flags (pflag): a comma splits the value.
      [['--expose', '80/tcp,udp'], 'invalid range format for --expose: udp: strconv.ParseUint: parsing "udp": invalid syntax'],
      [['-p', '8080:80/tcp,udp'], 'parsing container port: invalid port number: strconv.Atoi: parsing "udp": invalid syntax'],
      [['--dns', '1.1.1.1,bad'], 'bad is not an ip address'],
    ];
    for (const [flags, message] of cases) {
      const r = await cli(['create', ...flags, 'bb', 'true']);
      expect({ flags, exitCode: r.exitCode, stderr: r.stderr }).toEqual({ flags, exitCode: 125, stderr: `Error: ${message}\n` });
    }
    const pod = await cli(['pod', 'create', '--network', 'none', '-p', '8080:80']);
    expect([pod.exitCode, pod.stderr]).toEqual([125, 'Error: PortMappings can only be used with Bridge or slirp4netns networking\n']);
    const podDns = await cli(['pod', 'create', '--network', 'none', '--dns', '1.1.1.1']);
    expect([podDns.exitCode, podDns.stderr]).toEqual([125, 'Error: conflicting options: dns and the network mode: none\n']);
    expect(await ok(['ps', '-aq'])).toHaveLength(13); // peer only
    expect(await ok(['pod', 'ps', '-q'])).toBe('');
  }, 120_000);

  it('accepts what podman accepts: --dns with host, aliases on every network, a,b as two networks; ports dropped with a plain warning, -P alone silently', async () => {
    const host = await cli(['run', '--rm', '--network', 'host', '--dns', '10.1.2.3', 'bb', 'grep', '-c', '10.1.2.3', '/etc/resolv.conf']);
    expect([host.exitCode, host.stdout]).toEqual([0, '1\n']);
    const warned = await cli(['run', '--rm', '--network', 'none', '-p', '8080:80', 'bb', 'true']);
    expect([warned.exitCode, warned.stderr]).toEqual([0, 'Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use\n']);
    const silent = await cli(['run', '--rm', '--network', 'none', '--expose', '80', '-P', 'bb', 'true']);
    expect([silent.exitCode, silent.stderr]).toEqual([0, '']);
    await ok(['create', '--name', 'both', '--network', 'pa,pb', '--network-alias', 'al', 'bb', 'true']);
    const nets = JSON.parse(await ok(['inspect', '--format', '{{json .NetworkSettings.Networks}}', 'both'])) as Record<string, { Aliases: string[] }>;
    expect(Object.keys(nets).sort()).toEqual(['pa', 'pb']);
    expect(nets.pa!.Aliases).toContain('al');
    expect(nets.pb!.Aliases).toContain('al');
    await ok(['rm', 'both']);
    // Comma lists: two servers, two hosts, two search domains, two exposed ports.
    await ok(['create', '--name', 'csv', '--dns', '10.1.2.3,10.1.2.4', '--add-host', 'a:10.0.0.1,b:10.0.0.2', '--dns-search', 'a.example,b.example', '--expose', '81,82/udp', 'bb', 'true']);
    expect(await ok(['inspect', '--format', '{{.HostConfig.Dns}} {{.HostConfig.ExtraHosts}} {{.HostConfig.DnsSearch}}', 'csv'])).toBe('[10.1.2.3 10.1.2.4] [a:10.0.0.1 b:10.0.0.2] [a.example b.example]\n');
    expect(JSON.parse(await ok(['inspect', '--format', '{{json .Config.ExposedPorts}}', 'csv']))).toEqual({ '81/tcp': {}, '82/udp': {} });
    await ok(['rm', 'csv']);
  }, 120_000);

  it("network subcommands' errors as podman's", async () => {
    const cases: Array<[string[], string]> = [
      [['network', 'connect', '--ip', '10.94.0.300', 'pa', 'peer'], 'invalid argument "10.94.0.300" for "--ip" flag: failed to parse IP: "10.94.0.300"\nSee \'tsc-run network connect --help\''],
      [['network', 'connect', '--mac-address', 'zz', 'pa', 'peer'], 'address zz: invalid MAC address'],
      [['network', 'create', '--opt', 'isolate=maybe', 'zz'], 'failed to parse isolate option: strconv.ParseBool: parsing "maybe": invalid syntax'],
      [['network', 'create', '--opt', 'mtu=abc', 'zz'], 'strconv.Atoi: parsing "abc": invalid syntax'],
      [['network', 'prune', '-f', '--filter', 'until=abc'], 'failed to parse value as time or duration: "abc"'],
      [['network', 'ls', '--filter', 'until=abc'], 'failed to parse value as time or duration: "abc"'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect({ args, exitCode: r.exitCode, stderr: r.stderr }).toEqual({ args, exitCode: 125, stderr: `Error: ${message}\n` });
    }
  }, 60_000);

  it("a pod's /etc/hosts lists a member at 127.0.0.1 while it runs, not after it exits (podman's etchosts.Add/Remove)", async () => {
    await ok(['pod', 'create', '--name', 'hp', '--infra-name', 'hp-infra']);
    const first = await ok(['run', '--pod', 'hp', '--name', 'con1', 'bb', 'cat', '/etc/hosts']);
    expect(first).toMatch(/\thp hp-infra\n/);
    expect(first).toMatch(/^127\.0\.0\.1\tcon1$/m);
    const second = await ok(['run', '--pod', 'hp', '--name', 'con2', 'bb', 'cat', '/etc/hosts']);
    expect(second).toMatch(/^127\.0\.0\.1\tcon2$/m);
    expect(second).not.toContain('con1');
    expect(second.split('\n')).toHaveLength(first.split('\n').length);
    // A running member sees another come and go.
    await ok(['run', '-d', '--pod', 'hp', '--name', 'stay', 'bb', 'sleep', '300']);
    await ok(['run', '-d', '--pod', 'hp', '--name', 'goer', 'bb', 'sleep', '300']);
    expect(await ok(['exec', 'stay', 'cat', '/etc/hosts'])).toMatch(/^127\.0\.0\.1\tgoer$/m);
    await ok(['stop', '-t', '0', 'goer']);
    expect(await ok(['exec', 'stay', 'cat', '/etc/hosts'])).not.toContain('goer');
    await ok(['start', 'goer']);
    expect(await ok(['exec', 'stay', 'cat', '/etc/hosts'])).toMatch(/^127\.0\.0\.1\tgoer$/m);
    // --rm: gone with the container.
    await ok(['run', '--rm', '--pod', 'hp', '--name', 'brief', 'bb', 'true']);
    expect(await ok(['exec', 'stay', 'cat', '/etc/hosts'])).not.toContain('brief');
    await ok(['pod', 'rm', '-f', '-t', '0', 'hp']);
  }, 180_000);
});
