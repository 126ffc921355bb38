// The integration harness itself: real registries (with and without auth),
// valid OCI layouts, sandboxes the unprivileged user owns and that clean up
// subordinate-id files, and the built CLI run as the test user.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun } from '../harness/cli.js';
import { buildBusyboxOciLayout, buildBusyboxRootfsTar, sha256Digest, writeTar, type TarEntry } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { runAs, testUser } from '../harness/user.js';

const hasSkopeo = fs.existsSync('/usr/bin/skopeo');
if (!hasSkopeo) console.warn('[harness.test] skopeo is not installed: OCI layout and push checks by skopeo are skipped');

async function readTar(buf: Buffer): Promise<TarEntry[]> {
  const ex = extract();
  const out: TarEntry[] = [];
  const done = (async () => {
    for await (const e of ex) {
      const chunks: Buffer[] = [];
      for await (const c of e) chunks.push(c as Buffer);
      const h = e.header;
      out.push({ name: h.name, type: h.type as TarEntry['type'], mode: h.mode, uid: h.uid, linkname: h.linkname ?? undefined, content: Buffer.concat(chunks) });
    }
  })();
  ex.end(buf);
  await done;
  return out;
}

describe('registry fixture', () => {
  let open: Registry | undefined;
  let locked: Registry | undefined;
  afterAll(async () => {
    await open?.stop();
    await locked?.stop();
  });

  it('serves /v2/ without auth', async () => {
    open = await startRegistry();
    expect(open.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await fetch(`${open.url}/v2/`)).status).toBe(200);
  });

  it('demands basic credentials with auth', async () => {
    locked = await startRegistry({ auth: { user: 'alice', password: 's3cret' } });
    const anon = await fetch(`${locked.url}/v2/`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Basic realm="basic-realm"/);
    const bad = await fetch(`${locked.url}/v2/`, {
      headers: { authorization: 'Basic ' + Buffer.from('alice:wrong').toString('base64') },
    });
    expect(bad.status).toBe(401);
    expect((await fetch(`${locked.url}/v2/`, { headers: locked.authHeaders() })).status).toBe(200);
  });

  it('takes a pushed image and serves it back by digest', async () => {
    const reg = locked!;
    const dir = fs.mkdtempSync(path.join(reg.dir, 'layout-'));
    const img = await buildBusyboxOciLayout(dir, { tag: 'v1', rootfs: { applets: ['sh', 'echo'] } });
    await pushImage(reg, 'test/busybox', 'v1', img);
    const r = await fetch(`${reg.url}/v2/test/busybox/manifests/v1`, {
      headers: { ...reg.authHeaders(), accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('docker-content-digest')).toBe(img.manifestDigest);
    expect(sha256Digest(Buffer.from(await r.arrayBuffer()))).toBe(img.manifestDigest);
    if (hasSkopeo) {
      const out = execFileSync('skopeo', ['inspect', '--tls-verify=false', '--creds', 'alice:s3cret', `docker://${reg.host}/test/busybox:v1`], {
        encoding: 'utf8',
      });
      expect((JSON.parse(out) as { Digest: string }).Digest).toBe(img.manifestDigest);
    }
  });

  it('writes its log to a file', () => {
    expect(open!.logs()).toMatch(/listening on 127\.0\.0\.1/);
  });
});

describe('image builders', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await makeSandbox('images');
  });
  afterAll(async () => {
    await sb.cleanup();
  });

  it('writes exactly the tar entries it is given', async () => {
    const tar = await writeTar([
      { name: 'd', type: 'directory', mode: 0o1777 },
      { name: 'd/f', content: 'hi', uid: 1000, gid: 1000 },
      { name: 'd/.wh.gone', content: '' },
      { name: 'l', type: 'symlink', linkname: '../../etc/passwd' },
    ]);
    expect(tar.length % 512).toBe(0);
    const back = await readTar(tar);
    expect(back.map((e) => [e.name.replace(/\/$/, ''), e.type])).toEqual([
      ['d', 'directory'],
      ['d/f', 'file'],
      ['d/.wh.gone', 'file'],
      ['l', 'symlink'],
    ]);
    expect(back[0]!.mode).toBe(0o1777);
    expect(back[1]!.uid).toBe(1000);
    expect(back[1]!.content!.toString()).toBe('hi');
    expect(back[3]!.linkname).toBe('../../etc/passwd');
    // Deterministic: same entries, same bytes.
    expect(sha256Digest(await writeTar([{ name: 'x', content: 'y' }]))).toBe(sha256Digest(await writeTar([{ name: 'x', content: 'y' }])));
  });

  it('builds a busybox rootfs with applet links, users and a sticky /tmp', async () => {
    const t = await buildBusyboxRootfsTar(path.join(sb.dir, 'rootfs.tar'));
    const entries = await readTar(fs.readFileSync(t.path));
    const by = new Map(entries.map((e) => [e.name.replace(/\/$/, ''), e]));
    expect(Buffer.compare(by.get('bin/busybox')!.content as Buffer, fs.readFileSync('/bin/busybox'))).toBe(0);
    expect(by.get('bin/sh')).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(by.get('usr/bin/env')).toMatchObject({ type: 'symlink', linkname: '../../bin/busybox' });
    expect(by.get('tmp')!.mode).toBe(0o1777);
    expect(by.get('etc/passwd')!.content!.toString()).toMatch(/^root:x:0:0:.*\nuser:x:1000:1000:.*\nnobody:x:65534:/s);
    const again = await buildBusyboxRootfsTar(path.join(sb.dir, 'again.tar'));
    expect(again.digest).toBe(t.digest);
  });

  it('writes a valid OCI layout', async () => {
    const dir = path.join(sb.dir, 'layout');
    const img = await buildBusyboxOciLayout(dir, { tag: 'latest', extraLayers: [[{ name: 'hello.txt', content: 'hello\n' }]] });
    expect(img.layers).toHaveLength(2);
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as {
      manifests: { digest: string; annotations: Record<string, string> }[];
    };
    expect(index.manifests).toEqual([expect.objectContaining({ digest: img.manifestDigest, annotations: { 'org.opencontainers.image.ref.name': 'latest' } })]);
    for (const d of [img.manifestDigest, img.configDigest, ...img.layers.map((l) => l.digest)]) {
      const blob = fs.readFileSync(path.join(dir, 'blobs/sha256', d.slice(7)));
      expect(sha256Digest(blob)).toBe(d);
    }
    const config = JSON.parse(img.config.toString()) as { rootfs: { diff_ids: string[] }; config: { Cmd: string[] }; history: unknown[] };
    expect(config.rootfs.diff_ids).toEqual(img.layers.map((l) => l.diffId));
    expect(config.config.Cmd).toEqual(['sh']);
    expect(config.history).toHaveLength(2);
    if (!hasSkopeo) return;
    const out = execFileSync('skopeo', ['inspect', `oci:${dir}:latest`], { encoding: 'utf8' });
    const info = JSON.parse(out) as { Digest: string; Layers: string[] };
    expect(info.Digest).toBe(img.manifestDigest);
    expect(info.Layers).toEqual(img.layers.map((l) => l.digest));
  });
});

