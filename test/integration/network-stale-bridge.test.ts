// A removed network's bridge does not outlive it in the rootless netns (as
// the test user): while the namespace lives on (a container of another
// network holds it), a network made after one was removed takes the same
// bridge name (the lowest free podmanN) with another subnet; its containers
// still find each other by name with wget (libc's lookup through the DNS
// responder on the new gateway) and nslookup, and the removed network's
// subnet and iptables rules are gone from the namespace. Before, the old
// bridge stayed with the old gateway: the new network's gateway was no
// address of the namespace and every lookup failed ("bad address").

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

describe('a removed network\'s bridge (rootless netns lives on)', () => {
  let sb: Sandbox;
  const { ok } = sandboxCli(() => sb);
  const holderPid = (): number => (JSON.parse(fs.readFileSync(path.join(sb.runroot, 'networks', 'netns.json'), 'utf8')) as { pid: number }).pid;
  const bridgeOf = async (net: string): Promise<string> => (await ok(['network', 'inspect', '--format', '{{.NetworkInterface}}', net])).trim();

  beforeAll(async () => {
    sb = await busyboxSandbox('network-stale-bridge', 'user');
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('a network made later with the same bridge name resolves and reaches its peers', async () => {
    await ok(['network', 'create', 'keep']);
    await ok(['run', '-d', '--name', 'keeper', '--network', 'keep', 'bb', 'sleep', '1000']);
    const holder = holderPid();

    await ok(['network', 'create', '--subnet', '10.94.7.0/24', '--gateway', '10.94.7.254', 'gone']);
    await ok(['run', '--rm', '--network', 'gone', 'bb', 'true']);
    const oldBridge = await bridgeOf('gone');
    await ok(['network', 'rm', 'gone']);

    await ok(['network', 'create', 'fresh']);
    // The point of the test: the new network takes the removed one's bridge name.
    expect(await bridgeOf('fresh')).toBe(oldBridge);
    await ok(['run', '-d', '--name', 'front', '--network', 'fresh', 'bb', 'sh', '-c', 'mkdir /w && echo front > /w/i && exec httpd -f -p 80 -h /w']);
    await ok(['run', '-d', '--name', 'back', '--network', 'fresh', 'bb', 'sleep', '1000']);
    expect(holderPid()).toBe(holder);

    // libc's getaddrinfo (wget) and nslookup; the loop only waits for httpd to listen ("bad address" is final).
    const got = await ok(['exec', 'back', 'sh', '-c', 'nslookup front >/dev/null && echo ns-ok; for i in $(seq 100); do out=$(wget -qO- http://front/i 2>&1) && break; case "$out" in *"bad address"*) break;; esac; sleep 0.1; done; echo "$out"']);
    expect(got).toBe('ns-ok\nfront\n');

    // The namespace holds the new bridge only, with the new gateway; the old subnet's route and rules went with it.
    const root = `/proc/${holder}/net`;
    expect(fs.readFileSync(`${root}/route`, 'utf8')).not.toMatch(/\t00075E0A\t/); // 10.94.7.0
    const inspect = JSON.parse(await ok(['network', 'inspect', 'fresh'])) as Array<{ subnets: Array<{ gateway: string }> }>;
    const gw = inspect[0]!.subnets[0]!.gateway;
    expect(fs.readFileSync(`${root}/fib_trie`, 'utf8')).toContain(gw);
    expect(fs.readFileSync(`${root}/fib_trie`, 'utf8')).not.toContain('10.94.7.254');
  }, 120_000);
});
