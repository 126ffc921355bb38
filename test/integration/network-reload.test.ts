// Recovery of bridge networking, as the test user and as root: the rootless
// netns holder killed with -9 while containers run; `network reload --all`
// (and, the second time, simply the next start) wires them into a new
// namespace with their addresses, names (DNS) and published ports. And the
// disconnect of a container's last network (podman allows it: lo only).

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runrootPid } from '../harness/host-procs.js';
import { type Sandbox, freePort } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sleep, until, sandboxCli } from './run-util.js';


/** An HTTP GET through the published port; undefined while nothing answers. */
function hostGet(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let out = '';
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write('GET /index.html HTTP/1.0\r\n\r\n'));
    s.setTimeout(3000, () => s.destroy());
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('error', () => resolve(undefined));
    s.on('close', () => resolve(out.includes('200 OK') ? out.split('\r\n\r\n')[1] : undefined));
  });
}

async function hostGetEventually(port: number): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const r = await hostGet(port);
    if (r !== undefined) return r;
    await sleep(100);
  }
  return undefined;
}

describe.each([['user'], ['root']] as const)('bridge recovery and reload (%s)', (as) => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const holderPid = () => runrootPid(sb, 'networks/netns.json');
  const alive = (pid: number | undefined) => pid !== undefined && fs.existsSync(`/proc/${pid}`);
  const killHolder = async () => {
    const pid = holderPid()!;
    const pasta = Number(fs.readFileSync(path.join(sb.runroot, 'networks', 'pasta.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    await until(() => !alive(pid) && !alive(pasta), 10_000, 'the holder and pasta to die');
    return pid;
  };
  const lookup = async (ctr: string, name: string) => {
    const r = await cli(['exec', ctr, 'nslookup', name]);
    return [...r.stdout.split(/Name:/).slice(1).join('\n').matchAll(/Address:\s*([0-9a-f.:]+)/g)].map((m) => m[1]!);
  };
  const subnet = as === 'user' ? '10.98.0' : '10.98.1';

  beforeAll(async () => {
    sb = await busyboxSandbox(`network-reload-${as}`, as);
    await ok(['network', 'create', '--subnet', `${subnet}.0/24`, 'rl']);
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('kill -9 of the holder: reload --all, then the next start, bring running containers back', async () => {
    const port = await freePort();
    const srvId = (await ok(['run', '-d', '--name', 'srv', '--network', 'rl', '-p', `127.0.0.1:${port}:80`, 'bb', 'sh', '-c', 'mkdir /w && echo back > /w/index.html && exec httpd -f -p 80 -h /w'])).trim();
    const cliId = (await ok(['run', '-d', '--name', 'peer', '--network', 'rl', 'bb', 'sleep', '600'])).trim();
    const srvIp = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.rl.IPAddress}}', 'srv'])).trim();
    expect(await hostGetEventually(port)).toBe('back\n');

    const first = await killHolder();
    // The containers lost the outside (and, once the old namespace goes, each other).
    const reloaded = (await ok(['network', 'reload', '--all'])).split('\n').filter(Boolean).sort();
    expect(reloaded).toEqual([srvId, cliId].sort());
    expect(holderPid()).not.toBe(first);
    expect(await ok(['exec', 'srv', 'ip', '-4', '-o', 'addr', 'show', 'eth0'])).toContain(`inet ${srvIp}/24`);
    expect(await lookup('peer', 'srv')).toEqual([srvIp]);
    expect(await ok(['exec', 'peer', 'sh', '-c', `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 srv 80 | tail -n 1`])).toBe('back\n');
    expect(await hostGetEventually(port)).toBe('back\n');
    expect(await ok(['exec', 'peer', 'ip', 'route'])).toContain(`default via ${subnet}.1`);

    // Again, and this time no reload: the next start on a network restores them first.
    const second = await killHolder();
    expect(await ok(['run', '--rm', '--network', 'rl', 'bb', 'sh', '-c', `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 srv 80 | tail -n 1`])).toBe('back\n');
    expect(holderPid()).not.toBe(second);
    expect(await lookup('peer', 'srv')).toEqual([srvIp]);
    expect(await hostGetEventually(port)).toBe('back\n');

    // podman's argument rules and per-container errors.
    const none = await cli(['network', 'reload']);
    expect([none.exitCode, none.stderr]).toEqual([125, 'Error: you must provide at least one name or id\n']);
    await ok(['create', '--name', 'idle', '--network', 'rl', 'bb', 'true']);
    const stopped = await cli(['network', 'reload', 'idle']);
    expect([stopped.exitCode, stopped.stderr]).toEqual([125, 'Error: cannot reload network unless container network has been configured: container state improper\n']);
    await ok(['rm', '-f', '-t', '0', 'srv', 'peer', 'idle']);
  }, 240_000);

  it('disconnect of the last network leaves lo only; connect brings it back while it runs (the holder gone meanwhile too), as podman', async () => {
    await ok(['run', '-d', '--name', 'lone', '--network', 'rl', 'bb', 'sleep', '600']);
    const ipOf = async () => (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.rl.IPAddress}}', 'lone'])).trim();
    const links = async () => (await ok(['exec', 'lone', 'ip', '-o', 'link'])).trim().split('\n').map((l) => l.split(':')[1]!.trim());
    const connected = async () => {
      const addr = await ipOf();
      expect(await ok(['exec', 'lone', 'ip', '-4', '-o', 'addr', 'show', 'eth0'])).toContain(`inet ${addr}/24`);
      expect(await ok(['exec', 'lone', 'ip', 'route'])).toContain(`default via ${subnet}.1 dev eth0`);
      expect(await ok(['exec', 'lone', 'cat', '/etc/hosts'])).toMatch(new RegExp(`^${addr.replace(/\./g, '\\.')}\t\\S+ lone$`, 'm'));
      expect(await ok(['exec', 'lone', 'cat', '/etc/resolv.conf'])).toMatch(new RegExp(`^nameserver ${subnet}\\.1$`, 'm'));
      // Its peers find it by name again (the DNS responder sees its new attachment).
      expect(await ok(['run', '--rm', '--network', 'rl', 'bb', 'sh', '-c', 'nslookup lone | tail -n +3'])).toContain(addr);
    };
    expect(await ok(['network', 'disconnect', 'rl', 'lone'])).toBe('');
    expect(await links()).toEqual(['lo']);
    expect(await ok(['inspect', '--format', '{{len .NetworkSettings.Networks}}', 'lone'])).toBe('0\n');
    expect(await ok(['exec', 'lone', 'cat', '/etc/hosts'])).not.toMatch(/\blone$/m);
    // Nothing holds the namespace now (the holder would leave by itself after 10 s idle): the next holder
    // must join the user namespace lone lives in, or no veth could reach it.
    if (alive(holderPid())) await killHolder();
    expect(await ok(['network', 'connect', 'rl', 'lone'])).toBe('');
    await connected();

    // Started with no network at all: lo only, no own line in /etc/hosts (podman writes none), and connectable.
    await ok(['network', 'disconnect', 'rl', 'lone']);
    await ok(['restart', '-t', '0', 'lone']);
    expect(await links()).toEqual(['lo']);
    expect(await ok(['exec', 'lone', 'cat', '/etc/hosts'])).not.toMatch(/\blone$/m);
    await ok(['network', 'connect', 'rl', 'lone']);
    await connected();

    // Stopped: the record only; the next start has it.
    await ok(['stop', '-t', '0', 'lone']);
    await ok(['network', 'disconnect', 'rl', 'lone']);
    await ok(['network', 'connect', 'rl', 'lone']);
    await ok(['start', 'lone']);
    await connected();
    await ok(['rm', '-f', '-t', '0', 'lone']);
  }, 180_000);
});