describe('sandbox and CLI', () => {
  it('gives the test user a private sandbox and removes subordinate-id files', async () => {
    const sb = await makeSandbox('cleanup');
    const u = testUser();
    const st = fs.statSync(sb.root);
    expect([st.uid, st.mode & 0o777]).toEqual([u.uid, 0o700]);
    // Make a tree owned by a subordinate uid, which the user cannot remove directly.
    const mk = await runAs('user', 'unshare', [
      '--map-root-user', '--map-auto', '--', 'sh', '-c',
      `mkdir -p ${sb.root}/x/y && echo z > ${sb.root}/x/y/f && chown -R 1000:1000 ${sb.root}/x && chmod 0755 ${sb.root}/x/y`,
    ]);
    expect(mk.exitCode, mk.stderr).toBe(0);
    expect(fs.statSync(`${sb.root}/x/y/f`).uid).not.toBe(u.uid);
    const rm = await runAs('user', 'rm', ['-rf', `${sb.root}/x`]);
    expect(rm.exitCode).not.toBe(0);
    await sb.cleanup();
    expect(fs.existsSync(sb.path)).toBe(false);
    await sb.cleanup(); // idempotent
  });

  it('runs commands as the test user with a clean environment', async () => {
    const u = testUser();
    const r = await runAs('user', 'sh', ['-c', 'id -u; echo "$HOME"; env | cut -d= -f1 | sort | tr "\\n" " "'], { env: { HOME: '/nowhere' } });
    expect(r.exitCode).toBe(0);
    const [uid, home, names] = r.stdout.split('\n');
    expect(Number(uid)).toBe(u.uid);
    expect(home).toBe('/nowhere');
    expect(names!.trim().split(' ')).not.toContain('VITEST');
  });

  it('runs the built CLI as the test user', async () => {
    const sb = await makeSandbox('version');
    try {
      const r = await tscRun(['version'], { sandbox: sb });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Version:\s+\d+\.\d+\.\d+/);
      const bad = await tscRun(['no-such-command'], { sandbox: sb });
      expect(bad.exitCode).toBe(125);
      expect(bad.stderr).toMatch(/^Error: /);
    } finally {
      await sb.cleanup();
    }
  });

  it.runIf(process.getuid!() === 0)('runs the CLI as root in root mode', async () => {
    const sb = await makeSandbox('version-root', { as: 'root' });
    try {
      expect((await tscRun(['version'], { sandbox: sb })).exitCode).toBe(0);
      await expect(async () => tscRun(['version'], { sandbox: sb, as: 'user' })).rejects.toThrow(/belongs to root/);
    } finally {
      await sb.cleanup();
    }
  });
});
