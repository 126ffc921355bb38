// kill -9 of the monitor of a container on a bridge network, as the test
// user: the container's process dies with it at once (as on pasta), the
// ports it published are free again and its name stops resolving within
// seconds: the forwarder and the DNS responder watch the container's
// process, not only its veth, which lingers while the kernel tears the dead
// network namespace down (tens of seconds on a busy host). Three rounds,
// since that lag comes and goes with the load.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidRunning } from '../harness/host-procs.js';
import { freePort, tscRun, type Sandbox, sandboxCli } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, readRecord, sleep } from './run-util.js';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Gone, or a zombie (dead, not yet reaped by whoever inherited it). */
const dead = (pid: number): boolean => !pidRunning(pid);

async function msUntil(fn: () => boolean | Promise<boolean>, limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > limitMs) return Infinity;
    await sleep(50);
  }
  return Date.now() - t0;
}

describe('kill -9 of a bridge container\'s monitor', () => {
  let sb: Sandbox;
  const { ok } = sandboxCli(() => sb);
  beforeAll(async () => {
    sb = await busyboxSandbox('network-monitor-kill', 'user');
    await ok(['network', 'create', '--subnet', '10.97.8.0/24', 'mk']);
    await ok(['run', '-d', '--name', 'peer', '--network', 'mk', 'bb', 'sleep', '600']);
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('takes the container, its published ports and its name with it, promptly', async () => {
    for (let round = 0; round < 3; round++) {
      const port = await freePort();
      const name = `victim${round}`;
      const id = (await ok(['run', '-d', '--name', name, '--network', 'mk', '-p', `127.0.0.1:${port}:80`, 'bb', 'httpd', '-f', '-p', '80'])).trim();
      const resolves = async () => /Name:[\s\S]*Address: 10\.97\.8\./.test((await tscRun(['exec', 'peer', 'nslookup', name], { sandbox: sb, timeoutMs: 30_000 })).stdout);
      expect(await resolves()).toBe(true);
      const rec = readRecord(sb, id);
      const monitor = rec.state.monitor!.pid;
      const pid = rec.state.pid!;
      expect(await portFree(port)).toBe(false);
      process.kill(monitor, 'SIGKILL');
      const ctrMs = await msUntil(() => dead(pid), 10_000);
      const portMs = await msUntil(() => portFree(port), 40_000);
      const dnsMs = await msUntil(async () => !(await resolves()), 40_000);
      expect(ctrMs, `round ${round}: the container's process outlived its monitor`).toBeLessThan(3000);
      expect(portMs, `round ${round}: the published port stayed bound`).toBeLessThan(5000);
      expect(dnsMs, `round ${round}: the name still resolved`).toBeLessThan(5000);
      await ok(['rm', '-f', '-t', '0', id]);
    }
  }, 240_000);
});
