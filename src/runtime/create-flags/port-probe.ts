// Published host ports are checked free before a start: pasta carries on
// when it cannot bind one (the container runs unreachable) and slirp4netns
// answers with its raw API error. podman's rootlessport fails the start with
// 126 and the address; so do we. A port taken between this probe and the
// network program's bind is the rare race left.

import dgram from 'node:dgram';
import net from 'node:net';
import { TscRunError } from '../../errors.js';
import type { PortMapping } from '../../storage/containers.js';

function tryTcp(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(undefined)));
  });
}

function tryUdp(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    sock.once('error', (err: NodeJS.ErrnoException) => {
      sock.close();
      resolve(err);
    });
    sock.bind({ address: host, port, exclusive: true }, () => sock.close(() => resolve(undefined)));
  });
}

/** Throw podman's 126 and `listen tcp ADDR:PORT: bind: address already in use` for the first published port in use. */
export async function checkPortsFree(ports: readonly PortMapping[]): Promise<void> {
  for (const p of ports) {
    const proto = p.protocol ?? 'tcp';
    if (proto !== 'tcp' && proto !== 'udp') continue;
    const host = p.hostIP || '0.0.0.0';
    for (let i = 0; i < (p.range ?? 1); i++) {
      const port = p.hostPort + i;
      const err = proto === 'tcp' ? await tryTcp(host, port) : await tryUdp(host, port);
      if (err?.code === 'EADDRINUSE') {
        const addr = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
        throw new TscRunError(`rootlessport listen ${proto} ${addr}: bind: address already in use`, 126);
      }
    }
  }
}
