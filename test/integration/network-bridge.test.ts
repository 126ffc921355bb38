// Bridge networks end to end as the test user: containers on one network
// reach each other by name and alias (wget over the bridge), a container on
// another network cannot, an internal network has no route out, outbound
// names resolve through the rootless netns's pasta, two containers both
// listen on port 80, and the rootless netns holder (and its pasta) exit by
// themselves once no container is attached.

import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runrootPid } from '../harness/host-procs.js';
import { type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

describe('bridge networks (rootless)', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const holderPid = () => runrootPid(sb, 'networks/netns.json');
  const alive = (pid: number): boolean => fs.existsSync(`/proc/${pid}`);
  /** An HTTP GET with nc (busybox wget crashes on some failures, which would pass for isolation). */
  const get = (host: string) => `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} 80 | tail -n 1`;

  beforeAll(async () => {
    sb = await busyboxSandbox('network-bridge', 'user');
    await ok(['network', 'create', '--subnet', '10.93.0.0/24', 'front']);
    await ok(['network', 'create', '--subnet', '10.93.1.0/24', 'back']);
    await ok(['network', 'create', '--internal', '--subnet', '10.93.2.0/24', 'sealed']);
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('names, aliases, two servers on port 80, isolation, internal, outbound', async () => {
    await ok(['run', '-d', '--name', 'web1', '--network', 'front', '--network-alias', 'www', 'bb', 'sh', '-c', 'mkdir /w && echo one > /w/index.html && exec httpd -f -p 80 -h /w']);
    await ok(['run', '-d', '--name', 'web2', '--network', 'front:alias=api,ip=10.93.0.50', 'bb', 'sh', '-c', 'mkdir /w && echo two > /w/index.html && exec httpd -f -p 80 -h /w']);
    const got = await ok(['run', '--rm', '--network', 'front', 'bb', 'sh', '-c', `${get('web1')}; ${get('www')}; wget -qO- http://web2/; ${get('api')}; ip -4 -o addr show eth0`]);
    expect(got).toMatch(/^one\none\ntwo\ntwo\n\d+: eth0 +inet 10\.93\.0\.\d+\/24/);
    // The first container finds the second, started after it, through the DNS responder; as podman 4.3, no peer is in /etc/hosts.
    expect(await ok(['exec', 'web1', 'sh', '-c', get('web2')])).toBe('two\n');
    expect(await ok(['exec', 'web2', 'ip', '-4', '-o', 'addr', 'show', 'eth0'])).toContain('inet 10.93.0.50/24');
    const [insp] = JSON.parse(await ok(['inspect', 'web2'])) as Array<{ Id: string; NetworkSettings: { Networks: Record<string, { IPAddress: string; IPPrefixLen: number; Gateway: string; Aliases: string[]; NetworkID: string }> } }>;
    expect(insp!.NetworkSettings.Networks).toEqual({
      front: expect.objectContaining({ IPAddress: '10.93.0.50', IPPrefixLen: 24, Gateway: '10.93.0.1', NetworkID: 'front', Aliases: [insp!.Id.slice(0, 12), 'api'] }),
    });
    // Another network: no route between the bridges.
    const other = await cli(['run', '--rm', '--network', 'back', 'bb', 'sh', '-c', `${get('10.93.0.50')}; echo done`]);
    expect(other.stdout).toBe('done\n');
    // Internal: no default route; but its peers are there.
    expect(await ok(['run', '--rm', '--network', 'sealed', 'bb', 'ip', 'route'])).not.toContain('default');
    // Outbound: the host's resolvers through pasta.
    const resolv = fs.readFileSync('/etc/resolv.conf', 'utf8');
    if (/^nameserver\s/m.test(resolv)) {
      const host = 'deb.debian.org';
      const r = await cli(['run', '--rm', '--network', 'front', 'bb', 'nslookup', host]);
      expect(r.stdout, r.stderr).toContain('Address');
    }
    // Two networks: eth0 and eth1, the default route through the first.
    const two = await ok(['run', '--rm', '--network', 'back', '--network', 'sealed', 'bb', 'sh', '-c', 'ip -4 -o addr; ip route']);
    expect(two).toMatch(/eth0 +inet 10\.93\.1\.\d+/);
    expect(two).toMatch(/eth1 +inet 10\.93\.2\.\d+/);
    expect(two).toContain('default via 10.93.1.1 dev eth0');
  }, 180_000);

  it('connect and disconnect a running container change what it reaches and who knows its name', async () => {
    await ok(['run', '-d', '--name', 'client', '--network', 'back', 'bb', 'sleep', '300']);
    expect(await ok(['exec', 'client', 'sh', '-c', `${get('10.93.0.50')}; echo done`])).toBe('done\n');
    expect(await ok(['network', 'connect', '--alias', 'cli', 'front', 'client'])).toBe('');
    expect(await ok(['exec', 'client', 'sh', '-c', `${get('web2')}; ${get('10.93.0.50')}`])).toBe('two\ntwo\n');
    expect(await ok(['exec', 'web1', 'cat', '/etc/hosts'])).not.toMatch(/client|web2/);
    // Its own /etc/hosts gains its address on the new network (podman's etchosts.Add), with its hostname and name.
    const frontIp = (await ok(['inspect', '--format', '{{(index .NetworkSettings.Networks "front").IPAddress}}', 'client'])).trim();
    expect(await ok(['exec', 'client', 'cat', '/etc/hosts'])).toMatch(new RegExp(`^${frontIp.replace(/\./g, '\\.')}\t[0-9a-f]{12} client$`, 'm'));
    const again = await cli(['network', 'connect', 'front', 'client']);
    expect(again.stderr).toMatch(/^Error: container [0-9a-f]{64} is already connected to network "front": network is already connected\n$/);
    expect(await ok(['network', 'disconnect', 'front', 'client'])).toBe('');
    expect(await ok(['exec', 'client', 'sh', '-c', `ip -o link show eth1 2>&1 | wc -l; ${get('10.93.0.50')}; echo done`])).toMatch(/done\n$/);
    expect(await ok(['exec', 'client', 'ip', '-o', 'link'])).not.toContain('eth1');
    // ... and loses it on disconnect, keeping its address on back.
    const hostsAfter = await ok(['exec', 'client', 'cat', '/etc/hosts']);
    expect(hostsAfter).not.toContain(`${frontIp}\t`);
    expect(hostsAfter).toMatch(/^10\.93\.1\.\d+\t[0-9a-f]{12} client$/m);
    // A stopped container: only its record changes; the next start attaches it.
    await ok(['stop', '-t', '0', 'client']);
    await ok(['network', 'connect', 'front', 'client']);
    await ok(['start', 'client']);
    expect(await ok(['exec', 'client', 'sh', '-c', get('web1')])).toBe('one\n');
    await ok(['rm', '-f', '-t', '0', 'client']);
    // Nothing lost: reload has nothing to do but says so.
    const [w] = JSON.parse(await ok(['inspect', 'web1'])) as Array<{ Id: string }>;
    expect(await ok(['network', 'reload', 'web1'])).toBe(`${w!.Id}\n`);
  }, 120_000);

  it('refuses what it cannot do, with the reason', async () => {
    const missing = await cli(['run', '--rm', '--network', 'nope', 'bb', 'true']);
    expect([missing.exitCode, missing.stderr]).toEqual([125, 'Error: unable to find network with name or ID nope: network not found\n']);
    const outside = await cli(['run', '--rm', '--network', 'front:ip=10.1.2.3', 'bb', 'true']);
    expect(outside.stderr).toBe('Error: requested static ip 10.1.2.3 not in any subnet on network front\n');
    const ipHost = await cli(['run', '--rm', '--network', 'host', '--ip', '10.93.0.9', 'bb', 'true']);
    expect(ipHost.stderr).toBe('Error: --ip can only be set when the network mode is bridge: invalid argument\n');
    const inUse = await cli(['network', 'rm', 'front']);
    expect([inUse.exitCode, inUse.stderr]).toEqual([2, 'Error: "front" has associated containers with it. Use -f to forcibly delete containers and pods: network is being used\n']);
  }, 60_000);

  it('kill -9 of the holder or of a monitor leaves nothing behind; the next start makes a new namespace', async () => {
    await ok(['run', '-d', '--name', 'victim', '--network', 'back', 'bb', 'sleep', '300']);
    const pid = holderPid()!;
    const pastaPid = Number(fs.readFileSync(path.join(sb.runroot, 'networks', 'pasta.pid'), 'utf8').trim());
    expect(alive(pastaPid)).toBe(true);
    process.kill(pid, 'SIGKILL');
    const until = Date.now() + 10_000;
    while ((alive(pid) || alive(pastaPid)) && Date.now() < until) await sleep(100);
    expect([alive(pid), alive(pastaPid)]).toEqual([false, false]);
    // The next start on a network: a new holder (the running containers of the old one have lost their network).
    expect(await ok(['run', '--rm', '--network', 'front', 'bb', 'ip', '-4', '-o', 'addr', 'show', 'eth0'])).toMatch(/inet 10\.93\.0\.\d+\/24/);
    expect(holderPid()).not.toBe(pid);
    // A monitor killed: its container dies with it, and so does its veth.
    const [rec] = JSON.parse(await ok(['inspect', 'web2'])) as Array<{ Id: string }>;
    const state = JSON.parse(fs.readFileSync(path.join(sb.root, 'containers', rec!.Id, 'container.json'), 'utf8')) as { state: { monitor?: { pid: number }; pid?: number } };
    const monitor = state.state.monitor?.pid;
    expect(monitor).toBeDefined();
    process.kill(monitor!, 'SIGKILL');
    const until2 = Date.now() + 10_000;
    while (alive(state.state.pid!) && Date.now() < until2) await sleep(100);
    expect(alive(state.state.pid!)).toBe(false);
    await ok(['rm', '-f', '-t', '0', 'victim']);
  }, 90_000);

  it('network rm -f removes its containers; the holder and pasta exit once idle', async () => {
    const pid = holderPid();
    expect(pid).toBeDefined();
    expect(await ok(['network', 'rm', '-f', '-t', '0', 'front'])).toBe('front\n');
    expect(await ok(['ps', '-a', '--format', '{{.Names}}'])).toBe('');
    const deadline = Date.now() + 30_000;
    while (alive(pid!) && Date.now() < deadline) await sleep(500);
    expect(alive(pid!)).toBe(false);
  }, 90_000);
});

describe('bridge networks (root)', () => {
  let sb: Sandbox;
  const { ok } = sandboxCli(() => sb);
  beforeAll(async () => {
    sb = await busyboxSandbox('network-bridge-root', 'root');
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('the same namespace design without a user namespace: names, isolation', async () => {
    await ok(['network', 'create', '--subnet', '10.94.0.0/24', 'rnet']);
    await ok(['network', 'create', '--subnet', '10.94.1.0/24', 'rother']);
    await ok(['run', '-d', '--name', 'rs', '--network', 'rnet', 'bb', 'sh', '-c', 'mkdir /w && echo root-ok > /w/index.html && exec httpd -f -p 80 -h /w']);
    const get = (host: string) => `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} 80 | tail -n 1; echo done`;
    expect(await ok(['run', '--rm', '--network', 'rnet', 'bb', 'sh', '-c', get('rs')])).toBe('root-ok\ndone\n');
    const ip = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.rnet.IPAddress}}', 'rs'])).trim();
    expect(ip).toMatch(/^10\.94\.0\.\d+$/);
    expect(await ok(['run', '--rm', '--network', 'rother', 'bb', 'sh', '-c', get(ip)])).toBe('done\n');
    await ok(['rm', '-f', '-t', '0', 'rs']);
  }, 120_000);
});
