// Differences from podman 4.3 that its own system tests (255-auto-update,
// 220-healthcheck, 450-interactive) found, each checked here as the test user: the
// io.containers.autoupdate label's image check at create, and a
// healthcheck's log Output as podman keeps it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

describe('podman 4.3 system-test differences', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb, 120_000);
  beforeAll(async () => {
    sb = await busyboxSandbox('parity-bats', 'user');
    await ok(['tag', 'bb', 'example.org/libpod/bb:1']);
  });
  afterAll(() => disposeSandbox(sb));

  it('autoupdate=registry needs a fully-qualified docker reference (libpod container_validate)', async () => {
    const label = ['--label', 'io.containers.autoupdate=registry'];
    const id = (await ok(['create', ...label, 'example.org/libpod/bb:1', 'true'])).trim();
    await ok(['rm', id]);
    for (const policy of ['registry', 'image']) {
      const r = await cli(['create', '--label', `io.containers.autoupdate=${policy}`, 'bb', 'true']);
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([125, '', 'Error: short name: auto updates require fully-qualified image reference: "bb"\n']);
    }
    const archive = sb.file('bb.tar', '');
    await ok(['save', '-o', archive, 'bb']);
    const a = await cli(['create', ...label, `docker-archive:${archive}`, 'true']);
    expect(a.exitCode).toBe(125);
    expect(a.stderr).toMatch(/^Error: auto updates require the docker image transport but image is of transport "docker-archive"\n$/m);
    // Other policies (local, disabled, anything) are auto-update's business, not create's.
    for (const policy of ['local', 'disabled', 'fakevalue']) await ok(['create', '--label', `io.containers.autoupdate=${policy}`, 'bb', 'true']);
    // Nothing was created by the refused ones.
    expect((await ok(['ps', '-a', '--filter', 'label=io.containers.autoupdate=registry', '-q'])).trim()).toBe('');
    await ok(['rm', '-a', '-f']);
  });

  it('run -it with an input that is no terminal: podman\'s warning, and it runs (450-interactive)', async () => {
    const tty = await cli(['run', '--rm', '--tty', '-i', 'bb', 'echo', 'hello']);
    expect(tty.exitCode).toBe(0);
    expect(tty.stdout).toBe('hello\r\n');
    expect(tty.stderr).toMatch(/^(?:WARN\[\d{4}\]|time="[^"]+" level=warning msg=")The input device is not a TTY\. The --tty and --interactive flags might not work properly"?\n$/);
    for (const flags of [['--tty=false', '-i'], ['--tty', '-i=false']]) {
      const r = await cli(['run', '--rm', ...flags, 'bb', 'echo', 'hello']);
      expect([r.exitCode, r.stderr], flags.join(' ')).toEqual([0, '']);
    }
  });

  it('a healthcheck\'s logged Output: its lines without the trailing newline', async () => {
    await ok(['run', '-d', '--name', 'hc', '--health-cmd', 'echo one; echo two >&2', '--health-interval', '1h', 'bb', 'sleep', '1000']);
    await ok(['healthcheck', 'run', 'hc']);
    const log = JSON.parse(await ok(['inspect', '--format', '{{json .State.Healthcheck.Log}}', 'hc'])) as Array<{ Output: string }>;
    expect(log.at(-1)!.Output).toBe('one\ntwo');
    await ok(['rm', '-f', '-t', '0', 'hc']);
  });
});
