// --network container:X as podman 4.3 (checked side by side): the joiner's
// /etc/hosts and /etc/resolv.conf are X's files themselves (an edit in one
// is seen in the other; inspect's HostsPath/ResolvConfPath name X's, also
// through a chain k -> j -> x), X's hosts lists the joiner at 127.0.0.1
// (its hostname and name) while it runs, the joiner keeps its own hostname,
// and --no-hosts keeps X's file out. As the test user.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

describe('--network container:X shares X\'s /etc files', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const hostsOfX = () => ok(['exec', 'x', 'cat', '/etc/hosts']);

  beforeAll(async () => {
    sb = await busyboxSandbox('network-container-files', 'user');
    await ok(['run', '-d', '--name', 'x', '--hostname', 'xhost', 'bb', 'sleep', '1000']);
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('binds X\'s hosts and resolv.conf, lists the joiner while it runs, inspect names X\'s files', async () => {
    await ok(['run', '-d', '--name', 'j', '--network', 'container:x', 'bb', 'sleep', '1000']);
    const jHost = (await ok(['exec', 'j', 'hostname'])).trim();
    expect(jHost).not.toBe('xhost');
    expect(await hostsOfX()).toContain(`127.0.0.1\t${jHost} j\n`);

    // One file: what the joiner writes, X reads (and the other way).
    await ok(['exec', 'j', 'sh', '-c', 'echo "10.9.9.9 from-j" >> /etc/hosts']);
    expect(await hostsOfX()).toContain('10.9.9.9 from-j\n');
    await ok(['exec', 'x', 'sh', '-c', 'echo "options ndots:3" >> /etc/resolv.conf']);
    expect(await ok(['exec', 'j', 'cat', '/etc/resolv.conf'])).toContain('options ndots:3');

    const paths = async (n: string) => (await ok(['inspect', '--format', '{{.HostsPath}} {{.ResolvConfPath}}', n])).trim();
    const xPaths = await paths('x');
    expect(xPaths).toMatch(/\/hosts \S+\/resolv\.conf$/);
    expect(await paths('j')).toBe(xPaths);
    await ok(['run', '-d', '--name', 'k', '--network', 'container:j', 'bb', 'sleep', '1000']);
    expect(await paths('k')).toBe(xPaths);
    expect(await ok(['exec', 'k', 'cat', '/etc/hosts'])).toContain('10.9.9.9 from-j\n');

    // Its exit takes its line out (rm -f, and a foreground --rm run).
    await ok(['rm', '-f', '-t', '0', 'k', 'j']);
    expect(await hostsOfX()).not.toMatch(/ j\n/);
    const fg = await ok(['run', '--rm', '--name', 'fg', '--network', 'container:x', 'bb', 'sh', '-c', 'grep -c " fg$" /etc/hosts']);
    expect(fg).toBe('1\n');
    expect(await hostsOfX()).not.toMatch(/ fg\n/);
  }, 120_000);

  it('--no-hosts: the joiner does not get X\'s hosts file, nor is it listed there', async () => {
    const r = await cli(['run', '--rm', '--name', 'nh', '--no-hosts', '--network', 'container:x', 'bb', 'sh', '-c', 'cat /etc/hosts; true']);
    expect(r.stdout).not.toContain('xhost');
    expect(await hostsOfX()).not.toContain(' nh');
  }, 60_000);
});
