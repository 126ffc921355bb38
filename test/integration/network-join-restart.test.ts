// A container on a bridge network that another joined (--network
// container:X) starts again after a stop: the joiner keeps X's old network
// namespace, and with it the old veth pair, whose name the new start needs.
// Found by compose (network_mode: service:X); podman restarts X here too.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

let sb: Sandbox;
const { cli, ok } = sandboxCli(() => sb, 90_000);
beforeAll(async () => {
  sb = await busyboxSandbox('net-join-restart', 'user');
}, 180_000);
afterAll(async () => {
  await cli(['rm', '-f', '-t', '0', 'joiner', 'donor']);
  await cli(['network', 'rm', 'jr']);
  await disposeSandbox(sb);
});

describe('a bridge container another joined', () => {
  it('restarts, and stops then starts, with a fresh address on the network', async () => {
    await ok(['network', 'create', 'jr']);
    await ok(['run', '-d', '--name', 'donor', '--network', 'jr', 'bb', 'sleep', '1000']);
    await ok(['run', '-d', '--name', 'joiner', '--network', 'container:donor', 'bb', 'sleep', '1000']);
    await ok(['restart', '-t', '0', 'donor']);
    expect(await ok(['exec', 'donor', 'ip', '-o', '-4', 'addr', 'show', 'eth0'])).toMatch(/inet 10\.\d+\.\d+\.\d+\/24/);
    await ok(['stop', '-t', '0', 'donor']);
    await ok(['start', 'donor']);
    expect(await ok(['inspect', '--format', '{{.State.Status}}', 'donor'])).toBe('running\n');
    expect(await ok(['exec', 'donor', 'ip', '-o', '-4', 'addr', 'show', 'eth0'])).toMatch(/inet 10\./);
  });
});
