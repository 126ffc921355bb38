// `network connect` / `disconnect` answers where they cannot act, as podman
// 4.3.1 gives them (each tried beside podman here: message and exit code):
// containers not on bridge networks (none, host, slirp4netns, pasta, ns:),
// a network the container is not on (two messages: other networks left, or
// none), a network it is on already (an error once started; a no-op for a
// container never started, as podman's Docker compat), and the record is
// left as it was.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

describe('network connect/disconnect refusals, as podman 4.3', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb, 90_000);
  beforeAll(async () => {
    sb = await busyboxSandbox('network-connect-modes', 'user');
    await ok(['network', 'create', '--subnet', '10.95.10.0/24', 'ca']);
    await ok(['network', 'create', '--subnet', '10.95.11.0/24', 'cb']);
  }, 120_000);
  afterAll(() => disposeSandbox(sb));

  const refused = async (args: string[], message: string) => {
    const r = await cli(args);
    expect([r.exitCode, r.stdout, r.stderr], args.join(' ')).toEqual([125, '', `Error: ${message}\n`]);
  };

  it('a container not on bridge networks: podman\'s "invalid network mode" (its mode named for slirp4netns and pasta only)', async () => {
    const modes: Array<[string, string]> = [
      ['none', '""'],
      ['host', '""'],
      ['slirp4netns', '"slirp4netns"'],
      ['pasta', '"pasta"'],
      ['ns:/proc/self/ns/net', '""'],
    ];
    for (const [mode, shown] of modes) {
      const name = `m-${mode.replace(/[^a-z0-9]/g, '')}`;
      await ok(['create', '--name', name, '--network', mode, 'bb', 'true']);
      await refused(['network', 'connect', 'ca', name], `${shown} is not supported: invalid network mode`);
      await refused(['network', 'disconnect', 'ca', name], `${shown} is not supported: invalid network mode`);
      expect(await ok(['inspect', '--format', '{{.HostConfig.NetworkMode}}', name])).not.toBe('bridge\n');
    }
    await refused(['network', 'connect', 'ca', 'nosuch'], 'no container with name or ID "nosuch" found: no such container');
    await refused(['network', 'connect', 'nonet', 'm-none'], 'unable to find network with name or ID nonet: network not found');
  });

  it('connected twice, disconnected twice: podman\'s messages; a never-started container takes the repeat as a no-op', async () => {
    const id = (await ok(['create', '--name', 'y', '--network', 'ca', 'bb', 'true'])).trim();
    // Never started: Docker compat, no error, its options ignored.
    expect(await ok(['network', 'connect', '--alias', 'foo', 'ca', 'y'])).toBe('');
    expect(await ok(['inspect', '--format', '{{json .NetworkSettings.Networks.ca.Aliases}}', 'y'])).toBe(`["${id.slice(0, 12)}"]\n`);
    await ok(['start', '-a', 'y']);
    await refused(['network', 'connect', 'ca', 'y'], `container ${id} is already connected to network "ca": network is already connected`);
    // Not on cb while on ca: podman's own check names the container as given.
    await refused(['network', 'disconnect', 'cb', 'y'], 'container y is not connected to network cb');
    expect(await ok(['network', 'disconnect', 'ca', 'y'])).toBe('');
    // On no network at all: podman's database answers.
    await refused(['network', 'disconnect', 'ca', 'y'], `container ${id} is not connected to CNI network "ca": network not found`);
    expect(await ok(['inspect', '--format', '{{len .NetworkSettings.Networks}}', 'y'])).toBe('0\n');
    expect(await ok(['network', 'connect', 'cb', 'y'])).toBe('');
    expect(await ok(['inspect', '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'y'])).toBe('cb \n');
  });
});
