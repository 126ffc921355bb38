// systemd socket activation passed through run and start, as podman 4.3
// does (250-systemd.bats "pass LISTEN environment"): the descriptors from 3
// on reach the container, LISTEN_FDS/LISTEN_FDNAMES are copied and
// LISTEN_PID is 1; --preserve-fds given by hand wins, with podman's warning.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBinary, runAs, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await busyboxSandbox('socket-activation', 'user');
  sb.file('activated.txt', 'hello from fd 3\n');
}, 180_000);
afterAll(async () => {
  await disposeSandbox(sb);
});

/** A shell as the test user with fd 3 open on activated.txt and LISTEN_* set, running `tsc-run ARGS`. */
async function activated(args: string, listen = 'LISTEN_PID=4242 LISTEN_FDS=1 LISTEN_FDNAMES=web') {
  const cli = `"${cliBinary().bin}" --root ${sb.root} --runroot ${sb.runroot}`;
  return runAs('user', 'bash', ['-c', `exec 3<${sb.dir}/activated.txt; ${listen ? `export ${listen};` : ''} ${args.replaceAll('CLI', cli)}`], {
    env: { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime },
    timeoutMs: 60_000,
  });
}

describe('socket activation', () => {
  it('run: the container gets fd 3 and LISTEN_*, with LISTEN_PID=1', async () => {
    const r = await activated(`CLI run --rm bb sh -c 'echo $LISTEN_PID $LISTEN_FDS $LISTEN_FDNAMES; cat <&3'`);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, '1 1 web\nhello from fd 3\n', '']);
  });

  it('start --attach of a created container: the same, from the environment of start', async () => {
    const r = await activated(`id=$(CLI create bb sh -c 'echo $LISTEN_PID $LISTEN_FDNAMES; cat <&3') && CLI start --attach $id && CLI rm $id >/dev/null`);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, '1 web\nhello from fd 3\n', '']);
  });

  it('without LISTEN_* nothing is passed; --preserve-fds wins over LISTEN_FDS with podman\'s warning', async () => {
    const none = await activated(`CLI run --rm bb sh -c 'echo "<$LISTEN_FDS>"; cat <&3'`, '');
    expect(none.exitCode).not.toBe(0);
    expect(none.stdout).toBe('<>\n');
    const both = await activated(`CLI run --rm --preserve-fds 1 bb cat /proc/self/fd/3`);
    expect(both.stdout).toBe('hello from fd 3\n');
    expect(both.stderr).toMatch(/level=warning msg="Ignoring LISTEN_FDS to preserve custom user-specified FDs"/);
  });

  it('a LISTEN_FDS that is not a number is refused as podman', async () => {
    const r = await activated(`CLI run --rm bb true`, 'LISTEN_FDS=two');
    expect([r.exitCode, r.stderr]).toEqual([125, 'Error: converting LISTEN_FDS=two: strconv.Atoi: parsing "two": invalid syntax\n']);
  });
});
