// `unshare --rootless-netns`: the command runs in the rootless network
// namespace of bridge networks (the holder's), as uid 0 of its user
// namespace, as podman 4.3's does; the holder is started when none runs and
// kept while the command runs (past its idle exit). Root has none.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

describe('unshare --rootless-netns (user)', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb, 90_000);
  beforeAll(async () => {
    sb = await busyboxSandbox('userns-unshare', 'user');
    await ok(['network', 'create', '--subnet', '10.91.7.0/24', 'urn']);
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('sees the bridges and their addresses as uid 0, with podman\'s variables; the holder outlives its idle time meanwhile', async () => {
    const bridge = (await ok(['network', 'inspect', '--format', '{{.NetworkInterface}}', 'urn'])).trim();
    // A container starts the bridge; after it is gone the holder would leave 10 s later.
    await ok(['run', '--rm', '--network', 'urn', 'bb', 'true']);
    const out = await ok(['unshare', '--rootless-netns', 'sh', '-c', 'id -u; echo "$_CONTAINERS_USERNS_CONFIGURED"; sleep 13; ip -o -4 addr show']);
    const lines = out.split('\n');
    expect(lines.slice(0, 2)).toEqual(['0', 'done']);
    expect(out).toMatch(new RegExp(`\\d+: ${bridge}\\s+inet 10\\.91\\.7\\.1/24`));
    // Not the host's namespace: the bridge is not there.
    expect((await ok(['unshare', 'ip', '-o', 'link'])).includes(`${bridge}:`)).toBe(false);
  }, 120_000);

  it('a command that does not exist: podman\'s message and 127', async () => {
    const r = await cli(['unshare', '--rootless-netns', 'no-such-cmd']);
    expect([r.exitCode, r.stderr]).toEqual([127, 'Error: exec: "no-such-cmd": executable file not found in $PATH\n']);
    const code = await cli(['unshare', '--rootless-netns', 'sh', '-c', 'exit 7']);
    expect(code.exitCode).toBe(7);
  }, 60_000);
});

describe('unshare --rootless-netns (root)', () => {
  let sb: Sandbox;
  const { cli } = sandboxCli(() => sb);
  beforeAll(async () => {
    sb = await busyboxSandbox('userns-unshare-root', 'root');
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('is refused: bridges are the host\'s', async () => {
    const r = await cli(['unshare', '--rootless-netns', 'true']);
    expect([r.exitCode, r.stderr]).toEqual([125, "Error: --rootless-netns: there is no rootless network namespace as root (bridge networks are the host's)\n"]);
  });
});
