// compose on tsc-run's bridge networks, as the unprivileged user: the
// project's default network and named ones (ipam subnet, internal,
// ipv4_address, aliases, external), services reaching each other by service
// name, container name and alias (two of them on port 80), networks
// isolated from each other, labels as docker compose sets them, refusals
// before anything is created, and `down` removing the project's networks
// (never an external one).

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox, composeProjects } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('compose-net', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const { projectDir, compose, composeOk } = composeProjects(() => sb);
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** GET through a published port, retried while the service's httpd starts (up -d does not wait for it, as podman). */
async function getPublished(url: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await (await fetch(url)).text();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const lines = (s: string) => s.split('\n').filter(Boolean).sort();

async function networks(): Promise<string[]> {
  return lines((await tscRunOk(['network', 'ls', '--format', '{{.Name}}'], { sandbox: sb })).stdout).filter((n) => n !== 'podman');
}

async function containers(): Promise<string[]> {
  return lines((await tscRunOk(['ps', '-a', '--format', '{{.Names}}'], { sandbox: sb })).stdout);
}

const SERVICES = [
  'name: nt',
  'services:',
  '  web:',
  '    image: bb',
  '    command: ["sh", "-c", "mkdir /w; echo web > /w/i; exec httpd -f -p 80 -h /w"]',
  '    networks:',
  '      front:',
  '        aliases: [frontend]',
  '  api:',
  '    image: bb',
  '    command: ["sh", "-c", "mkdir /w; echo api > /w/i; exec httpd -f -p 80 -h /w"]',
  '    networks:',
  '      back:',
  '        ipv4_address: 10.123.7.50',
  '  client:',
  '    image: bb',
  '    command: ["sleep", "1000"]',
  '    stop_signal: SIGKILL',
  '    networks: [front, back, shared]',
  '  plain:',
  '    image: bb',
  '    command: ["sh", "-c", "mkdir /w; echo plain > /w/i; exec httpd -f -p 80 -h /w"]',
  '  peer:',
  '    image: bb',
  '    command: ["sleep", "1000"]',
  '    stop_signal: SIGKILL',
  'networks:',
  '  front:',
  '    ipam:',
  '      config: [{subnet: 10.123.6.0/24}]',
  '  back:',
  '    internal: true',
  '    labels: {tier: back}',
  '    ipam:',
  '      config: [{subnet: 10.123.7.0/24, gateway: 10.123.7.254}]',
  '  shared:',
  '    external: true',
  '    name: outside',
  '',
].join('\n');

describe('compose networks', () => {
  it('refuses what the networks cannot do before creating anything', async () => {
    const cases: Array<[string, RegExp]> = [
      ['services:\n  a:\n    image: bb\n    networks: [n]\nnetworks:\n  n:\n    ipam:\n      config: [{subnet: 10.1.2.0/24, aux_addresses: {h: 10.1.2.9}}]\n', /^Error: networks\.n\.ipam\.config\[0\]\.aux_addresses: reserved addresses are not supported/],
      ['services:\n  a:\n    image: bb\n    networks: [nope]\n', /undefined network nope/],
      ['services:\n  a:\n    image: bb\n    networks:\n      n: {link_local_ips: [169.254.1.1]}\nnetworks:\n  n: {}\n', /services\.a\.networks\.n\.link_local_ips/],
      ['services:\n  a:\n    image: bb\n    networks: [ext]\nnetworks:\n  ext: {external: true}\n', /network ext declared as external, but could not be found/],
    ];
    for (const [i, [text, re]] of cases.entries()) {
      const dir = projectDir(`bad${i}`, { 'compose.yaml': text });
      const r = await compose(dir, ['up', '-d']);
      expect(r.exitCode, text).toBe(125);
      expect(r.stderr, text).toMatch(re);
    }
    expect(await networks()).toEqual([]);
    expect(await containers()).toEqual([]);
  });

  it('puts services on the default and named networks: by service name, container name and alias; isolated; down removes them', async () => {
    await tscRunOk(['network', 'create', 'outside'], { sandbox: sb });
    const dir = projectDir('nt', { 'compose.yaml': SERVICES });
    const up = await composeOk(dir, ['up', '-d']);
    expect(up.stderr).toMatch(/^ Network nt_front {2}Created$/m);
    expect(up.stderr).toMatch(/^ Network nt_default {2}Created$/m);
    expect(up.stderr).not.toMatch(/Network outside/);
    expect(await networks()).toEqual(['nt_back', 'nt_default', 'nt_front', 'outside']);

    // Labels and options as docker compose gives them.
    const back = JSON.parse((await tscRunOk(['network', 'inspect', 'nt_back'], { sandbox: sb })).stdout) as Array<{ internal: boolean; labels: Record<string, string>; subnets: Array<{ subnet: string; gateway: string }> }>;
    expect(back[0]!.internal).toBe(true);
    expect(back[0]!.labels).toEqual({ 'com.docker.compose.project': 'nt', 'com.docker.compose.network': 'back', 'com.docker.compose.version': '2.24.0', tier: 'back' });
    expect(back[0]!.subnets).toEqual([{ subnet: '10.123.7.0/24', gateway: '10.123.7.254' }]);

    // Two services on port 80, reached from a third by service name, container name, alias and static address.
    const got = await composeOk(dir, ['exec', '-T', 'client', 'sh', '-c', 'for h in web nt-web-1 frontend api nt-api-1 10.123.7.50; do wget -qO- http://$h/i; done']);
    expect(got.stdout).toBe('web\nweb\nweb\napi\napi\napi\n');
    // The engine's DNS responder answers the service name and alias on the network's gateway.
    const dns = await composeOk(dir, ['exec', '-T', 'client', 'sh', '-c', 'nslookup frontend 10.123.6.1; nslookup api 10.123.7.254']);
    expect(dns.stdout).toMatch(/Name:\s+frontend\s+Address: 10\.123\.6\.\d+/);
    expect(dns.stdout).toMatch(/Address: 10\.123\.7\.50/);
    // The default network: by service name.
    expect((await composeOk(dir, ['exec', '-T', 'peer', 'wget', '-qO-', 'http://plain/i'])).stdout).toBe('plain\n');
    // Networks are isolated: web (front only) does not reach api (back only), nor plain (default).
    const cross = await compose(dir, ['exec', '-T', 'web', 'sh', '-c', 'wget -T 3 -qO- http://10.123.7.50/i || echo unreachable']);
    expect(cross.stdout).toBe('unreachable\n');
    const hosts = (await composeOk(dir, ['exec', '-T', 'web', 'cat', '/etc/hosts'])).stdout;
    expect(hosts).not.toMatch(/\bapi\b|\bplain\b/);

    // An unchanged project is left as it is; down removes containers and the project's networks, not the external one.
    const again = await composeOk(dir, ['up', '-d']);
    expect(again.stderr).not.toMatch(/Network .* Created/);
    expect(again.stderr).toMatch(/Container nt-web-1 {2}Running/);
    const down = await composeOk(dir, ['down', '-t', '0']);
    expect(down.stderr).toMatch(/^ Network nt_back {2}Removed$/m);
    expect(await containers()).toEqual([]);
    expect(await networks()).toEqual(['outside']);
    await tscRunOk(['network', 'rm', 'outside'], { sandbox: sb });
  });

  it('publishes ports from services on networks, each reaching the other by name', async () => {
    const port = await freePort();
    const dir = projectDir('pt', {
      'compose.yaml': [
        'services:',
        '  front:',
        '    image: bb',
        '    command: ["sh", "-c", "mkdir /w; echo front > /w/i; exec httpd -f -p 80 -h /w"]',
        `    ports: ["127.0.0.1:${port}:80"]`,
        '    networks: [default, inner]',
        '  back:',
        '    image: bb',
        '    command: ["sh", "-c", "mkdir /w; echo back > /w/i; exec httpd -f -p 80 -h /w"]',
        '    networks: [inner]',
        'networks:',
        '  inner: {}',
        '',
      ].join('\n'),
    });
    await composeOk(dir, ['up', '-d']);
    expect(await getPublished(`http://127.0.0.1:${port}/i`)).toBe('front\n');
    expect((await composeOk(dir, ['exec', '-T', 'front', 'wget', '-qO-', 'http://back/i'])).stdout).toBe('back\n');
    // back (one network) finds front (two) by name right after up -d: the bridges of the previous
    // test's networks, left in the rootless netns, once kept this project's gateway from answering.
    expect((await composeOk(dir, ['exec', '-T', 'back', 'wget', '-qO-', 'http://front/i'])).stdout).toBe('front\n');
    expect((await composeOk(dir, ['port', 'front', '80'])).stdout).toBe(`127.0.0.1:${port}\n`);
    await composeOk(dir, ['down', '-t', '0']);
    expect(await containers()).toEqual([]);
    expect(await networks()).toEqual([]);
  });
});
