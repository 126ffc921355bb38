// Rootless networking: pasta and slirp4netns (the default is pasta), -p
// (address, all addresses, ranges, UDP), -P from the image's EXPOSE, port /
// ps / inspect, --network container: and none, the privileged-port refusal,
// host loopback only when asked, the generated files, and no network
// program outliving its container (stop, rm, SIGKILL of the monitor). As
// the test user, and a subset as root.

import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ociArchiveEntries } from '../harness/archives.js';
import { childrenOf, sameProcessRunning, type ChildProc } from '../harness/host-procs.js';
import { buildBusyboxImage, disposeStore, emptyStore, isRoot, tscRun, tscRunOk, writeTar, type As, type Sandbox } from '../harness/index.js';
import { readRecord, sleep, until } from './run-util.js';

const PAGE = `hello from the container ${'x'.repeat(5000)}\n`;

// busybox's nc has no UDP: a tiny static echo server for the image.
const UDP_ECHO_C = `
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0) return 1;
  for (;;) {
    char buf[2048];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    if (n > 0) sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
  }
}
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** GET with Node's HTTP client, retried briefly while the server in the container starts. */
async function httpGet(host: string, port: number, urlPath = '/index.html', tries = 50): Promise<{ status: number; body: string }> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await new Promise((resolve, reject) => {
        const req = http.get({ host, port, path: urlPath, timeout: 5000 }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
      });
    } catch (err) {
      last = err;
      await sleep(100);
    }
  }
  throw new Error(`GET http://${host}:${port}${urlPath} failed: ${String(last)}`);
}

/** Send a datagram, wait for it to come back. */
async function udpEcho(host: string, port: number, text: string): Promise<string> {
  const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  try {
    for (let i = 0; i < 50; i++) {
      const reply = await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 200);
        sock.once('message', (m) => {
          clearTimeout(timer);
          resolve(m.toString());
        });
        sock.send(text, port, host);
      });
      if (reply !== undefined) return reply;
    }
    throw new Error(`no UDP echo from ${host}:${port}`);
  } finally {
    sock.close();
  }
}

/** The host's first non-loopback IPv4 address (pasta's copy of it is the container's). */
function hostAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    const a = list?.find((x) => x.family === 'IPv4' && !x.internal);
    if (a) return a.address;
  }
  return undefined;
}

/** The network programs (pasta, slirp4netns) the monitor started: its children running them. */
const networkPrograms = (monitorPid: number): ChildProc[] => childrenOf(monitorPid, (n) => n === 'pasta' || n === 'slirp4netns');

