// Ports published into bridge networks (rootlessport's role), as the test
// user and as root: HTTP through -p, MBs of random bytes both ways with
// checksums, UDP on a range, -P with EXPOSE, port/ps/inspect, a port in use
// (126, rootlessport's words), and the forwarder gone (the port free again)
// after stop, rm and kill -9 of the container's monitor.

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ociArchiveEntries } from '../harness/archives.js';
import { buildBusyboxImage, disposeStore, emptyStore, tscRunOk, writeTar, type Sandbox, freePort } from '../harness/index.js';
import { readRecord, sleep, sandboxCli } from './run-util.js';

const UDP_ECHO_C = `
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  if (argc < 2 || s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0) return 1;
  for (;;) {
    char buf[2048];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    if (n > 0) sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
  }
}
`;


/** Whether a TCP port can be bound on 127.0.0.1 (no forwarder holds it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Connect (retrying while the server in the container starts), send `data` and half-close (nothing to send: no half-close, busybox nc would quit), read all. */
async function exchange(port: number, data: Buffer, tries = 100): Promise<Buffer> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => {
          if (data.length) s.end(data);
        });
        s.setTimeout(20_000, () => s.destroy(new Error('timeout')));
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('error', reject);
        s.on('end', () => {
          s.end();
          resolve(Buffer.concat(chunks));
        });
      }).then((b) => {
        if (!b.length && !data.length) throw new Error('empty answer');
        return b;
      });
    } catch (err) {
      last = err;
      await sleep(100);
    }
  }
  throw new Error(`127.0.0.1:${port}: ${String(last)}`);
}

