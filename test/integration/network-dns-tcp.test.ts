// The DNS responder of bridge networks, end to end beyond network-dns.test.ts,
// as the test user: a query over TCP from a container (busybox nc) is
// answered; a name that is not the network's goes to the network's upstream
// (`network create --dns`), here the responder of another network, which
// knows it as an alias, and comes back to the container; the responder is
// the helper, small (RSS), not a Node process.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, rssKb, sandboxCli } from './run-util.js';

/** A query for `name` (type A, id 0x4242) with TCP's two-byte length, as printf octal escapes. */
function tcpQueryEscapes(name: string): string {
  const labels = name.split('.').flatMap((l) => [l.length, ...Buffer.from(l)]);
  const msg = [0x42, 0x42, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1];
  return [msg.length >> 8, msg.length & 0xff, ...msg].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/** The A records of a TCP answer (od -tx1 output). */
function tcpAnswer(odText: string): { id: number; rcode: number; addresses: string[] } {
  const b = Buffer.from(odText.trim().split(/\s+/).filter(Boolean).map((h) => parseInt(h, 16)));
  const m = b.subarray(2, 2 + b.readUInt16BE(0));
  let o = 12;
  while (m[o]) o += m[o]! + 1;
  o += 5;
  const addresses: string[] = [];
  for (let i = 0; i < m.readUInt16BE(6); i++) {
    o += 2;
    const type = m.readUInt16BE(o);
    const len = m.readUInt16BE(o + 8);
    if (type === 1) addresses.push([...m.subarray(o + 10, o + 14)].join('.'));
    o += 10 + len;
  }
  return { id: m.readUInt16BE(0), rcode: m.readUInt16BE(2) & 0xf, addresses };
}

describe('network DNS responder: TCP, upstream forwarding, footprint', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const ipOn = async (ctr: string, net: string) => (await ok(['inspect', '--format', `{{.NetworkSettings.Networks.${net}.IPAddress}}`, ctr])).trim();

  beforeAll(async () => {
    sb = await busyboxSandbox('network-dns-tcp', 'user');
    await ok(['network', 'create', '--subnet', '10.97.0.0/24', 'tcpnet']);
    await ok(['network', 'create', '--subnet', '10.97.1.0/24', 'upnet']);
    // fwdnet's names it does not know go to upnet's responder.
    await ok(['network', 'create', '--subnet', '10.97.2.0/24', '--dns', '10.97.1.1', 'fwdnet']);
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('answers over TCP; forwards what is not its own to the network upstream; is the helper, under 4 MB', async () => {
    await ok(['run', '-d', '--name', 'srv', '--network', 'tcpnet', '--network-alias', 'api', 'bb', 'sleep', '600']);
    await ok(['run', '-d', '--name', 'cli', '--network', 'tcpnet', 'bb', 'sleep', '600']);
    const srvIp = await ipOn('srv', 'tcpnet');
    const tcp = await ok(['exec', 'cli', 'sh', '-c', `printf '${tcpQueryEscapes('api')}' | timeout 3 nc 10.97.0.1 53 | od -An -v -tx1`]);
    expect(tcpAnswer(tcp)).toEqual({ id: 0x4242, rcode: 0, addresses: [srvIp] });
    const missing = await ok(['exec', 'cli', 'sh', '-c', `printf '${tcpQueryEscapes('nosuch.dns.podman')}' | timeout 3 nc 10.97.0.1 53 | od -An -v -tx1`]);
    expect(tcpAnswer(missing)).toMatchObject({ rcode: 3, addresses: [] });

    // Forwarding: db.example.test is an alias on upnet only; fwdnet's responder forwards it (it has dots, it is not ours).
    await ok(['run', '-d', '--name', 'db', '--network', 'upnet', '--network-alias', 'db.example.test', 'bb', 'sleep', '600']);
    await ok(['run', '-d', '--name', 'asker', '--network', 'fwdnet', 'bb', 'sleep', '600']);
    const dbIp = await ipOn('db', 'upnet');
    const fwd = await ok(['exec', 'asker', 'nslookup', 'db.example.test', '10.97.2.1']);
    expect(fwd.split(/Name:/).slice(1).join('')).toContain(`Address: ${dbIp}`);
    // The asker cannot reach upnet itself (networks are isolated): the answer came through its own responder.
    const direct = await cli(['exec', 'asker', 'sh', '-c', `printf '${tcpQueryEscapes('db.example.test')}' | timeout 2 nc 10.97.1.1 53 | od -An -v -tx1`]);
    expect(direct.stdout.trim()).toBe('');

    const st = JSON.parse(fs.readFileSync(path.join(sb.runroot, 'networks', 'dns.json'), 'utf8')) as { pid: number };
    expect(fs.readlinkSync(`/proc/${st.pid}/exe`)).toContain('tsc-run-helper');
    expect(rssKb(st.pid)).toBeLessThan(4096);
  }, 180_000);
});
