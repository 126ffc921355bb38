// A bridge address freed by rm is given to the next container at once (as
// netavark's IPAM does); its published port must answer right away, as in
// podman's 500-networking.bats "connect/disconnect with port forwarding"
// (curl --max-time 3 right after run -d). The rootless netns kept its
// neighbour entry for the address (the removed container's MAC) and the
// forwarder's connection went nowhere for about half a minute. And a
// container its monitor restarts (--restart always, after kill -9) keeps
// its published port (bats 500 "network after restart"). As the test user.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

/** GET with a total deadline (retried while httpd starts: a refused or reset connection). */
async function getWithin(url: string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await (await fetch(url, { signal: AbortSignal.timeout(Math.max(100, deadline - Date.now())) })).text();
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`GET ${url}: no answer within ${ms} ms (${String(last)})`);
}

describe('a reused bridge address', () => {
  let sb: Sandbox;
  const { ok } = sandboxCli(() => sb);

  beforeAll(async () => {
    sb = await busyboxSandbox('network-address-reuse', 'user');
    await ok(['network', 'create', 'reuse']);
    // Keeps the rootless netns (and its neighbour table) alive between the containers.
    await ok(['run', '-d', '--name', 'keeper', '--network', 'reuse', 'bb', 'sleep', '1000']);
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('the next container on the same address answers on its published port at once', async () => {
    const port = await freePort();
    const ips: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = (await ok(['run', '-d', '-p', `127.0.0.1:${port}:80`, '--network', 'reuse', 'bb', 'sh', '-c', `mkdir /w && echo run${i} > /w/i && exec httpd -f -p 80 -h /w`])).trim();
      ips.push((await ok(['inspect', '--format', '{{.NetworkSettings.Networks.reuse.IPAddress}}', id])).trim());
      expect(await getWithin(`http://127.0.0.1:${port}/i`, 8000)).toBe(`run${i}\n`);
      await ok(['rm', '-f', '-t', '0', id]);
    }
    // The point of the test: the same address each time.
    expect(new Set(ips).size).toBe(1);
  }, 120_000);

  it('--restart always: the published port answers after each restart its monitor makes (kill -9)', async () => {
    const port = await freePort();
    const id = (await ok(['run', '-d', '--restart', 'always', '-p', `127.0.0.1:${port}:80`, '--network', 'reuse', 'bb', 'sh', '-c', 'mkdir -p /w && echo up > /w/i && exec httpd -f -p 80 -h /w'])).trim();
    const pidOf = async () => Number((await ok(['inspect', '--format', '{{.State.Pid}}', id])).trim());
    expect(await getWithin(`http://127.0.0.1:${port}/i`, 8000)).toBe('up\n');
    for (let i = 0; i < 3; i++) {
      const old = await pidOf();
      process.kill(old, 'SIGKILL');
      const deadline = Date.now() + 20_000;
      for (let p = old; p === old || p === 0; p = await pidOf()) {
        if (Date.now() > deadline) throw new Error('the container was not restarted');
        await new Promise((r) => setTimeout(r, 100));
      }
      // The forwarder outlived the process its monitor restarted (it went with it at random before).
      expect(await getWithin(`http://127.0.0.1:${port}/i`, 8000)).toBe('up\n');
    }
    await ok(['rm', '-f', '-t', '0', id]);
  }, 120_000);
});
