// The init flags of run/create: --init-path (that binary, bound at
// /run/podman-init, is PID 1 as podman's catatonit), --systemd (true detects
// a systemd/init command; systemd mode itself is refused with the reason).
// Messages and exit codes as podman 4.3 where podman has them.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

function suite(as: As) {
  let sb: Sandbox;
  let init: string;
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 60_000 });
  const out = async (args: string[]) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(0);
    return r;
  };
  const fails = async (args: string[], message: string) => {
    const r = await run(args);
    expect([r.exitCode, r.stderr]).toEqual([125, `Error: ${message}\n`]);
  };

  beforeAll(async () => {
    sb = await busyboxSandbox(`systemd-mode-${as}`, as);
    // An "init" the container can run: a script for the image's /bin/sh that says how it was called.
    init = path.join(sb.dir, 'my-init');
    fs.writeFileSync(init, '#!/bin/sh\necho "init pid $$: $*" >&2\nshift\nexec "$@"\n', { mode: 0o755 });
    sb.chown(init);
  });
  afterAll(() => disposeSandbox(sb));

  it('--init --init-path: that binary is PID 1, called as /run/podman-init -- CMD', async () => {
    const r = await out(['run', '--rm', '--init', '--init-path', init, 'bb', 'sh', '-c', 'echo $$; stat -c %a /run/podman-init']);
    expect(r.stderr).toBe('init pid 1: -- sh -c echo $$; stat -c %a /run/podman-init\n');
    expect(r.stdout).toBe('1\n755\n');
    // Read-only, as podman binds it.
    const w = await run(['run', '--rm', '--init', '--init-path', init, 'bb', 'sh', '-c', 'echo x > /run/podman-init']);
    expect(w.exitCode).not.toBe(0);
    expect(fs.readFileSync(init, 'utf8')).toMatch(/^#!\/bin\/sh/);
  });

  it('--init-path is refused without --init, for a missing file and with a shared pid namespace', async () => {
    await fails(['run', '--rm', '--init-path', init, 'bb', 'true'], `--init-path ${init} only acts with --init: add --init, or leave --init-path out`);
    await fails(['run', '--rm', '--init', '--init-path', '/nonexistent', 'bb', 'true'], 'container-init binary not found on the host: stat /nonexistent: no such file or directory');
    await fails(['run', '--rm', '--init', '--init-path', init, '--pid', 'host', 'bb', 'true'], "cannot add init binary as PID 1 (PID namespace isn't private)");
  });

  it('--systemd: true runs a command that is not systemd/init as usual; systemd mode itself is refused', async () => {
    expect((await out(['run', '--rm', '--systemd', 'true', 'bb', 'echo', 'ok'])).stdout).toBe('ok\n');
    expect((await out(['run', '--rm', '--systemd', 'false', 'bb', 'echo', 'ok'])).stdout).toBe('ok\n');
    for (const args of [['--systemd', 'always', 'bb', 'true'], ['--systemd', 'true', 'bb', '/sbin/init']]) {
      const r = await run(['run', '--rm', ...args]);
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(/^Error: --systemd=(always|true): systemd mode is not supported by tsc-run; .*\n$/);
    }
    // OCI hooks are not run: the global flag that names their directory is refused.
    const hooks = await run(['--hooks-dir', sb.dir, 'run', '--rm', 'bb', 'true']);
    expect([hooks.exitCode, hooks.stderr]).toEqual([125, 'Error: --hooks-dir is not supported: tsc-run runs no OCI hooks (prestart, poststart, poststop), so a hooks directory would be ignored\n']);
    const bad = await run(['run', '--rm', '--systemd', 'maybe', 'bb', 'true']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: invalid argument "maybe" for "--systemd" flag: must be "true", "false" or "always"\n']);
  });
}

describe('init flags as the test user', () => suite('user'));
describe.runIf(isRoot())('init flags as root', () => suite('root'));
