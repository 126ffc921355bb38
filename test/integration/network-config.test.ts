// `network create/ls/inspect/rm/exists/prune` through the built CLI as the
// test user: netavark-format files in the store, podman's messages and exit
// codes, and concurrent creates never sharing a subnet, name or interface.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeStore, emptyStore, type Sandbox, sandboxCli } from '../harness/index.js';

describe('network configs (rootless)', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb, { quiet: true });
  const fails = async (args: string[], code: number, message: string) => {
    const r = await cli(args);
    expect(r.stderr, args.join(' ')).toBe(`Error: ${message}\n`);
    expect(r.exitCode, args.join(' ')).toBe(code);
  };

  beforeAll(async () => {
    sb = await emptyStore('network-config', 'user');
  });
  afterAll(async () => {
    await disposeStore(sb);
  });

  it('creates a netavark config file, lists and inspects it', async () => {
    expect(await ok(['network', 'create', '--label', 'tier=web', '-o', 'mtu=1400', 'front'])).toBe('front\n');
    const file = path.join(sb.root, 'networks', 'front.json');
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(onDisk).toMatchObject({
      name: 'front', driver: 'bridge', network_interface: 'podman1',
      subnets: [{ subnet: '10.89.0.0/24', gateway: '10.89.0.1' }],
      ipv6_enabled: false, internal: false, dns_enabled: true,
      labels: { tier: 'web' }, options: { mtu: '1400' }, ipam_options: { driver: 'host-local' },
    });
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^\{\n {5}"name": "front",/);
    const inspected = JSON.parse(await ok(['network', 'inspect', 'front']));
    expect(inspected).toEqual([onDisk]);
    expect(await ok(['network', 'inspect', onDisk.id.slice(0, 6), '--format', '{{.Name}} {{.NetworkInterface}} {{range .Subnets}}{{.Gateway}}{{end}} {{.DNSEnabled}}'])).toBe('front podman1 10.89.0.1 true\n');
    expect(await ok(['network', 'ls'])).toBe(
      `NETWORK ID    NAME        DRIVER\n${onDisk.id.slice(0, 12)}  front       bridge\n2f259bab93aa  podman      bridge\n`,
    );
    expect(await ok(['network', 'ls', '-q', '--filter', 'label=tier=web'])).toBe('front\n');
    expect(await ok(['network', 'ls', '--no-trunc', '--format', '{{.ID}} {{.Labels}}', '--filter', 'name=fr'])).toBe(`${onDisk.id} tier=web\n`);
    const json = JSON.parse(await ok(['network', 'ls', '--format', 'json']));
    expect(json.map((n: { name: string }) => n.name)).toEqual(['front', 'podman']);
    expect(await cli(['network', 'exists', 'front'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(await cli(['network', 'exists', 'nope'])).toMatchObject({ exitCode: 1, stdout: '', stderr: '' });
  });

  it("refuses with podman's messages and leaves nothing behind", async () => {
    const before = fs.readdirSync(path.join(sb.root, 'networks')).sort();
    await fails(['network', 'create', 'front'], 125, 'network name front already used: network already exists');
    expect(await ok(['network', 'create', '--ignore', 'front'])).toBe('front\n');
    await fails(['network', 'create', '--subnet', '10.89.0.0/25', 'x'], 125, 'subnet 10.89.0.0/25 is already used on the host or by another config');
    await fails(['network', 'create', '--subnet', '10.99.0.0/24', '--gateway', '10.98.0.1', 'x'], 125, 'gateway 10.98.0.1 not in subnet 10.99.0.0/24');
    await fails(['network', 'create', 'bad/name'], 125, 'network name bad/name invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument');
    await fails(['network', 'create', 'host'], 125, 'cannot create network with name "host" because it conflicts with a valid network mode');
    await fails(['network', 'create', '-o', 'foo=1', 'x'], 125, 'unsupported bridge network option foo');
    await fails(['network', 'rm', 'nope'], 1, 'unable to find network with name or ID nope: network not found');
    await fails(['network', 'rm', 'podman'], 125, 'default network podman cannot be removed');
    await fails(['network', 'inspect', 'nope'], 125, 'inspecting object: network nope: unable to find network with name or ID nope: network not found');
    expect(fs.readdirSync(path.join(sb.root, 'networks')).sort()).toEqual(before);
  });

  it('concurrent creates get distinct subnets and interfaces; rm and prune remove them', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `c${i}`);
    const results = await Promise.all(names.map((n) => cli(['network', 'create', n])));
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    // Unnamed ones race too: each gets its own podmanN.
    const anon = await Promise.all([0, 1, 2].map(() => cli(['network', 'create'])));
    for (const r of anon) expect(r.exitCode, r.stderr).toBe(0);
    const all = JSON.parse(await ok(['network', 'ls', '--format', 'json'])) as Array<{ name: string; network_interface: string; subnets: Array<{ subnet: string }> }>;
    const subnets = all.map((n) => n.subnets[0]!.subnet);
    expect(new Set(subnets).size).toBe(all.length);
    expect(new Set(all.map((n) => n.network_interface)).size).toBe(all.length);
    expect(new Set(anon.map((r) => r.stdout)).size).toBe(3);
    expect(await ok(['network', 'rm', 'c0', 'c1'])).toBe('c0\nc1\n');
    const eof = await cli(['network', 'prune'], { input: '' });
    expect([eof.exitCode, eof.stderr]).toEqual([125, 'Error: EOF\n']);
    const pruned = (await ok(['network', 'prune', '-f'])).split('\n').filter(Boolean).sort();
    expect(pruned).toContain('front');
    expect(pruned).not.toContain('podman');
    expect(await ok(['network', 'ls', '-q'])).toBe('podman\n');
  });
});
