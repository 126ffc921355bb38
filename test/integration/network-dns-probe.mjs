// Run by network-dns-helper.test.ts inside `unshare -rn` (a user and network
// namespace of its own): the helper's dns-serve listens on addresses put on
// lo, with a records file written here, a fake upstream DNS server beside it
// (UDP: one A record; TCP: 40, more than a UDP answer holds), and queries
// from addresses of each network (isolation from other namespaces is
// checked with containers: network-dns.test.ts, network-dns-tcp.test.ts). Prints one JSON object of
// results. Liveness: the veth `lo` exists, `gone0` does not.
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';

const [helper, dir] = process.argv.slice(2);
const ip = (...a) => execFileSync('ip', a);
ip('link', 'set', 'lo', 'up');
for (const a of ['10.9.0.1/24', '10.9.0.2/24', '10.9.0.3/24', '10.9.1.1/24', '10.9.1.2/24', '10.9.1.3/24', '10.9.9.9/32']) ip('addr', 'add', a, 'dev', 'lo');
ip('-6', 'addr', 'add', 'fd09::1/64', 'dev', 'lo', 'nodad');

const wireName = (n) => Buffer.concat([...n.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
function query(n, type, id = 7) {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(0x0100, 2);
  h.writeUInt16BE(1, 4);
  const t = Buffer.alloc(4);
  t.writeUInt16BE(type, 0);
  t.writeUInt16BE(1, 2);
  return Buffer.concat([h, wireName(n), t]);
}
function parse(b) {
  const flags = b.readUInt16BE(2);
  const out = { id: b.readUInt16BE(0), rcode: flags & 0xf, tc: (flags & 0x0200) !== 0, ra: (flags & 0x0080) !== 0, answers: [] };
  let o = 12;
  while (b[o]) o += b[o] + 1;
  o += 5;
  for (let i = 0; i < b.readUInt16BE(6); i++) {
    if ((b[o] & 0xc0) === 0xc0) o += 2;
    else {
      while (b[o]) o += b[o] + 1;
      o++;
    }
    const type = b.readUInt16BE(o);
    out.ttl = b.readUInt32BE(o + 4);
    const d = b.subarray(o + 10, o + 10 + b.readUInt16BE(o + 8));
    o += 10 + d.length;
    if (type === 1) out.answers.push(`A ${[...d].join('.')}`);
    else if (type === 28) out.answers.push(`AAAA ${d.toString('hex')}`);
    else if (type === 12) {
      const parts = [];
      for (let p = 0; d[p]; p += d[p] + 1) parts.push(d.subarray(p + 1, p + 1 + d[p]).toString());
      out.answers.push(`PTR ${parts.join('.')}.`);
    } else out.answers.push(`TYPE${type}`);
  }
  return out;
}

// The fake upstream: A 192.0.2.1 (UDP), 192.0.2.1..40 (TCP).
function fakeAnswer(q, n) {
  const h = Buffer.from(q);
  h.writeUInt16BE(0x8180, 2);
  h.writeUInt16BE(n, 6);
  h.writeUInt32BE(0, 8);
  let end = 12;
  while (h[end]) end += h[end] + 1;
  end += 5;
  const rr = [];
  for (let i = 0; i < n; i++) rr.push(Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 192, 0, 2, 1 + i]));
  return Buffer.concat([h.subarray(0, end), ...rr]);
}
let upstreamQueries = 0;
const up = dgram.createSocket('udp4');
up.on('message', (m, r) => {
  upstreamQueries++;
  up.send(fakeAnswer(m, 1), r.port, r.address);
});
await new Promise((r) => up.bind(53, '10.9.9.9', r));
const upTcp = net.createServer((s) => {
  let buf = Buffer.alloc(0);
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
    const a = fakeAnswer(buf.subarray(2, 2 + buf.readUInt16BE(0)), 40);
    const l = Buffer.alloc(2);
    l.writeUInt16BE(a.length);
    s.end(Buffer.concat([l, a]));
  });
});
await new Promise((r) => upTcp.listen(53, '10.9.9.9', r));

function startTimeOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}
const startTime = startTimeOf(process.pid);
const records = `${dir}/dns.records`;
const replace = (text) => {
  fs.writeFileSync(`${records}.tmp`, text);
  fs.renameSync(`${records}.tmp`, records);
};
const [A, B, C, D, E] = ['a', 'b', 'c', 'd', 'e'].map((x) => x.repeat(64));
// The pid directory: E's process is gone (its veth, lo here, is not), A's is this one.
fs.mkdirSync(`${dir}/pids`);
fs.writeFileSync(`${dir}/pids/${E}`, `1 1\n`);
fs.writeFileSync(`${dir}/pids/${A}`, `${process.pid} ${startTimeOf(process.pid)}\n`);
replace(
  [
    'tsc-run-dns 1',
    'network n1',
    'listen 10.9.0.1',
    'listen fd09::1',
    'subnet 10.9.0.0 24',
    'subnet fd09:: 64',
    'upstream 10.9.9.9',
    `container ${A} lo 0 10.9.0.2,fd09::2 alpha,web,${A.slice(0, 12)}`,
    `container ${C} gone0 0 10.9.0.4 dead,${C.slice(0, 12)}`,
    `container ${D} lo 0 10.9.0.3 multi,${D.slice(0, 12)}`,
    `container ${E} lo 0 10.9.0.5 ghost,${E.slice(0, 12)}`,
    'network n2',
    'listen 10.9.1.1',
    'subnet 10.9.1.0 24',
    'upstream 10.9.9.9',
    `container ${B} lo 0 10.9.1.2 beta,${B.slice(0, 12)}`,
    `container ${D} lo 0 10.9.1.3 multi,${D.slice(0, 12)}`,
    '',
  ].join('\n'),
);
const log = fs.openSync(`${dir}/dns.log`, 'w');
const child = spawn(helper, ['dns-serve', '--records', records, '--holder', `${process.pid}:${startTime}`, '--idle', '2', '--pids', `${dir}/pids`], { stdio: ['ignore', 'ignore', log] });

