// --userns keep-id and --uidmap/--gidmap on bridge networks, as the test
// user: the container lives in a user namespace nested in the rootless
// network namespace holder's, its maps written from inside the holder's
// (docs/runtime.md). It gets the ids it gets on other networks, its files in
// volumes the owners they get there, and the bridge works for it as for any
// container: address, /etc/hosts, DNS both ways, a published port, network
// connect/disconnect while it runs, a container sharing its network, a pod,
// and recovery after the holder is killed.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, freePort } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sleep, until, sandboxCli } from './run-util.js';

/** An HTTP GET through a published port, retried while nothing answers. */
async function hostGet(port: number): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const body = await new Promise<string | undefined>((resolve) => {
      let out = '';
      const s = net.connect({ host: '127.0.0.1', port }, () => s.write('GET /index.html HTTP/1.0\r\n\r\n'));
      s.setTimeout(3000, () => s.destroy());
      s.on('data', (d: Buffer) => (out += d.toString()));
      s.on('error', () => resolve(undefined));
      s.on('close', () => resolve(out.includes('200 OK') ? out.split('\r\n\r\n')[1] : undefined));
    });
    if (body !== undefined) return body;
    await sleep(100);
  }
  return undefined;
}

describe('--userns and --uidmap on a bridge network (user)', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const lookup = async (ctr: string, name: string): Promise<string[]> => {
    const r = await cli(['exec', ctr, 'nslookup', name]);
    return [...r.stdout.split(/Name:/).slice(1).join('\n').matchAll(/Address:\s*([0-9a-f.:]+)/g)].map((m) => m[1]!);
  };
  const ip = async (ctr: string, network: string) => (await ok(['inspect', '--format', `{{.NetworkSettings.Networks.${network}.IPAddress}}`, ctr])).trim();

  beforeAll(async () => {
    sb = await busyboxSandbox('userns-bridge', 'user');
    await ok(['network', 'create', '--subnet', '10.91.4.0/24', 'un1']);
    await ok(['network', 'create', '--subnet', '10.91.5.0/24', 'un2']);
    await ok(['volume', 'create', 'uvol']);
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('keep-id: the same ids, maps and volume file owners as on a network of its own', async () => {
    const probe = 'id -u; id -g; id -un';
    const onNone = await ok(['run', '--rm', '--userns', 'keep-id', '--network', 'none', 'bb', 'sh', '-c', probe]);
    const onBridge = await ok(['run', '--rm', '--userns', 'keep-id', '--network', 'un1', 'bb', 'sh', '-c', probe]);
    expect(onBridge).toBe(onNone);
    expect(onBridge.split('\n')[0]).not.toBe('0');
    // Nested in the holder's namespace, the maps read as podman's do (in the ids of the user's own namespace).
    const uid = Number(onBridge.split('\n')[0]);
    const maps = await ok(['run', '--rm', '--userns', 'keep-id', '--network', 'un1', 'bb', 'cat', '/proc/self/uid_map']);
    expect(maps.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number))[0]).toEqual([0, 1, uid]);
    expect(maps.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number))[1]).toEqual([uid, 0, 1]);

    // Files written into a volume: as the user and as the container's root, owned as on `none`.
    for (const [netw, tag] of [['none', 'n'], ['un1', 'b']] as const) {
      await ok(['run', '--rm', '--userns', 'keep-id', '--network', netw, '-v', 'uvol:/data', 'bb', 'sh', '-c', `echo x > /data/${tag}-user`]);
      await ok(['run', '--rm', '--userns', 'keep-id', '--user', '0', '--network', netw, '-v', 'uvol:/data', 'bb', 'sh', '-c', `echo x > /data/${tag}-root`]);
    }
    const owners = (await ok(['run', '--rm', '-v', 'uvol:/data', 'bb', 'stat', '-c', '%n %u:%g', '/data/n-user', '/data/b-user', '/data/n-root', '/data/b-root'])).trim().split('\n');
    const of = (f: string) => owners.find((l) => l.startsWith(`/data/${f} `))!.split(' ')[1];
    expect(of('b-user')).toBe(of('n-user'));
    expect(of('b-root')).toBe(of('n-root'));
    expect(of('b-user')).not.toBe(of('b-root'));
  }, 180_000);

  it('--uidmap/--gidmap: the maps given, in the ids of the user\'s own namespace; id 0 must be mapped there', async () => {
    const out = await ok(['run', '--rm', '--uidmap', '0:1:100', '--uidmap', '100:0:1', '--gidmap', '0:1:100', '--gidmap', '100:0:1', '--network', 'un1', 'bb', 'sh', '-c', 'cat /proc/self/uid_map /proc/self/gid_map; id -u']);
    const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows).toEqual([[0, 1, 100], [100, 0, 1], [0, 1, 100], [100, 0, 1], [0]]);
    const r = await cli(['run', '--rm', '--uidmap', '100:0:1', '--network', 'un1', 'bb', 'true']);
    expect([r.exitCode, r.stderr]).toEqual([125, "Error: --uidmap/--gidmap on a bridge network must map container id 0: the container's network is set up as its root\n"]);
  }, 120_000);

  it('address, /etc/hosts, DNS both ways, a published port, connect/disconnect, exec, a container sharing its network', async () => {
    const port = await freePort();
    await ok(['run', '-d', '--name', 'peer', '--network', 'un1', 'bb', 'sleep', '600']);
    await ok(['run', '-d', '--name', 'kid', '--userns', 'keep-id', '--network', 'un1', '-p', `127.0.0.1:${port}:8080`, 'bb', 'sh', '-c', 'mkdir -p /tmp/w && echo nested > /tmp/w/index.html && exec httpd -f -p 8080 -h /tmp/w']);
    const kidIp = await ip('kid', 'un1');
    // inspect as podman 4.3: a namespace of its own is `private`, its maps in the user's own namespace's ids.
    const [mode, uidMap] = (await ok(['inspect', '--format', '{{.HostConfig.UsernsMode}}|{{json .HostConfig.IDMappings.UIDMap}}', 'kid'])).trim().split('|');
    expect(mode).toBe('private');
    const uid = Number((await ok(['exec', 'kid', 'id', '-u'])).trim());
    expect((JSON.parse(uidMap!) as string[]).slice(0, 2)).toEqual([`0:1:${uid}`, `${uid}:0:1`]);
    expect(await ok(['inspect', '--format', '{{.HostConfig.UsernsMode}}|{{.HostConfig.IDMappings}}', 'peer'])).toBe('|<nil>\n');
    expect(kidIp).toMatch(/^10\.91\.4\./);
    expect(await ok(['exec', 'kid', 'ip', '-4', '-o', 'addr', 'show', 'eth0'])).toContain(`inet ${kidIp}/24`);
    expect(await ok(['exec', 'kid', 'cat', '/etc/hosts'])).toMatch(new RegExp(`^${kidIp.replace(/\./g, '\\.')}\\s.*\\bkid\\b`, 'm'));
    expect(await lookup('peer', 'kid')).toEqual([kidIp]);
    expect(await lookup('kid', 'peer')).toEqual([await ip('peer', 'un1')]);
    expect(await hostGet(port)).toBe('nested\n');
    expect(await ok(['exec', 'peer', 'sh', '-c', `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 kid 8080 | tail -n 1`])).toBe('nested\n');
    expect((await ok(['exec', 'kid', 'id', '-u'])).trim()).not.toBe('0');

    await ok(['network', 'connect', 'un2', 'kid']);
    const second = await ip('kid', 'un2');
    expect(second).toMatch(/^10\.91\.5\./);
    expect(await ok(['exec', 'kid', 'ip', '-4', '-o', 'addr'])).toContain(`inet ${second}/24`);
    await ok(['network', 'disconnect', 'un2', 'kid']);
    expect(await ok(['exec', 'kid', 'ip', '-4', '-o', 'addr'])).not.toContain(second);

    // --network container:kid lives in kid's (nested) user namespace, with kid's maps.
    const joined = await ok(['run', '--rm', '--network', 'container:kid', 'bb', 'sh', '-c', 'cat /proc/self/uid_map; id -u']);
    expect(joined).toBe(await ok(['exec', 'kid', 'sh', '-c', 'cat /proc/self/uid_map; id -u']));
    await ok(['rm', '-f', '-t', '0', 'kid', 'peer']);
  }, 240_000);

  it('a pod on a bridge with --userns keep-id: its members run as the user', async () => {
    await ok(['pod', 'create', '--name', 'kpod', '--network', 'un1', '--userns', 'keep-id']);
    const out = await ok(['run', '--rm', '--pod', 'kpod', 'bb', 'sh', '-c', 'id -u; ip -4 -o addr show eth0']);
    expect(out.split('\n')[0]).not.toBe('0');
    expect(out).toMatch(/inet 10\.91\.4\./);
    await ok(['pod', 'rm', '-f', '-t', '0', 'kpod']);
  }, 180_000);

  it('kill -9 of the holder: the new one joins the holder\'s namespace, not the nested one, and the container comes back', async () => {
    // Only the nested container runs: the new holder can only start from its namespace.
    await ok(['run', '-d', '--name', 'kid2', '--userns', 'keep-id', '--network', 'un1', 'bb', 'sleep', '600']);
    const holderFile = path.join(sb.runroot, 'networks', 'netns.json');
    const holderPid = () => (JSON.parse(fs.readFileSync(holderFile, 'utf8')) as { pid: number }).pid;
    const first = holderPid();
    process.kill(first, 'SIGKILL');
    await until(() => !fs.existsSync(`/proc/${first}`), 10_000, 'the holder to die');
    await ok(['network', 'reload', '--all']);
    const next = holderPid();
    expect(next).not.toBe(first);
    // The new holder is root of the holder's namespace (the user at 0), not of kid2's nested one.
    const holderMap = fs.readFileSync(`/proc/${next}/uid_map`, 'utf8').trim().split('\n')[0]!.trim().split(/\s+/);
    expect(holderMap[0]).toBe('0');
    expect(holderMap[1]).toBe(String(sb.owner.uid));
    const kidIp = await ip('kid2', 'un1');
    await ok(['run', '-d', '--name', 'peer2', '--network', 'un1', 'bb', 'sleep', '600']);
    expect(await lookup('peer2', 'kid2')).toEqual([kidIp]);
    expect(await ok(['exec', 'kid2', 'ip', '-4', '-o', 'addr', 'show', 'eth0'])).toContain(`inet ${kidIp}/24`);
    await ok(['rm', '-f', '-t', '0', 'kid2', 'peer2']);
  }, 240_000);
});

describe('--uidmap on a bridge network (root)', () => {
  let sb: Sandbox;
  const { ok } = sandboxCli(() => sb);
  beforeAll(async () => {
    sb = await busyboxSandbox('userns-bridge-root', 'root');
    await ok(['network', 'create', '--subnet', '10.91.6.0/24', 'ur']);
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('the maps given, of host ids; the bridge works for it', async () => {
    await ok(['run', '-d', '--name', 'peer', '--network', 'ur', 'bb', 'sleep', '600']);
    const peerIp = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.ur.IPAddress}}', 'peer'])).trim();
    const out = await ok(['run', '--rm', '--uidmap', '0:0:1', '--uidmap', '1:200000:1000', '--network', 'ur', 'bb', 'sh', '-c', 'cat /proc/self/uid_map; nslookup peer']);
    expect(out.split('\n').slice(0, 2).map((l) => l.trim().split(/\s+/).map(Number))).toEqual([[0, 0, 1], [1, 200000, 1000]]);
    expect(out.split(/Name:/)[1]).toContain(`Address: ${peerIp}`);
    await ok(['rm', '-f', '-t', '0', 'peer']);
  }, 120_000);
});
