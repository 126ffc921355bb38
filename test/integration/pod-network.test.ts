// Pods on a bridge network as the test user and as root: the infra joins the network
// (the pod's name and --network-alias answer there, as podman registers a
// pod), members share its namespace (localhost, each other's names), a
// container on the network reaches the pod by name, --ip/--mac-address
// reach the infra, pod inspect/ps show the networks, -p publishes the
// pod's port from the bridge (the forwarder of src/network), and
// `network rm -f` takes the pod with it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

function suite(as: As): void {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  /** An HTTP GET with nc (busybox wget crashes on some failures, which would pass for a refusal). */
  const get = (host: string) => `printf 'GET /i HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} 80 | tail -n 1`;

  beforeAll(async () => {
    sb = await busyboxSandbox(`pod-network-${as}`, as);
    await ok(['network', 'create', '--subnet', '10.94.0.0/24', 'shopnet']);
    await ok(['network', 'create', '--subnet', '10.94.1.0/24', 'other']);
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('the infra joins the network; members share it; peers reach the pod by its name and alias', async () => {
    await ok(['pod', 'create', '--name', 'shop', '--network', 'shopnet', '--network-alias', 'store', '--ip', '10.94.0.40', '--mac-address', '92:d0:c6:0a:29:33']);
    await ok(['run', '-d', '--pod', 'shop', '--name', 'web', 'bb', 'sh', '-c', 'mkdir /w && echo served > /w/i && exec httpd -f -p 80 -h /w']);
    const inside = await ok(['run', '--rm', '--pod', 'shop', '--name', 'probe', 'bb', 'sh', '-c',
      `hostname; ${get('localhost')}; ${get('web')}; ip -4 -o addr show eth0; ip -o link show eth0`]);
    expect(inside).toMatch(/^shop\nserved\nserved\n\d+: eth0 +inet 10\.94\.0\.40\/24.*\n\d+: eth0@.* link\/ether 92:d0:c6:0a:29:33 /);
    // From outside the pod, on the same network: the pod's name and its alias (podman registers the pod, not its members).
    expect(await ok(['run', '--rm', '--network', 'shopnet', 'bb', 'sh', '-c', `${get('shop')}; ${get('store')}; ${get('10.94.0.40')}`])).toBe('served\nserved\nserved\n');
    // Another network: no route to the pod.
    expect(await ok(['run', '--rm', '--network', 'other', 'bb', 'sh', '-c', `${get('10.94.0.40')}; echo done`])).toBe('done\n');

    const insp = JSON.parse(await ok(['pod', 'inspect', 'shop'])) as { InfraConfig: { Networks: string[]; StaticIP: string; StaticMAC: string } };
    expect(insp.InfraConfig).toMatchObject({ Networks: ['shopnet'], StaticIP: '10.94.0.40', StaticMAC: '92:d0:c6:0a:29:33' });
    expect(await ok(['pod', 'ps', '--filter', 'name=shop', '--format', '{{.Name}} {{.Networks}}'])).toBe('shop shopnet\n');
    const ps = JSON.parse(await ok(['pod', 'ps', '--filter', 'name=shop', '--format', 'json'])) as Array<{ Networks: string[] }>;
    expect(ps[0]!.Networks).toEqual(['shopnet']);
  });

  it('-p on a bridge network: the pod\'s port reaches its member through the bridge', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    await ok(['pod', 'create', '--name', 'pub', '--network', 'shopnet', '-p', `127.0.0.1:${port}:80`]);
    await ok(['run', '-d', '--pod', 'pub', '--name', 'pub-web', 'bb', 'sh', '-c', 'mkdir /w && echo published > /w/i && exec httpd -f -p 80 -h /w']);
    const infra = (await ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', 'pub'])).trim();
    expect(await ok(['port', infra])).toBe(`80/tcp -> 127.0.0.1:${port}\n`);
    let body = '';
    for (let i = 0; i < 50 && !body; i++) {
      const r = await cli(['run', '--rm', '--network', 'host', 'bb', 'sh', '-c', `printf 'GET /i HTTP/1.0\\r\\n\\r\\n' | nc -w 2 127.0.0.1 ${port} | tail -n 1`]);
      body = r.stdout;
      if (!body) await new Promise((res) => setTimeout(res, 100));
    }
    expect(body).toBe('published\n');
    await ok(['pod', 'rm', '-f', '-t', '0', 'pub']);
  });

  it('refusals: a missing network, --ip without a bridge; network rm needs -f and then removes the pod', async () => {
    const cases: Array<[string[], string]> = [
      [['pod', 'create', '--name', 'x3', '--network', 'nonet'], 'unable to find network with name or ID nonet: network not found'],
      [['pod', 'create', '--name', 'x4', '--ip', '10.0.0.1'], 'invalid config provided: networks and static ip/mac address can only be used with Bridge mode networking'],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(args);
      expect({ args, code: r.exitCode }).toEqual({ args, code: 125 });
      expect(r.stderr).toBe(`Error: ${msg}${r.stderr.slice(7 + msg.length)}`);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
    expect(await ok(['pod', 'ps', '-q', '--filter', 'name=x'])).toBe('');

    await ok(['pod', 'create', '--name', 'gone', '--network', 'other']);
    await ok(['run', '-d', '--pod', 'gone', '--name', 'gone-m', 'bb', 'sleep', '600']);
    const busy = await cli(['network', 'rm', 'other']);
    expect(busy.exitCode).toBe(2);
    expect(await ok(['network', 'rm', '-f', '-t', '0', 'other'])).toBe('other\n');
    expect((await cli(['pod', 'exists', 'gone'])).exitCode).toBe(1);
    expect(await ok(['ps', '-a', '--filter', 'name=gone', '--format', '{{.Names}}'])).toBe('');
  });
}

describe('pods on bridge networks (rootless)', () => suite('user'));
describe.runIf(isRoot())('pods on bridge networks (root)', () => suite('root'));
