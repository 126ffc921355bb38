// --pid, --ipc, --uts, --cgroupns, --userns with container:NAME and ns:PATH
// (src/runtime/container/namespace-joins.ts, helpers/src/ns-join.c): two
// containers really share the namespace; a stopped container joined is
// started first and cannot be removed before its dependent, as podman does
// (podman 4.3 side by side on this machine); podman's messages and 125.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

function suite(as: As) {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 60_000 });
  const out = async (args: string[]) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };
  const fails = async (args: string[], message: string | RegExp) => {
    const r = await run(args);
    expect([r.exitCode, r.stdout]).toEqual([125, '']);
    if (typeof message === 'string') expect(r.stderr).toBe(`Error: ${message}\n`);
    else expect(r.stderr).toMatch(message);
  };
  const nsOf = async (ctr: string, ns: string) => (await out(['exec', ctr, 'readlink', `/proc/self/ns/${ns}`])).trim();

  beforeAll(async () => {
    sb = await busyboxSandbox(`ns-join-${as}`, as);
    await out(['run', '-d', '--name', 'donor', '--hostname', 'donorhost', 'bb', 'sleep', '1000']);
  });
  afterAll(() => disposeSandbox(sb));

  it('--pid container: sees the other container\'s processes; --uts its hostname; --ipc its message queues', async () => {
    const ps = await out(['run', '--rm', '--pid', 'container:donor', 'bb', 'ps', '-o', 'pid,args']);
    expect(ps).toMatch(/^\s*1 sleep 1000$/m);
    expect(ps).toMatch(/^\s*\d+ ps -o pid,args$/m);
    expect(await out(['run', '--rm', '--uts', 'container:donor', 'bb', 'sh', '-c', 'hostname; cat /etc/hostname'])).toBe('donorhost\ndonorhost\n');
    // A POSIX message queue lives in the ipc namespace: made in one container, listed in the other.
    await out(['exec', 'donor', 'touch', '/dev/mqueue/tscq']);
    const ipc = await nsOf('donor', 'ipc');
    expect(await out(['run', '--rm', '--ipc', 'container:donor', 'bb', 'sh', '-c', 'ls /dev/mqueue; readlink /proc/self/ns/ipc'])).toBe(`tscq\n${ipc}\n`);
    // Not shared without the flag.
    expect(await out(['run', '--rm', 'bb', 'ls', '/dev/mqueue'])).toBe('');
    const inspect = await out(['create', '--name', 'joiner', '--pid', 'container:donor', '--ipc', 'container:donor', '--uts', 'container:donor', 'bb', 'true']);
    const donorId = (await out(['inspect', '--format', '{{.Id}}', 'donor'])).trim();
    expect(inspect).toMatch(/^[0-9a-f]{64}\n$/);
    expect(await out(['inspect', '--format', '{{.HostConfig.PidMode}} {{.HostConfig.IpcMode}} {{.HostConfig.UTSMode}} {{.Dependencies}}', 'joiner'])).toBe(
      `container:${donorId} container:${donorId} container:${donorId} [${donorId}]\n`,
    );
    expect(await out(['inspect', '--format', '{{.HostConfig.IpcMode}}', 'donor'])).toBe('shareable\n');
    await out(['rm', 'joiner']);
  });

  it('--userns container: and --cgroupns container: share those namespaces', async () => {
    const user = await nsOf('donor', 'user');
    expect((await out(['run', '--rm', '--userns', 'container:donor', 'bb', 'readlink', '/proc/self/ns/user'])).trim()).toBe(user);
    await out(['run', '-d', '--name', 'cgdonor', '--cgroupns', 'private', 'bb', 'sleep', '1000']);
    const cg = await nsOf('cgdonor', 'cgroup');
    expect((await out(['run', '--rm', '--cgroupns', 'container:cgdonor', 'bb', 'readlink', '/proc/self/ns/cgroup'])).trim()).toBe(cg);
    // Joining a container in another user namespace (each container has its own) is refused before anything runs.
    if (as === 'user') {
      await fails(['run', '--rm', '--pid', 'container:donor', '--ipc', 'container:cgdonor', 'bb', 'true'], /^Error: --pid container:donor and --ipc container:cgdonor: the two live in different user namespaces/);
    }
    await out(['rm', '-f', '-t', '0', 'cgdonor']);
  });

  it('a stopped container joined is started first, and cannot be removed before the container joining it (podman)', async () => {
    await out(['create', '--name', 'sleeper', 'bb', 'sleep', '1000']);
    const ps = await out(['run', '--name', 'dep', '--pid', 'container:sleeper', 'bb', 'ps', '-o', 'pid,args']);
    expect(ps).toMatch(/^\s*1 sleep 1000$/m);
    expect(await out(['inspect', '--format', '{{.State.Status}}', 'sleeper'])).toBe('running\n');
    const depId = (await out(['inspect', '--format', '{{.Id}}', 'dep'])).trim();
    const sleeperId = (await out(['inspect', '--format', '{{.Id}}', 'sleeper'])).trim();
    await fails(['rm', '-f', 'sleeper'], `container ${sleeperId} has dependent containers which must be removed before it: ${depId}: container already exists`);
    await out(['rm', '-f', '-t', '0', '--depend', 'sleeper']);
  });

  it('ns:PATH joins the namespace at a path; a path of another type or no namespace is refused', async () => {
    const pid = (await out(['inspect', '--format', '{{.State.Pid}}', 'donor'])).trim();
    expect(await out(['run', '--rm', '--uts', `ns:/proc/${pid}/ns/uts`, 'bb', 'hostname'])).toBe('donorhost\n');
    expect(await out(['run', '--rm', '--pid', `ns:/proc/${pid}/ns/pid`, 'bb', 'ps', '-o', 'pid,args'])).toMatch(/^\s*1 sleep 1000$/m);
    await fails(['run', '--rm', '--pid', `ns:/proc/${pid}/ns/ipc`, 'bb', 'true'], `tsc-run-helper: ns:/proc/${pid}/ns/ipc is not a pid namespace`);
    await fails(['run', '--rm', '--ipc', 'ns:/etc/passwd', 'bb', 'true'], /^Error: tsc-run-helper: ns:\/etc\/passwd is not a namespace file \(.*\), so the ipc namespace cannot be joined\n$/);
    if (as === 'root') {
      // A namespace file bind-mounted elsewhere (as `ip netns` keeps them).
      const file = path.join(sb.dir, 'uts-ns');
      fs.writeFileSync(file, '');
      execFileSync('mount', ['--bind', `/proc/${pid}/ns/uts`, file]);
      try {
        expect(await out(['run', '--rm', '--uts', `ns:${file}`, 'bb', 'hostname'])).toBe('donorhost\n');
      } finally {
        execFileSync('umount', [file]);
      }
    } else {
      // The host's namespaces belong to the host's user namespace: not joinable rootless.
      await fails(['run', '--rm', '--uts', 'ns:/proc/self/ns/uts', 'bb', 'true'], /^Error: tsc-run-helper: cannot join the uts namespace ns:\/proc\/self\/ns\/uts: it belongs to the host's user namespace, which a rootless container cannot join \(use --uts host instead\)\n$/);
    }
  });

  it("podman's messages for bad values", async () => {
    await fails(['run', '--rm', '--pid', 'container:nosuch', 'bb', 'true'], 'looking up container to share pid namespace with: no container with name or ID "nosuch" found: no such container');
    await fails(['run', '--rm', '--uts', 'container:', 'bb', 'true'], 'invalid config provided: namespace mode container requires a value');
    await fails(['run', '--rm', '--ipc', 'ns:', 'bb', 'true'], 'invalid config provided: namespace mode path requires a value');
    await fails(['run', '--rm', '--uts', 'bogus', 'bb', 'true'], 'unrecognized namespace mode bogus passed');
    await fails(['run', '--rm', '--cgroupns', 'ns:/nonexistent', 'bb', 'true'], 'cannot find specified cgroup namespace path: stat /nonexistent: no such file or directory');
    await fails(['run', '--rm', '--pid', 'ns:/nonexistent', 'bb', 'true'], 'cannot find specified PID namespace path: stat /nonexistent: no such file or directory');
    await fails(['run', '--rm', '--uts', 'container:donor', '--hostname', 'x', 'bb', 'true'], 'invalid config provided: cannot set hostname when running in the host UTS namespace: invalid configuration');
    await fails(['run', '--rm', '--uts', 'host', '--hostname', 'x', 'bb', 'true'], 'invalid config provided: cannot set hostname when running in the host UTS namespace: invalid configuration');
    await out(['create', '--name', 'privipc', '--ipc', 'private', 'bb', 'true']);
    const id = (await out(['inspect', '--format', '{{.Id}}', 'privipc'])).trim();
    await fails(['run', '--rm', '--ipc', 'container:privipc', 'bb', 'true'], `joining IPC of container ${id} is not allowed: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`);
    await out(['rm', 'privipc']);
    if (as === 'user') {
      await fails(['run', '--rm', '--userns', 'keep-id', '--pid', 'container:donor', 'bb', 'true'], '--userns and --pid container:donor cannot be used together: the container lives in the user namespace of the namespaces it joins');
    }
  });
}

describe('namespace joins as the test user', () => suite('user'));
describe.runIf(isRoot())('namespace joins as root', () => suite('root'));
