// load -i http(s)://...: the archive is downloaded to a temporary file and
// loaded from it, as podman 4.3 (bats 120-load 'from URL'); the temporary file
// goes afterwards; what the server answers is loaded as it is, so an error page
// fails as a payload that is no archive, and an unreachable server names the URL.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

describe('load -i URL', () => {
  let sb: Sandbox;
  let server: http.Server;
  let base = '';
  let archive: Buffer = Buffer.alloc(0);
  const tmp = () => path.join(sb.dir, 'tmp');

  beforeAll(async () => {
    sb = await busyboxSandbox('img-load-url', 'user');
    const file = path.join(sb.dir, 'bb.tar');
    const saved = await tscRun(['save', '-q', '-o', file, 'bb'], { sandbox: sb });
    expect(saved.exitCode, saved.stderr).toBe(0);
    archive = fs.readFileSync(file);
    fs.mkdirSync(tmp());
    sb.chown(tmp());
    server = http.createServer((req, res) => {
      if (req.url === '/bb.tar') res.end(archive);
      else if (req.url === '/moved') res.writeHead(302, { location: '/bb.tar' }).end();
      else res.writeHead(404).end('not here\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    server?.close();
    await disposeSandbox(sb);
  });

  it('loads what the URL serves (following a redirect) and leaves no temporary file', async () => {
    const id = (await tscRun(['inspect', '--format', '{{.Id}}', 'bb'], { sandbox: sb })).stdout.trim();
    expect((await tscRun(['rmi', 'bb'], { sandbox: sb })).exitCode).toBe(0);
    const r = await tscRun(['load', '-q', '-i', `${base}/moved`], { sandbox: sb, env: { TMPDIR: tmp() } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('Loaded image: localhost/bb:latest\n');
    expect((await tscRun(['inspect', '--format', '{{.Id}}', 'bb'], { sandbox: sb })).stdout.trim()).toBe(id);
    expect(fs.readdirSync(tmp())).toEqual([]);
  });

  it('an error page is a payload that is no archive; an unreachable server names the URL', async () => {
    const page = await tscRun(['load', '-i', `${base}/nothing`], { sandbox: sb, env: { TMPDIR: tmp() } });
    expect(page.exitCode).toBe(125);
    expect(page.stderr).toContain('payload does not match any of the supported image formats');
    expect(fs.readdirSync(tmp())).toEqual([]);
    const down = await tscRun(['load', '-i', 'http://127.0.0.1:9/x.tar'], { sandbox: sb, env: { TMPDIR: tmp() } });
    expect(down.exitCode).toBe(125);
    expect(down.stderr).toMatch(/^Error: downloading http:\/\/127\.0\.0\.1:9\/x\.tar: /);
  });
});
