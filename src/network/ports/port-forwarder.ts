// The forwarder of one container's published ports (rootlessport's role):
// `tsc-run network port-forward`, run by bridge-ports.ts through the
// helper's port-bind (which bound the host sockets, in the host's network
// namespace, on fds 3...) and nsenter (so we run inside the rootless netns,
// where the container's address is reachable). TCP: each accepted
// connection is piped to a connection to the container (half-close kept).
// UDP: one socket towards the container per client address, idle ones
// closed after a minute. Lives while the container's veth does (it dies
// with the container's namespace, whatever killed it); gives up if the veth
// never appears.

import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import { liveVeths } from '../dns/dns-server.js';

export interface ForwardSpec {
  proto: 'tcp' | 'udp';
  /** The inherited socket (3, 4, ...). */
  fd: number;
  /** udp6 for a socket bound on an IPv6 address. */
  v6: boolean;
  target: string;
  port: number;
}

/** `tcp:3:4:10.89.0.2:80` / `udp:4:6:fd00::2:53` (proto, fd, family, target, port). */
export function parseForwardSpec(text: string): ForwardSpec | undefined {
  const m = /^(tcp|udp):(\d+):([46]):(.+):(\d+)$/.exec(text);
  if (!m) return undefined;
  return { proto: m[1] as 'tcp' | 'udp', fd: Number(m[2]), v6: m[3] === '6', target: m[4]!, port: Number(m[5]) };
}

export function formatForwardSpec(s: ForwardSpec): string {
  return `${s.proto}:${s.fd}:${s.v6 ? 6 : 4}:${s.target}:${s.port}`;
}

const UDP_IDLE_MS = 60_000;
const VETH_WAIT_MS = 30_000;

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}

function forwardTcp(s: ForwardSpec): void {
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const up = net.connect({ host: s.target, port: s.port, allowHalfOpen: true });
    const drop = () => {
      client.destroy();
      up.destroy();
    };
    client.on('error', drop);
    up.on('error', drop);
    // An end is passed on by pipe (half-close), buffered bytes first.
    client.pipe(up);
    up.pipe(client);
  });
  server.on('error', (err) => log(`tcp fd ${s.fd}: ${err.message}`));
  server.listen({ fd: s.fd });
}

function forwardUdp(s: ForwardSpec): void {
  const front = dgram.createSocket(s.v6 ? 'udp6' : 'udp4');
  const sessions = new Map<string, { sock: dgram.Socket; timer: NodeJS.Timeout }>();
  const family = net.isIP(s.target) === 6 ? 'udp6' : 'udp4';
  front.on('error', (err) => log(`udp fd ${s.fd}: ${err.message}`));
  front.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}|${rinfo.port}`;
    let sess = sessions.get(key);
    if (!sess) {
      const sock = dgram.createSocket(family);
      sock.on('message', (reply) => {
        front.send(reply, rinfo.port, rinfo.address);
        refresh();
      });
      sock.on('error', () => close());
      const close = () => {
        const cur = sessions.get(key);
        if (!cur) return;
        clearTimeout(cur.timer);
        sessions.delete(key);
        cur.sock.close();
      };
      sess = { sock, timer: setTimeout(close, UDP_IDLE_MS) };
      sessions.set(key, sess);
    }
    const refresh = () => {
      const cur = sessions.get(key);
      cur?.timer.refresh();
    };
    refresh();
    sess.sock.send(msg, s.port, s.target);
  });
  front.bind({ fd: s.fd });
}

export async function forwardPorts(veth: string, specs: readonly ForwardSpec[]): Promise<void> {
  for (const s of specs) (s.proto === 'tcp' ? forwardTcp : forwardUdp)(s);
  // Ready: the parent (a start) reads this line, then goes on.
  fs.writeSync(1, 'ready\n');
  const started = Date.now();
  let seen = false;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const present = liveVeths().has(veth);
      if (present) seen = true;
      else if (seen || Date.now() - started > VETH_WAIT_MS) {
        clearInterval(tick);
        resolve();
      }
    }, 500);
  });
  process.exit(0);
}
