// When a pasta container exits, the monitor reports the exit before pasta
// has finished dying only when pasta holds no host port (its namespaces'
// teardown then overlaps the caller's work, helpers/src/network.c
// net_ended); with -p the port is free before the exit is reported, so the
// same port can be published again at once. Either way nothing is left
// behind: pasta and the monitor are gone soon after. As the test user.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childrenOf, procStart, sameProcessRunning } from '../harness/host-procs.js';
import { freePort, tscRun, type Sandbox, sandboxCli } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, readRecord, sleep } from './run-util.js';

/** Live pasta processes whose parent is pid. */
const pastaChildren = (pid: number): number[] => childrenOf(pid, (n) => n.endsWith('pasta')).map((c) => c.pid);
const alive = sameProcessRunning;

async function within(ms: number, fn: () => boolean): Promise<boolean> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) return false;
    await sleep(50);
  }
  return true;
}

describe('pasta at a container\'s exit', () => {
  let sb: Sandbox;
  const { ok } = sandboxCli(() => sb);
  beforeAll(async () => {
    sb = await busyboxSandbox('pasta-exit-order', 'user');
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('without ports: stop returns, then pasta and the monitor go (nothing lingers)', async () => {
    const id = (await ok(['run', '-d', 'bb', 'sleep', '600'])).trim();
    const mon = readRecord(sb, id).state.monitor!;
    const pasta = pastaChildren(mon.pid);
    expect(pasta, 'the monitor runs pasta').toHaveLength(1);
    const pastaStart = procStart(pasta[0]!)!;
    await ok(['stop', '-t', '0', id]);
    expect(readRecord(sb, id).state.status).toBe('exited');
    expect(await within(10_000, () => !alive(pasta[0]!, pastaStart)), 'pasta gone').toBe(true);
    expect(await within(10_000, () => !alive(mon.pid, mon.startTime)), 'monitor gone').toBe(true);
    await ok(['rm', id]);
    // run --rm: the exit code comes through, and the container is gone.
    const r = await tscRun(['run', '--rm', '--name', 'quick', 'bb', 'sh', '-c', 'exit 7'], { sandbox: sb, timeoutMs: 60_000 });
    expect(r.exitCode).toBe(7);
    expect((await ok(['ps', '-a', '--format', '{{.Names}}'])).split('\n')).not.toContain('quick');
  });

  it('with -p: the port is free when the exit is reported, so it can be published again at once', async () => {
    const port = await freePort();
    for (let round = 0; round < 3; round++) {
      const r = await tscRun(['run', '--rm', '-p', `127.0.0.1:${port}:80`, 'bb', 'true'], { sandbox: sb, timeoutMs: 60_000 });
      expect(r.exitCode, `round ${round}: ${r.stderr}`).toBe(0);
    }
    const id = (await ok(['run', '-d', '-p', `127.0.0.1:${port}:80`, 'bb', 'sleep', '600'])).trim();
    await ok(['stop', '-t', '0', id]);
    await ok(['start', id]);
    await ok(['rm', '-f', '-t', '0', id]);
  });
});
