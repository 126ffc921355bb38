// `search` and `image search` against Debian's docker-registry (the v2
// catalog, tags, basic auth), a Hub-style v1 search endpoint served here
// (descriptions, stars, official/automated, truncation and filters), the
// unqualified-search registries of registries.conf, and podman's own output
// for the same registry side by side (as root, where podman runs here).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { buildBusyboxImage } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import { storePool } from '../harness/fixtures.js';
import type { Sandbox } from '../harness/sandbox.js';
import { isRoot } from '../harness/user.js';

let reg: Registry;
let authReg: Registry;
let hub: http.Server;
let hubHost: string;
let sb: Sandbox;
const stores = storePool('search');
const LONG = 'A very long description that goes on and on well past forty-four characters\nwith a newline';

beforeAll(async () => {
  [reg, authReg] = await Promise.all([startRegistry(), startRegistry({ auth: { user: 'sam', password: 'pw-search' } })]);
  const img = await buildBusyboxImage({});
  for (const [repo, tag] of [['library/busybox', '1'], ['library/busybox', '2'], ['team/busytool', 'latest'], ['alpine', '3'], ['busybox', 'x']] as const) await pushImage(reg, repo, tag, img);
  await pushImage(authReg, 'private/busybox', 'latest', img);
  // A registry with the Hub's v1 search API (docker-registry has none).
  hub = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/v2/') return res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' }).end('{}');
    if (url.pathname !== '/v1/search') return res.writeHead(404).end();
    const q = url.searchParams.get('q');
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        query: q,
        results: [
          { name: 'tool', description: LONG, star_count: 120, is_official: true, is_automated: false },
          { name: 'someone/tool', description: 'short', star_count: 3, is_official: false, is_automated: true },
        ],
      }),
    );
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubHost = `127.0.0.1:${(hub.address() as AddressInfo).port}`;
  sb = await stores.empty('main');
});
afterAll(async () => {
  await stores.dispose();
  hub?.close();
  await Promise.all([reg?.stop(), authReg?.stop()]);
});

const search = (args: string[], env?: Record<string, string>) => tscRun(['search', '--tls-verify=false', ...args], { sandbox: sb, env });

