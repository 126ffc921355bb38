// A free host port for -P and `-p CONTAINERPORT`, found as podman's
// GetRandomPort does: bind port 0 on all addresses, read what the kernel
// chose, close. (Another process may take it before the container starts;
// the network program then fails with "address in use".)

import net from 'node:net';

export function randomFreePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(0));
    srv.listen({ port: 0, exclusive: true }, () => {
      const a = srv.address();
      const port = a && typeof a === 'object' ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