/** Gone, or a zombie nobody reaps (this machine's PID 1 does not). */
const procGone = (p: ChildProc): boolean => !sameProcessRunning(p.pid, p.start);

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  const run = (args: string[], timeoutMs?: number) => tscRun(args, { sandbox: sb, ...(timeoutMs ? { timeoutMs } : {}) });

  async function startDetached(args: string[]): Promise<{ id: string; monitor: number }> {
    const r = await run(['run', '-d', ...args]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const id = r.stdout.trim();
    const s = readRecord(sb, id).state;
    return { id, monitor: s.monitor!.pid };
  }

  beforeAll(async () => {
    sb = await emptyStore(`network-${as}`, as);
    const echoSrc = path.join(sb.dir, 'udpecho.c');
    fs.writeFileSync(echoSrc, UDP_ECHO_C);
    const echoBin = path.join(sb.dir, 'udpecho');
    execFileSync('cc', ['-static', '-O2', '-o', echoBin, echoSrc]);
    const image = await buildBusyboxImage({
      extraLayers: [
        [
          { name: 'www', type: 'directory', mode: 0o755 },
          { name: 'www/index.html', content: PAGE, mode: 0o644 },
          { name: 'usr/bin/udpecho', content: fs.readFileSync(echoBin), mode: 0o755 },
        ],
      ],
      config: { ExposedPorts: { '80/tcp': {}, '5353/udp': {} }, Cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] },
    });
    const archive = sb.file('net.tar', await writeTar(ociArchiveEntries([{ image, name: 'localhost/net:1' }])));
    await tscRunOk(['load', '-i', archive], { sandbox: sb });
  }, 120_000);
  afterAll(() => disposeStore(sb));

  for (const backend of ['pasta', 'slirp4netns'] as const) {
    it(`${backend}: -p 127.0.0.1:PORT:80 serves httpd to a real HTTP client; port, ps, inspect; nothing left after stop and rm`, async () => {
      const port = await freePort();
      const c = await startDetached(['--name', `web-${backend}`, '--network', backend, '-p', `127.0.0.1:${port}:80`, 'net:1']);
      const progs = networkPrograms(c.monitor);
      expect(progs.map((p) => p.name)).toEqual([backend]);
      const res = await httpGet('127.0.0.1', port);
      expect(res.status).toBe(200);
      expect(res.body).toBe(PAGE);

      expect((await run(['port', `web-${backend}`])).stdout).toBe(`80/tcp -> 127.0.0.1:${port}\n`);
      expect((await run(['port', `web-${backend}`, '80/tcp'])).stdout).toBe(`127.0.0.1:${port}\n`);
      const ps = await run(['ps', '--format', '{{.Names}} {{.Ports}}', '--filter', `name=web-${backend}`]);
      expect(ps.stdout).toBe(`web-${backend} 127.0.0.1:${port}->80/tcp\n`);
      const insp = await run(['inspect', '--format', '{{json .NetworkSettings.Ports}}|{{json .HostConfig.PortBindings}}|{{.HostConfig.NetworkMode}}', `web-${backend}`]);
      const binding = JSON.stringify({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
      expect(insp.stdout).toBe(`${binding}|${binding}|${backend}\n`);

      const stop = await run(['stop', '-t', '0', `web-${backend}`]);
      expect(stop.exitCode, stop.stderr).toBe(0);
      // The monitor kills its network program when the container exits, before exit.json.
      expect(progs.every(procGone)).toBe(true);
      await expect(httpGet('127.0.0.1', port, '/index.html', 1).then(() => 'served', () => 'refused')).resolves.toBe('refused');
      // A restart brings the network back (a new program against the new namespace).
      expect((await run(['start', `web-${backend}`])).exitCode).toBe(0);
      expect((await httpGet('127.0.0.1', port)).body).toBe(PAGE);
      const again = networkPrograms(readRecord(sb, c.id).state.monitor!.pid);
      expect(again).toHaveLength(1);
      expect((await run(['rm', '-f', '-t', '0', `web-${backend}`])).exitCode).toBe(0);
      await until(() => again.every(procGone), 5000, `${backend} to exit`);
    });

    it(`${backend}: UDP published on a port range reaches an echo server`, async () => {
      const port = await freePort();
      if (backend === 'pasta') {
        // pasta 2023-03 (Debian 12) does not translate UDP ports: the same numbers on both sides.
        const c = await startDetached(['--network', backend, '-p', `127.0.0.1:${port}-${port + 1}:${port}-${port + 1}/udp`, 'net:1', 'udpecho', String(port + 1)]);
        expect(await udpEcho('127.0.0.1', port + 1, 'ping pasta')).toBe('ping pasta');
        expect((await run(['port', c.id])).stdout).toBe(`${port}/udp -> 127.0.0.1:${port}\n${port + 1}/udp -> 127.0.0.1:${port + 1}\n`);
        await run(['rm', '-f', '-t', '0', c.id]);
        return;
      }
      // slirp4netns answers a datagram from the host's loopback through 10.0.2.2, which
      // --disable-host-loopback (the default) drops: use the host's own address.
      const addr = hostAddress();
      if (!addr) {
        console.warn('skipped: no non-loopback IPv4 address on this host for the slirp4netns UDP test');
        return;
      }
      const c = await startDetached(['--network', backend, '-p', `${port}-${port + 1}:5353-5354/udp`, 'net:1', 'udpecho', '5354']);
      expect(await udpEcho(addr, port + 1, 'ping slirp4netns')).toBe('ping slirp4netns');
      expect((await run(['port', c.id])).stdout).toBe(`5353/udp -> 0.0.0.0:${port}\n5354/udp -> 0.0.0.0:${port + 1}\n`);
      await run(['rm', '-f', '-t', '0', c.id]);
    });
  }

  it('the default network is pasta (as info says); -p PORT:80 listens on all addresses', async () => {
    const info = await run(['info', '--format', '{{.Host.NetworkBackend}}']);
    expect(info.stdout.trim()).toBe('pasta');
    const port = await freePort();
    const c = await startDetached(['-p', `${port}:80`, 'net:1']);
    expect(readRecord(sb, c.id).config.network).toBe('pasta');
    expect((await run(['port', c.id])).stdout).toBe(`80/tcp -> 0.0.0.0:${port}\n`);
    expect((await httpGet('127.0.0.1', port)).body).toBe(PAGE);
    const addr = hostAddress();
    if (addr) expect((await httpGet(addr, port)).body).toBe(PAGE);
    await run(['rm', '-f', '-t', '0', c.id]);
  });

  it('--network container:A: B reaches A\'s httpd on 127.0.0.1 and sees A\'s /etc/hosts', async () => {
    const a = await startDetached(['--name', 'share-a', 'net:1']);
    const b = await run(['run', '--rm', '--name', 'share-b', '--network', 'container:share-a', 'net:1', 'sh', '-c', 'wget -qO- http://127.0.0.1:80/index.html; echo ===; cat /etc/hosts']);
    expect(b.exitCode, b.stderr).toBe(0);
    const [page, hosts] = b.stdout.split('===\n');
    expect(page).toBe(PAGE);
    // A's own file (bound, as podman 4.3), with B listed at 127.0.0.1 while it ran; its line left with it.
    const aHosts = fs.readFileSync(path.join(sb.root, 'containers', a.id, 'userdata', 'hosts'), 'utf8');
    expect(hosts).toMatch(/^127\.0\.0\.1\t[0-9a-f]{12} share-b$/m);
    expect(hosts!.replace(/^127\.0\.0\.1\t[0-9a-f]{12} share-b\n/m, '')).toBe(aHosts);
    const created = await run(['create', '--name', 'share-c', '--network', 'container:share-a', 'net:1']);
    expect(created.exitCode, created.stderr).toBe(0);
    expect((await run(['inspect', '--format', '{{.HostConfig.NetworkMode}}', 'share-c'])).stdout).toBe(`container:${a.id}\n`);
    // share-c depends on share-a, as in podman: rm of share-a is refused, start of share-c starts it first.
    const refused = await run(['rm', '-f', 'share-a']);
    expect([refused.exitCode, refused.stderr]).toEqual([125, `Error: container ${a.id} has dependent containers which must be removed before it: ${created.stdout.trim()}: container already exists\n`]);
    await run(['stop', '-t', '0', 'share-a']);
    const started = await run(['start', 'share-c']);
    expect(started.exitCode, started.stderr).toBe(0);
    expect((await run(['inspect', '--format', '{{.State.Status}}', 'share-a'])).stdout).toBe('running\n');
    await run(['rm', '-f', '-t', '0', 'share-c']);
    await run(['rm', '-f', '-t', '0', 'share-a']);
    const missing = await run(['run', '--rm', '--network', 'container:nosuch', 'net:1', 'true']);
    expect(missing.exitCode).toBe(125);
    expect(missing.stderr).toBe('Error: looking up container to share net namespace with: no container with name or ID "nosuch" found: no such container\n');
  });

  it('--network none has only lo', async () => {
    const r = await run(['run', '--rm', '--network', 'none', 'net:1', 'sh', '-c', "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('lo\n');
  });

  it('--dns, --add-host and --hostname are in the generated files; the container\'s own address is listed', async () => {
    const r = await run(['run', '--rm', '--network', 'slirp4netns', '--dns', '10.1.2.3', '--add-host', 'db.local:10.9.8.7', '--hostname', 'webhost', 'net:1', 'sh', '-c', 'cat /etc/resolv.conf /etc/hosts; hostname']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^nameserver 10\.1\.2\.3\n/);
    expect(r.stdout).toMatch(/^10\.9\.8\.7\tdb\.local$/m);
    // podman 4.3 rootless: the host's own address (slirp4netns reaches it).
    expect(r.stdout).toContain(`\n${hostAddress()}\thost.containers.internal\n`);
    expect(r.stdout).toMatch(/^10\.0\.2\.100\twebhost \S+$/m);
    expect(r.stdout).toMatch(/\nwebhost\n$/);
  });

  if (!full) return;

  it('-P publishes the image\'s EXPOSE on free host ports', async () => {
    const c = await startDetached(['-P', 'net:1']);
    const lines = (await run(['port', c.id])).stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const tcp = /^80\/tcp -> 0\.0\.0\.0:(\d+)$/.exec(lines.find((l) => l.startsWith('80/')) ?? '');
    expect(lines.some((l) => /^5353\/udp -> 0\.0\.0\.0:\d+$/.test(l))).toBe(true);
    expect(tcp).not.toBeNull();
    expect((await httpGet('127.0.0.1', Number(tcp![1]))).body).toBe(PAGE);
    expect((await run(['inspect', '--format', '{{.HostConfig.PublishAllPorts}}', c.id])).stdout).toBe('true\n');
    await run(['rm', '-f', '-t', '0', c.id]);
  });

  it('a privileged host port is refused before anything starts, naming the sysctl', async () => {
    const start = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
    if (start <= 80) {
      console.warn(`skipped: net.ipv4.ip_unprivileged_port_start is ${start}, port 80 is not privileged here`);
      return;
    }
    const r = await run(['run', '--name', 'priv', '-p', '80:80', 'net:1']);
    expect(r.exitCode).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `Error: cannot expose privileged port 80: an unprivileged user can only bind ports >= ${start} (net.ipv4.ip_unprivileged_port_start=${start}); ` +
        "allow it with 'sudo sysctl net.ipv4.ip_unprivileged_port_start=80' (add 'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf to keep it), " +
        `or choose a port >= ${start}\n`,
    );
    expect((await run(['ps', '-a', '--format', '{{.Names}}'])).stdout).not.toMatch(/^priv$/m);
  });

  it('the host loopback is reachable only when asked (pasta:--map-gw, slirp4netns:allow_host_loopback=true)', async () => {
    const server = http.createServer((_, res) => res.end('host-side\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      // The gateway stands for the host: pasta copies the host's, slirp4netns' is 10.0.2.2.
      const fetchHost = `GW=$(route -n | awk '/^0.0.0.0/{print $2}'); timeout 2 wget -qO- http://$GW:${port}/ || echo unreachable`;
      const cases: Array<[string, string]> = [
        ['pasta', 'unreachable\n'],
        ['pasta:--map-gw', 'host-side\n'],
        ['slirp4netns', 'unreachable\n'],
        ['slirp4netns:allow_host_loopback=true', 'host-side\n'],
      ];
      for (const [network, want] of cases) {
        const r = await run(['run', '--rm', '--network', network, 'net:1', 'sh', '-c', fetchHost]);
        expect(r.exitCode, r.stderr).toBe(0);
        expect(`${network}: ${r.stdout}`).toBe(`${network}: ${want}`);
      }
    } finally {
      server.close();
    }
  });

  it('the network program dies with a SIGKILLed monitor; ports and bad values are refused with clear messages', async () => {
    for (const backend of ['pasta', 'slirp4netns']) {
      const c = await startDetached(['--network', backend, '-p', `127.0.0.1:${await freePort()}:80`, 'net:1']);
      const progs = networkPrograms(c.monitor);
      expect(progs).toHaveLength(1);
      process.kill(c.monitor, 'SIGKILL');
      await until(() => progs.every(procGone), 5000, `${backend} to die with its monitor`);
      await run(['rm', '-f', '-t', '0', c.id]);
    }
    const bad = await run(['run', '--rm', '-p', '8080:80/icmp', 'net:1', 'true']);
    expect(bad.stderr).toBe('Error: unrecognized protocol "icmp" in port mapping\n');
    expect(bad.exitCode).toBe(125);
    const unknown = await run(['run', '--rm', '--network', 'mynet', 'net:1', 'true']);
    expect(unknown.stderr).toBe('Error: unable to find network with name or ID mynet: network not found\n');
    expect(unknown.exitCode).toBe(125);
    // A port already taken: podman's rootlessport words and 126, before the backend starts.
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as net.AddressInfo).port;
    try {
      const r = await run(['run', '--rm', '-p', `127.0.0.1:${taken}:80`, 'net:1']);
      expect([r.exitCode, r.stderr]).toEqual([126, `Error: rootlessport listen tcp 127.0.0.1:${taken}: bind: address already in use\n`]);
    } finally {
      holder.close();
    }
  });
}

describe('networking as the test user', () => suite('user', true));
describe.runIf(isRoot())('networking as root', () => suite('root', false));
