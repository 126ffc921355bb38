// --network ns:PATH: an existing network namespace, joined (with the user
// namespace that owns it) at every start; podman's errors at create.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

function suite(as: As) {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const fails = async (args: string[], message: string | RegExp) => {
    const r = await tscRun(args, { sandbox: sb, timeoutMs: 60_000 });
    expect(r.exitCode, r.stderr).toBe(125);
    if (typeof message === 'string') expect(r.stderr).toBe(`Error: ${message}\n`);
    else expect(r.stderr).toMatch(message);
  };

  beforeAll(async () => {
    sb = await busyboxSandbox(`run-network-ns-${as}`, as);
    // A donor with a network namespace of its own (pasta) serving a file on its loopback.
    await ok(['run', '-d', '--name', 'donor', 'bb', 'sh', '-c', 'echo from-donor > /tmp/i && exec httpd -f -p 8080 -h /tmp']);
  });
  afterAll(async () => {
    await cli(['rm', '-f', '-t', '0', 'donor']);
    await disposeSandbox(sb);
  });

  it('joins the namespace at the path: same net namespace, its loopback services, recorded as ns:PATH', async () => {
    const pid = (await ok(['inspect', '--format', '{{.State.Pid}}', 'donor'])).trim();
    const donorNet = (await ok(['exec', 'donor', 'readlink', '/proc/self/ns/net'])).trim();
    const r = await ok(['run', '--rm', '--network', `ns:/proc/${pid}/ns/net`, 'bb', 'sh', '-c', 'readlink /proc/self/ns/net; for i in $(seq 40); do wget -qO- http://127.0.0.1:8080/i && break; sleep 0.5; done']);
    expect(r).toBe(`${donorNet}\nfrom-donor\n`);
    const id = (await ok(['create', '--network', `ns:/proc/${pid}/ns/net`, 'bb', 'true'])).trim();
    expect(await ok(['inspect', '--format', '{{.HostConfig.NetworkMode}}', id])).toBe(`ns:/proc/${pid}/ns/net\n`);
    await ok(['start', '-a', id]);
    await ok(['rm', id]);
  });

  it('podman\'s errors: empty or missing path; no own user namespace flags; the host\'s namespace rootless', async () => {
    await fails(['run', '--rm', '--network', 'ns:', 'bb', 'true'], 'invalid config provided: namespace mode path requires a value');
    await fails(['run', '--rm', '--network', 'ns:/nonexistent', 'bb', 'true'], 'cannot find specified network namespace path: stat /nonexistent: no such file or directory');
    const pid = (await ok(['inspect', '--format', '{{.State.Pid}}', 'donor'])).trim();
    await fails(['run', '--rm', '--userns', 'keep-id', '--network', `ns:/proc/${pid}/ns/net`, 'bb', 'true'], /--userns, --uidmap and --gidmap cannot be used with --network ns:/);
    await fails(['run', '--rm', '--network', `ns:/proc/${pid}/ns/uts`, 'bb', 'true'], `tsc-run-helper: ns:/proc/${pid}/ns/uts is not a net namespace`);
    if (as === 'user') {
      await fails(['run', '--rm', '--network', 'ns:/proc/self/ns/net', 'bb', 'true'], /^Error: tsc-run-helper: cannot join the net namespace ns:\/proc\/self\/ns\/net: it belongs to the host's user namespace, which a rootless container cannot join \(use --network host instead\)\n$/);
    }
  });
}

describe('--network ns:PATH as the test user', () => suite('user'));
describe.runIf(isRoot())('--network ns:PATH as root', () => suite('root'));