const udp = (server, from, n, type, id) =>
  new Promise((resolve) => {
    const s = dgram.createSocket(server.includes(':') ? 'udp6' : 'udp4');
    const t = setTimeout(() => {
      s.close();
      resolve('timeout');
    }, 3000);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(parse(m));
    });
    s.bind(0, from, () => s.send(typeof n === 'string' ? query(n, type, id) : n, 53, server));
  });
// Two queries on one connection (a client may reuse it), both answers.
const tcp = (server, from, n, type) =>
  new Promise((resolve) => {
    const q = query(n, type);
    const l = Buffer.alloc(2);
    l.writeUInt16BE(q.length);
    const s = net.connect({ host: server, port: 53, localAddress: from }, () => s.write(Buffer.concat([l, q, l, q])));
    let buf = Buffer.alloc(0);
    const out = [];
    const timer = setTimeout(() => {
      s.destroy();
      resolve(`timeout after ${out.length}`);
    }, 8000);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(parse(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length === 2) {
        clearTimeout(timer);
        s.destroy();
        resolve(out);
      }
    });
    s.on('error', (e) => resolve(`error ${e.message}`));
  });

for (let i = 0; i < 100 && (await udp('10.9.0.1', '10.9.0.2', 'alpha', 1)) === 'timeout'; i++);
const r = {};
r.alpha = await udp('10.9.0.1', '10.9.0.2', 'alpha', 1);
r.aliasInDomain = await udp('10.9.0.1', '10.9.0.3', 'WEB.dns.podman', 1);
r.shortId = await udp('10.9.0.1', '10.9.0.3', A.slice(0, 12), 1);
r.aaaa = await udp('10.9.0.1', '10.9.0.3', 'alpha', 28);
r.aaaaNone = await udp('10.9.0.1', '10.9.0.2', 'multi', 28);
r.ptr = await udp('10.9.0.1', '10.9.0.3', '2.0.9.10.in-addr.arpa', 12);
r.ptr6 = await udp('10.9.0.1', '10.9.0.3', `2.${'0.'.repeat(27)}9.0.d.f.ip6.arpa`, 12);
r.dead = await udp('10.9.0.1', '10.9.0.2', 'dead', 1);
r.processGone = await udp('10.9.0.1', '10.9.0.2', 'ghost', 1);
r.otherNetwork = await udp('10.9.1.1', '10.9.1.2', 'alpha', 1);
r.onBoth = await udp('10.9.1.1', '10.9.1.3', 'alpha', 1);
// From an address of this namespace outside n1 (as the responder forwarding to a gateway of ours): answered.
r.localAsker = await udp('10.9.0.1', '10.9.1.2', 'alpha', 1);
r.overV6 = await udp('fd09::1', 'fd09::1', 'alpha', 1);
r.forwarded = await udp('10.9.0.1', '10.9.0.2', 'example.org', 1, 99);
r.singleLabel = await udp('10.9.0.1', '10.9.0.2', 'nosuch', 1);
r.inDomain = await udp('10.9.0.1', '10.9.0.2', 'nosuch.dns.podman', 1);
r.tcpLocal = await tcp('10.9.0.1', '10.9.0.2', 'web', 1);
r.tcpForwarded = await tcp('10.9.0.1', '10.9.0.2', 'big.example.org', 1);
r.garbage = await udp('10.9.0.1', '10.9.0.2', Buffer.from([1, 2, 3]), 1);
r.upstreamQueries = upstreamQueries;
// A changed file is read again without a signal.
replace(fs.readFileSync(records, 'utf8').replace('alpha,web', 'alpha,web,newname'));
await new Promise((res) => setTimeout(res, 1500));
r.reread = await udp('10.9.0.1', '10.9.0.2', 'newname', 1);
// A malformed file is refused: the old table stays.
replace('tsc-run-dns 1\nnetwork\n');
child.kill('SIGHUP');
await new Promise((res) => setTimeout(res, 300));
r.afterMalformed = await udp('10.9.0.1', '10.9.0.2', 'alpha', 1);
// Nothing to serve: it stops listening and exits after --idle.
replace('tsc-run-dns 1\n');
child.kill('SIGHUP');
r.idleExit = await new Promise((res) => {
  const t = setTimeout(() => res('still running'), 8000);
  child.on('exit', (code) => {
    clearTimeout(t);
    res(code);
  });
});
r.log = fs.readFileSync(`${dir}/dns.log`, 'utf8');
process.stdout.write(JSON.stringify(r) + '\n');
process.exit(0);
