// The DNS responder of bridge networks, as the test user and as root:
// nslookup finds names, short ids and aliases of the containers on the
// querier's network only; other names go to the host's resolvers;
// connect/disconnect/rm change the answers while containers run;
// --disable-dns networks get none; the responder exits when its networks are
// idle, and a kill -9 of it is repaired by the next start.

import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runrootPid } from '../harness/host-procs.js';
import { type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, until, sandboxCli } from './run-util.js';

const dnsPid = (sb: Sandbox) => runrootPid(sb, 'networks/dns.json');
const alive = (pid: number | undefined): boolean => pid !== undefined && fs.existsSync(`/proc/${pid}`);

/** What the host's resolvers say of a name (undefined when they do not know it: the forward check is then skipped). */
function hostAddress(name: string): string | undefined {
  try {
    return execFileSync('getent', ['ahostsv4', name], { encoding: 'utf8', timeout: 5000 }).split(/\s+/)[0];
  } catch {
    return undefined;
  }
}

describe.each([['user'], ['root']] as const)('network DNS responder (%s)', (as) => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  /** nslookup's answer addresses for a name (empty when it does not resolve). */
  const lookup = async (ctr: string, name: string): Promise<string[]> => {
    const r = await cli(['exec', ctr, 'nslookup', name]);
    const after = r.stdout.split(/Name:/).slice(1).join('\n');
    return [...after.matchAll(/Address:\s*([0-9a-f.:]+)/g)].map((m) => m[1]!);
  };
  const net = as === 'user' ? '10.94' : '10.95';

  beforeAll(async () => {
    sb = await busyboxSandbox(`network-dns-${as}`, as);
    await ok(['network', 'create', '--subnet', `${net}.0.0/24`, 'dn1']);
    await ok(['network', 'create', '--subnet', `${net}.1.0/24`, 'dn2']);
    await ok(['network', 'create', '--disable-dns', '--subnet', `${net}.2.0/24`, 'nodns']);
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('answers names, ids and aliases on its network only, forwards the rest, follows connect/disconnect/rm', async () => {
    const id = (await ok(['run', '-d', '--name', 'alpha', '--network', 'dn1', '--network-alias', 'web', 'bb', 'sleep', '600'])).trim();
    await ok(['run', '-d', '--name', 'beta', '--network', 'dn1', 'bb', 'sleep', '600']);
    await ok(['run', '-d', '--name', 'gamma', '--network', 'dn2', 'bb', 'sleep', '600']);
    const alphaIp = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.dn1.IPAddress}}', 'alpha'])).trim();
    expect(alphaIp).toMatch(new RegExp(`^${net.replace('.', '\\.')}\\.0\\.\\d+$`));

    // resolv.conf as podman's: the gateway first, search dns.podman.
    const resolv = await ok(['exec', 'beta', 'cat', '/etc/resolv.conf']);
    expect(resolv).toMatch(new RegExp(`^search dns\\.podman.*\\nnameserver ${net.replace('.', '\\.')}\\.0\\.1\\n`));
    // Name, alias, short id, the dns.podman form; not from the hosts file (nslookup asks the server).
    expect(await lookup('beta', 'alpha')).toEqual([alphaIp]);
    expect(await lookup('beta', 'web')).toEqual([alphaIp]);
    expect(await lookup('beta', id.slice(0, 12))).toEqual([alphaIp]);
    expect(await lookup('beta', 'alpha.dns.podman')).toEqual([alphaIp]);
    // PTR: every name, as aardvark-dns (`alpha.`, `web.`, the short id).
    const ptr = await cli(['exec', 'beta', 'nslookup', alphaIp]);
    expect(ptr.stdout).toMatch(/name = alpha\n/);
    expect(ptr.stdout).toMatch(/name = web\n/);
    // Another network does not see them, nor can it ask dn1's server.
    expect(await lookup('gamma', 'alpha')).toEqual([]);
    const cross = await cli(['exec', 'gamma', 'nslookup', 'alpha', `${net}.0.1`]);
    expect(cross.stdout).not.toContain(alphaIp);
    // Other names: the host's resolvers.
    const known = hostAddress('registry.npmjs.org');
    if (known) expect(await lookup('beta', 'registry.npmjs.org')).toContain(known);

    // connect: gamma joins dn1 and resolves alpha; alpha resolves gamma.
    await ok(['network', 'connect', '--alias', 'g2', 'dn1', 'gamma']);
    expect(await lookup('gamma', 'alpha')).toEqual([alphaIp]);
    expect((await lookup('alpha', 'g2')).length).toBe(1);
    expect(await ok(['exec', 'gamma', 'cat', '/etc/resolv.conf'])).toMatch(new RegExp(`nameserver ${net.replace('.', '\\.')}\\.0\\.1\\n`));
    // disconnect: gone again.
    await ok(['network', 'disconnect', 'dn1', 'gamma']);
    expect(await lookup('alpha', 'g2')).toEqual([]);
    expect(await lookup('gamma', 'alpha')).toEqual([]);
    // rm: a removed container's name no longer resolves.
    await ok(['rm', '-f', '-t', '0', 'alpha']);
    expect(await lookup('beta', 'alpha')).toEqual([]);
    expect(await lookup('beta', 'web')).toEqual([]);
  }, 240_000);

  it('--disable-dns: no responder, the host resolvers', async () => {
    await ok(['run', '-d', '--name', 'quiet', '--network', 'nodns', 'bb', 'sleep', '600']);
    const resolv = await ok(['exec', 'quiet', 'cat', '/etc/resolv.conf']);
    expect(resolv).not.toContain(`${net}.2.1`);
    expect(resolv).not.toContain('dns.podman');
    await ok(['rm', '-f', '-t', '0', 'quiet']);
    // --dns on the network: its own upstream (here one that never answers), its names still local.
    await ok(['network', 'create', '--dns', '192.0.2.254', '--subnet', `${net}.3.0/24`, 'updns']);
    expect(JSON.parse(await ok(['network', 'inspect', 'updns']))[0]).toMatchObject({ dns_enabled: true, network_dns_servers: ['192.0.2.254'] });
    await ok(['run', '-d', '--name', 'own', '--network', 'updns', 'bb', 'sleep', '600']);
    const ownIp = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.updns.IPAddress}}', 'own'])).trim();
    expect(await lookup('own', 'own')).toEqual([ownIp]);
    // Asked directly (nslookup would go on to the host's server listed second).
    const known = hostAddress('registry.npmjs.org');
    if (known) {
      const viaGateway = await cli(['exec', 'own', 'nslookup', 'registry.npmjs.org', `${net}.3.1`]);
      expect(viaGateway.stdout).not.toContain(known);
      const viaDefault = await cli(['exec', 'own', 'nslookup', 'registry.npmjs.org']);
      expect(viaDefault.stdout).toContain(known);
    }
    await ok(['rm', '-f', '-t', '0', 'own']);
  }, 120_000);

  it('kill -9 of the responder: the next start brings it back; it exits once idle', async () => {
    await ok(['run', '-d', '--name', 'one', '--network', 'dn1', 'bb', 'sleep', '600']);
    const first = dnsPid(sb);
    expect(alive(first)).toBe(true);
    process.kill(first!, 'SIGKILL');
    await until(() => !alive(first), 10_000, 'the responder to die');
    await ok(['run', '-d', '--name', 'two', '--network', 'dn1', 'bb', 'sleep', '600']);
    const second = dnsPid(sb);
    expect(second).not.toBe(first);
    expect(alive(second)).toBe(true);
    const oneIp = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.dn1.IPAddress}}', 'one'])).trim();
    expect(await lookup('two', 'one')).toEqual([oneIp]);
    // Idle: every container gone, the responder leaves by itself.
    await ok(['rm', '-fa', '-t', '0']);
    await until(() => !alive(second), 40_000, 'the idle responder to exit');
  }, 180_000);
});
