// build as podman 4.3 does it, as the test user: ADD of a .tar.bz2 (checked
// byte for byte against what tar packed, cached while the archive is the
// same, a corrupt one fails the step), and "Successfully tagged" lists every
// name the image has once tagged, in podman's order (the first -t first, the
// image's other names, then the other new tags), checked against podman 4.3.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';
import { buildCli } from './build-util.js';

describe('build: archives, tags', () => {
  let sb: Sandbox;
  const { run, ok, context, sh } = buildCli(() => sb);
  const PATH = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

  beforeAll(async () => {
    sb = await busyboxSandbox('build-run-options', 'user');
  });
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('ADD of a .tar.bz2 extracts it whole (several bzip2 blocks), cached while the archive is the same; a corrupt one fails the step', async () => {
    // 1.5 MB of varied bytes: two bzip2 blocks; the checksum compares what lands in the image.
    const big = Buffer.alloc(1_500_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761 + (i >> 9)) & 0xff;
    const dir = context('bz2', { 'tree/small': 'a small file\n', Containerfile: 'FROM bb\nADD tree.tar.bz2 /x/\n' });
    fs.mkdirSync(path.join(dir, 'tree', 'sub'));
    fs.writeFileSync(path.join(dir, 'tree', 'sub', 'big'), big);
    fs.symlinkSync('sub/big', path.join(dir, 'tree', 'link'));
    const pack = async () => {
      const r = await runProcess('tar', ['-C', dir, '-cjf', path.join(dir, 'tree.tar.bz2'), 'tree'], { env: PATH, timeoutMs: 60_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      sb.chown(dir);
    };
    await pack();
    await ok(['build', '-t', 'bz2_test', dir]);
    const sum = createHash('sha256').update(big).digest('hex');
    expect(await sh('bz2_test', 'cat /x/tree/small; sha256sum /x/tree/sub/big | cut -d" " -f1; readlink /x/tree/link')).toBe(`a small file\n${sum}\nsub/big\n`);
    expect((await ok(['build', '-t', 'bz2_test', dir])).stdout).toContain('--> Using cache');
    sb.file('bz2/tree/new', 'a new file\n');
    await pack();
    expect((await ok(['build', '-t', 'bz2_test', dir])).stdout).not.toContain('--> Using cache');
    expect(await sh('bz2_test', 'cat /x/tree/new')).toBe('a new file\n');

    // A cut archive: the step fails with the reason, no image is tagged.
    const whole = fs.readFileSync(path.join(dir, 'tree.tar.bz2'));
    const badDir = context('bz2-bad', { Containerfile: 'FROM bb\nADD tree.tar.bz2 /x/\n' });
    fs.writeFileSync(path.join(badDir, 'tree.tar.bz2'), whole.subarray(0, Math.floor(whole.length / 2)));
    sb.chown(badDir);
    const bad = await run(['build', '-t', 'bz2_bad', badDir]);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toContain('bzip2 data invalid');
    expect((await run(['image', 'exists', 'bz2_bad'])).exitCode).toBe(1);
  });

  it('"Successfully tagged" lists every name of the image: the first -t first, then its other names, then the new tags (podman 4.3)', async () => {
    const dir = context('tags', { f: 'f\n', g: 'g\n', Containerfile: 'FROM scratch\nCOPY f /f\n', Other: 'FROM scratch\nCOPY g /g\n' });
    const tagged = (out: string) => out.split('\n').filter((l) => l.startsWith('Successfully tagged ')).map((l) => l.slice('Successfully tagged '.length));
    expect(tagged((await ok(['build', '-t', 'ta', '-t', 'tb:2', dir])).stdout)).toEqual(['localhost/ta:latest', 'localhost/tb:2']);
    await ok(['build', '-q', '-t', 'ta', '-t', 'tc', dir]);
    await ok(['build', '-q', '-t', 'td', dir]);
    // The first -t is added as buildah's commit adds a name (first, moved to the front if there):
    // [td ta tb:2 tc]; tc moves to another image, then comes back after the image's names.
    await ok(['build', '-q', '-t', 'tc', '-f', path.join(dir, 'Other'), dir]);
    const again = await ok(['build', '-t', 'ta', '-t', 'tc', dir]);
    expect(tagged(again.stdout)).toEqual(['localhost/ta:latest', 'localhost/td:latest', 'localhost/tb:2', 'localhost/tc:latest']);
    expect((await ok(['image', 'inspect', '--format', '{{range .RepoTags}}{{.}} {{end}}', 'ta'])).stdout).toBe('localhost/ta:latest localhost/td:latest localhost/tb:2 localhost/tc:latest \n');
    // A later -t the image has keeps its place; no -t: no such lines.
    expect(tagged((await ok(['build', '-t', 'te', '-t', 'tb:2', dir])).stdout)).toEqual(['localhost/te:latest', 'localhost/ta:latest', 'localhost/td:latest', 'localhost/tb:2', 'localhost/tc:latest']);
    expect(tagged((await ok(['build', dir])).stdout)).toEqual([]);
  });

  it('--device and --ipc/--pid/--uts host reach RUN steps; private is the default; a namespace path is refused', async () => {
    const dir = context('ns', { Containerfile: 'FROM bb\nRUN if test -c /dev/myfuse; then echo has-device; else echo no-device; fi; for n in ipc uts pid; do readlink /proc/self/ns/$n; done\n' });
    const host = ['ipc', 'uts', 'pid'].map((n) => fs.readlinkSync(`/proc/self/ns/${n}`));
    const shared = await ok(['build', '--no-cache', '--device', '/dev/fuse:/dev/myfuse', '--ipc', 'host', '--uts=host', '--pid', 'host', dir]);
    expect(shared.stdout).toContain(`has-device\n${host.join('\n')}\n`);
    const own = await ok(['build', '--no-cache', '--ipc', 'private', dir]);
    expect(own.stdout).toContain('no-device\n');
    for (const n of host) expect(own.stdout).not.toContain(n);
    const bad = await run(['build', '--pid', '/proc/1/ns/pid', dir]);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: --pid=/proc/1/ns/pid is not supported: RUN steps take private or host (joining a namespace by its path is not supported)\n']);
    const noDev = await run(['build', '--device', '/dev/no-such-device', dir]);
    expect([noDev.exitCode, noDev.stderr]).toEqual([125, 'Error: stat /dev/no-such-device: no such file or directory\n']);
  });

  it('--retry N tries a pull that failed for a passing reason (429) N more times, --retry-delay apart; a bad delay is refused', async () => {
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const dir = context('retry', { Containerfile: `FROM 127.0.0.1:${port}/busy:1\n` });
      const once = await run(['build', '--tls-verify=false', '--retry', '0', dir]);
      expect(once.exitCode).toBe(125);
      const perAttempt = requests;
      expect(perAttempt).toBeGreaterThan(0);
      requests = 0;
      const started = Date.now();
      const thrice = await run(['build', '--tls-verify=false', '--retry', '2', '--retry-delay', '300ms', dir]);
      expect(thrice.exitCode).toBe(125);
      expect(requests).toBe(3 * perAttempt);
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const bad = await run(['build', '--retry-delay', 'soon', context('retry-bad', { Containerfile: 'FROM bb\n' })]);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: invalid --retry-delay "soon": time: invalid duration\n']);
  });

  it('--os-version and --os-feature go into the config (os.version, os.features), a base\'s features kept, NAME- removes one', async () => {
    const config = async (img: string) => {
      const out = path.join(sb.dir, `dir-${img}`);
      await ok(['push', img, `dir:${out}`]);
      const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { config: { digest: string } };
      return JSON.parse(fs.readFileSync(path.join(out, manifest.config.digest.replace(/^sha256:/, '')), 'utf8')) as Record<string, unknown>;
    };
    const dir = context('osv', { Containerfile: 'FROM bb\nRUN true\n' });
    await ok(['build', '-q', '--os-version', '10.0.1', '--os-feature', 'f1', '--os-feature', 'f2,f3', '-t', 'osv', dir]);
    const c = await config('osv');
    expect([c['os.version'], c['os.features']]).toEqual(['10.0.1', ['f1', 'f2', 'f3']]);
    const next = context('osv2', { Containerfile: 'FROM osv\n' });
    await ok(['build', '-q', '--os-feature', 'f4', '--os-feature', 'f1-', '-t', 'osv2', next]);
    const c2 = await config('osv2');
    expect([c2['os.version'], c2['os.features']]).toEqual(['10.0.1', ['f2', 'f3', 'f4']]);
  });
});