async function udpEcho(port: number, text: string): Promise<string> {
  const sock = dgram.createSocket('udp4');
  try {
    for (let i = 0; i < 50; i++) {
      const reply = await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 200);
        sock.once('message', (m) => {
          clearTimeout(timer);
          resolve(m.toString());
        });
        sock.send(text, port, '127.0.0.1');
      });
      if (reply !== undefined) return reply;
    }
    throw new Error(`no UDP echo from 127.0.0.1:${port}`);
  } finally {
    sock.close();
  }
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe.each([['user'], ['root']] as const)('ports published into a bridge network (%s)', (as) => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const subnet = as === 'user' ? '10.96.0.0/24' : '10.96.1.0/24';

  beforeAll(async () => {
    sb = await emptyStore(`network-ports-${as}`, as);
    const src = path.join(sb.dir, 'udpecho.c');
    fs.writeFileSync(src, UDP_ECHO_C);
    const bin = path.join(sb.dir, 'udpecho');
    execFileSync('cc', ['-static', '-O2', '-o', bin, src]);
    const image = await buildBusyboxImage({
      extraLayers: [[{ name: 'usr/bin/udpecho', content: fs.readFileSync(bin), mode: 0o755 }]],
      config: { ExposedPorts: { '80/tcp': {} }, Cmd: ['sh'] },
    });
    await tscRunOk(['load', '-i', sb.file('p.tar', await writeTar(ociArchiveEntries([{ image, name: 'localhost/p:1' }])))], { sandbox: sb });
    await ok(['network', 'create', '--subnet', subnet, 'pub']);
  }, 120_000);
  afterAll(() => disposeStore(sb));

  it('tcp both ways with MBs and checksums; port, ps, inspect; the port in use; stop frees it', async () => {
    const [up, down] = [await freePort(), await freePort()];
    // Upload: the container keeps what it receives (nc's stdin never ends: it does not hang up first); download: 6 MB of its random bytes.
    const script = 'head -c 6291456 /dev/urandom > /d; sha256sum /d | cut -d" " -f1 > /d.sum; (while true; do nc -l -p 9001 < /d; done) & sleep 100000 | nc -l -p 9000 > /u';
    const id = (await ok(['run', '-d', '--name', 'srv', '--network', 'pub', '-p', `127.0.0.1:${up}:9000`, '-p', `127.0.0.1:${down}:9001`, 'p:1', 'sh', '-c', script])).trim();
    const listening = async () => (await cli(['exec', 'srv', 'netstat', '-ltn'])).stdout.includes(':9000 ');
    for (let i = 0; i < 100 && !(await listening()); i++) await sleep(100);
    const payload = crypto.randomBytes(8 * 1024 * 1024);
    await exchange(up, payload);
    const size = async () => Number((await cli(['exec', 'srv', 'stat', '-c', '%s', '/u'])).stdout.trim());
    for (let i = 0; i < 100 && (await size()) !== payload.length; i++) await sleep(100);
    expect((await ok(['exec', 'srv', 'sha256sum', '/u'])).split(' ')[0]).toBe(sha(payload));
    const fromCtr = await exchange(down, Buffer.alloc(0));
    expect(fromCtr.length).toBe(6291456);
    expect(sha(fromCtr)).toBe((await ok(['exec', 'srv', 'cat', '/d.sum'])).trim());

    // Listed by host port (as our pasta mappings), so either order.
    expect((await ok(['port', 'srv'])).split('\n').filter(Boolean).sort()).toEqual([`9000/tcp -> 127.0.0.1:${up}`, `9001/tcp -> 127.0.0.1:${down}`]);
    expect(await ok(['ps', '--format', '{{.Ports}}', '--filter', 'name=srv'])).toContain(`127.0.0.1:${up}->9000/tcp`);
    const [insp] = JSON.parse(await ok(['inspect', 'srv'])) as Array<{ NetworkSettings: { Ports: Record<string, Array<{ HostIp: string; HostPort: string }>> } }>;
    expect(insp!.NetworkSettings.Ports['9000/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(up) }]);

    // Taken: the second start fails as podman's rootlessport does, nothing left running.
    const clash = await cli(['run', '-d', '--name', 'clash', '--network', 'pub', '-p', `127.0.0.1:${up}:80`, 'p:1', 'sleep', '60']);
    expect(clash.exitCode).toBe(126);
    expect(clash.stderr).toBe(`Error: rootlessport listen tcp 127.0.0.1:${up}: bind: address already in use\n`);

    expect(await portFree(up)).toBe(false);
    await ok(['stop', '-t', '0', 'srv']);
    let free = false;
    for (let i = 0; i < 100 && !free; i++) {
      free = (await portFree(up)) && (await portFree(down));
      if (!free) await sleep(100);
    }
    expect(free).toBe(true);
    // A restart publishes again.
    await ok(['start', 'srv']);
    const again = await exchange(down, Buffer.alloc(0));
    expect(again.length).toBe(6291456);
    await ok(['rm', '-f', '-t', '0', id]);
  }, 240_000);

  it('udp on a range, -P with EXPOSE, and kill -9 of the monitor frees the ports', async () => {
    const p = await freePort();
    await ok(['run', '-d', '--name', 'echo', '--network', 'pub', '-p', `127.0.0.1:${p}-${p + 1}:5353-5354/udp`, 'p:1', 'udpecho', '5354']);
    expect(await udpEcho(p + 1, 'over the bridge')).toBe('over the bridge');
    expect(await ok(['port', 'echo'])).toBe(`5353/udp -> 127.0.0.1:${p}\n5354/udp -> 127.0.0.1:${p + 1}\n`);
    await ok(['rm', '-f', '-t', '0', 'echo']);

    const id = (await ok(['run', '-d', '-P', '--name', 'web', '--network', 'pub', 'p:1', 'sh', '-c', 'mkdir /w && echo published > /w/index.html && exec httpd -f -p 80 -h /w'])).trim();
    const line = (await ok(['port', 'web', '80/tcp'])).trim();
    const port = Number(line.split(':').pop());
    expect(line).toMatch(/^0\.0\.0\.0:\d+$/);
    const page = await exchange(port, Buffer.from('GET /index.html HTTP/1.0\r\n\r\n'));
    expect(page.toString()).toMatch(/published\n$/);
    const monitor = readRecord(sb, id).state.monitor!.pid;
    process.kill(monitor, 'SIGKILL');
    let free = false;
    for (let i = 0; i < 900 && !free; i++) {
      free = await new Promise<boolean>((resolve) => {
        const srv = net.createServer();
        srv.once('error', () => resolve(false));
        srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
      });
      if (!free) await sleep(100);
    }
    const forwarders = () => execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`port-forward`) && l.includes(sb.runroot));
    expect(free, forwarders().join('\n')).toBe(true);
    await cli(['rm', '-f', '-t', '0', id]);
  }, 180_000);

  it('refuses sctp into a bridge network', async () => {
    const r = await cli(['create', '--network', 'pub', '-p', '5000:5000/sctp', 'p:1']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^Error: sctp ports cannot be published into a bridge network/);
  });
});