describe('search (test user)', () => {
  it('matches catalog repositories by substring, an exact match first, with podman\'s table', async () => {
    const r = await search([`${reg.host}/busy`]);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    const names = r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['NAME', `${reg.host}/busybox`, `${reg.host}/library/busybox`, `${reg.host}/team/busytool`]);
    const exact = await search([`${reg.host}/busybox`]);
    expect(exact.stdout.split('\n')[1]).toMatch(new RegExp(`^${reg.host}/busybox\\s*$`));
    // The whole catalog, --limit, and no match at all (nothing printed, exit 0).
    expect((await search([`${reg.host}/`])).stdout.trim().split('\n')).toHaveLength(5);
    expect((await search(['--limit', '1', `${reg.host}/busy`])).stdout.trim().split('\n')).toHaveLength(2);
    expect(await search([`${reg.host}/nomatch`])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('lists tags, as a table and as JSON grouped by repository; image search is the same command', async () => {
    const t = await search(['--list-tags', `${reg.host}/library/busybox`]);
    expect(t.stdout.trim().split('\n').map((l) => l.split(/\s+/))).toEqual([
      ['NAME', 'TAG'],
      [`${reg.host}/library/busybox`, expect.any(String)],
      [`${reg.host}/library/busybox`, expect.any(String)],
    ]);
    const j = await tscRunOk(['image', 'search', '--tls-verify=false', '--list-tags', '--format', 'json', `${reg.host}/alpine`], { sandbox: sb });
    expect(JSON.parse(j.stdout)).toEqual([{ Name: `${reg.host}/alpine`, Tags: ['3'] }]);
    const missing = await search(['--list-tags', `${reg.host}/nosuch`]);
    expect(missing.exitCode).toBe(125);
    expect(missing.stderr).toMatch(/^Error: getting repository tags: fetching tags list: .*\n$/);
  });

  it('reads v1 search results: descriptions truncated in the table (not with --no-trunc, never in JSON), stars, official, filters, templates', async () => {
    const r = await search(['--compatible', `${hubHost}/tool`]);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL\s+AUTOMATED$/);
    expect(lines[1]).toContain(`${hubHost}/tool`);
    expect(lines[1]).toContain(`${LONG.replace('\n', ' ').slice(0, 44).trim()}...`);
    expect(lines[1]).toMatch(/120\s+\[OK\]/);
    expect(lines[2]).toMatch(/someone\/tool\s+short\s+3\s+\[OK\]$/);
    expect((await search(['--no-trunc', `${hubHost}/tool`])).stdout).toContain(LONG.replace('\n', ' '));
    const json = JSON.parse((await search(['--format', 'json', `${hubHost}/tool`])).stdout) as Array<Record<string, unknown>>;
    expect(json[0]).toEqual({ Index: hubHost, Name: `${hubHost}/tool`, Description: LONG.replace('\n', ' '), Stars: 120, Official: '[OK]', Automated: '', Tag: '' });
    expect((await search(['--filter', 'is-official', '--format', '{{.Name}}', `${hubHost}/tool`])).stdout).toBe(`${hubHost}/tool\n`);
    expect((await search(['--filter', 'is-automated=true', '--format', '{{.Name}}', `${hubHost}/tool`])).stdout).toBe(`${hubHost}/someone/tool\n`);
    expect((await search(['--filter', 'stars=100', '--format', 'table {{.Index}} {{.Stars}}', `${hubHost}/tool`])).stdout).toMatch(new RegExp(`^INDEX\\s+STARS\\n${hubHost}\\s+120\\n$`));
  });

  it('searches every unqualified-search registry of registries.conf for a bare term', async () => {
    const conf = sb.file('registries.conf', `unqualified-search-registries = ["${reg.host}", "${hubHost}"]\n[[registry]]\nlocation = "${reg.host}"\ninsecure = true\n[[registry]]\nlocation = "${hubHost}"\ninsecure = true\n`);
    const r = await tscRun(['search', '--format', '{{.Name}}', 'tool'], { sandbox: sb, env: { CONTAINERS_REGISTRIES_CONF: conf } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([`${reg.host}/team/busytool`, `${hubHost}/tool`, `${hubHost}/someone/tool`]);
  });

  it('authenticates the catalog with the auth file; refuses bad input with podman\'s messages', async () => {
    const denied = await search([`${authReg.host}/busy`]);
    expect(denied.exitCode).toBe(125);
    expect(denied.stderr).toMatch(/^Error: couldn't search registry "127\.0\.0\.1:\d+": .*\n$/);
    await tscRunOk(['login', '--tls-verify=false', '-u', 'sam', '-p', 'pw-search', authReg.host], { sandbox: sb });
    expect((await search(['--format', '{{.Name}}', `${authReg.host}/busy`])).stdout).toBe(`${authReg.host}/private/busybox\n`);
    await tscRunOk(['logout', authReg.host], { sandbox: sb });

    expect(await search([])).toMatchObject({ exitCode: 125, stderr: 'Error: accepts 1 arg(s), received 0\n' });
    expect(await search(['a', 'b'])).toMatchObject({ exitCode: 125, stderr: 'Error: accepts 1 arg(s), received 2\n' });
    expect(await search(['--filter', 'bogus', `${reg.host}/x`])).toMatchObject({ exitCode: 125, stderr: 'Error: invalid filter type "bogus"\n' });
    expect(await search(['--list-tags', '-f', 'stars=1', `${reg.host}/x`])).toMatchObject({ exitCode: 125, stderr: 'Error: filters are not applicable to list tags result\n' });
    expect(await search(['--authfile', '/nonexistent/auth.json', `${reg.host}/x`])).toMatchObject({ exitCode: 125, stderr: 'Error: stat /nonexistent/auth.json: no such file or directory\n' });
  });
});

describe.runIf(isRoot())('search beside podman (root)', () => {
  it('prints what podman prints for the same registry', async () => {
    const run = promisify(execFile);
    const rootSb = await stores.empty('root', 'root');
    for (const args of [[`${reg.host}/busy`], ['--compatible', `${reg.host}/`], ['--list-tags', `${reg.host}/library/busybox`], ['--format', 'json', `${reg.host}/busy`], ['--limit', '2', `${reg.host}/`], ['--no-trunc', '--compatible', `${hubHost}/tool`], ['--format', 'json', `${hubHost}/tool`]]) {
      const theirs = await run('podman', ['search', '--tls-verify=false', ...args]);
      const ours = await tscRunOk(['search', '--tls-verify=false', ...args], { sandbox: rootSb });
      expect(ours.stdout, args.join(' ')).toBe(theirs.stdout);
    }
  });
});
