// `push` to Debian's docker-registry and to local destinations, as the test
// user (and a subset as root): podman's output, digests kept equal for
// pulled images, HEAD checks and cross-repository mounts seen in the
// registry's own log, chunked uploads of big blobs, --digestfile, oci:,
// oci-archive:, docker-archive:, and the errors.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { buildBusyboxImage, buildOciImage, busyboxRootfsEntries, sha256Digest, writeTar, type OciImage } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import { storePool } from '../harness/fixtures.js';
import type { Sandbox } from '../harness/sandbox.js';
import { isRoot } from '../harness/user.js';

let a: Registry;
let b: Registry;
let bb: OciImage;
let big: OciImage;
const stores = storePool('push');
const sandbox = (name: string, as: 'user' | 'root' = 'user'): Promise<Sandbox> => stores.empty(name, as);

async function manifestOf(r: Registry, repo: string, tag: string): Promise<{ digest: string; body: Buffer; header: string | null }> {
  const res = await fetch(`${r.url}/v2/${repo}/manifests/${tag}`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
  });
  if (res.status !== 200) throw new Error(`GET manifest ${repo}:${tag}: ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  return { digest: sha256Digest(body), body, header: res.headers.get('docker-content-digest') };
}

/** Registry log lines of requests (method and URI) since `from` bytes. */
function requests(r: Registry, from = 0): string[] {
  return r
    .logs()
    .slice(from)
    .split('\n')
    .flatMap((l) => {
      const m = /http\.request\.method=(\w+) .*?http\.request\.uri="([^"]+)"/.exec(l);
      return m && /response\.status/.test(l) ? [`${m[1]} ${m[2]}`] : [];
    });
}

let sb: Sandbox;

beforeAll(async () => {
  [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  bb = await buildBusyboxImage({ extraLayers: [[{ name: 'hello.txt', content: 'pushed and pulled\n' }]] });
  // One incompressible 40 MiB layer: more than one upload chunk.
  big = buildOciImage({ layers: [await writeTar([{ name: 'big.bin', content: randomBytes(40 << 20) }])], uncompressed: true });
  await pushImage(a, 'bb', 'latest', bb);
  await pushImage(a, 'big', 'latest', big);
  sb = await sandbox('main');
  await tscRunOk(['pull', '-q', '--tls-verify=false', `${a.host}/bb:latest`], { sandbox: sb });
});
afterAll(async () => {
  await stores.dispose();
  await Promise.all([a.stop(), b.stop()]);
});

describe('push to a registry', () => {
  it("mounts a pulled image's blobs into another repository and keeps its digest", async () => {
    const mark = a.logs().length;
    const digestfile = path.join(sb.dir, 'digest');
    const r = await tscRun(['push', '--tls-verify=false', '--digestfile', digestfile, `${a.host}/bb:latest`, `${a.host}/team/copy:v1`], { sandbox: sb });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'Getting image source signatures',
        ...bb.layers.map((l) => `Copying blob ${l.digest}`),
        `Copying config ${bb.configDigest}`,
        'Writing manifest to image destination',
        'Storing signatures',
        '',
      ].join('\n'),
    );
    expect(fs.readFileSync(digestfile, 'utf8')).toBe(bb.manifestDigest);
    const m = await manifestOf(a, 'team/copy', 'v1');
    expect(m.digest).toBe(bb.manifestDigest);
    expect(m.body.equals(bb.manifest)).toBe(true);
    const log = requests(a, mark);
    for (const l of bb.layers) expect(log.some((x) => x.startsWith('POST') && x.includes(`mount=${encodeURIComponent(l.digest)}`) && x.includes('from=bb'))).toBe(true);
    expect(log.filter((x) => x.startsWith('PATCH') || (x.startsWith('PUT') && x.includes('/blobs/uploads/') && bb.layers.some((l) => x.includes(encodeURIComponent(l.digest)))))).toEqual([]);
  });

  it('uploads to another registry, skipping blobs it already has on the next push', async () => {
    const r = await tscRun(['push', '-q', '--tls-verify=false', `${a.host}/bb:latest`, `${b.host}/bb:copied`], { sandbox: sb });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect((await manifestOf(b, 'bb', 'copied')).digest).toBe(bb.manifestDigest);
    const mark = b.logs().length;
    const again = await tscRun(['push', '-q', '--tls-verify=false', `${a.host}/bb:latest`, `${b.host}/bb:again`], { sandbox: sb });
    expect(again.exitCode, again.stderr).toBe(0);
    const log = requests(b, mark);
    expect(log.filter((x) => x.startsWith('HEAD'))).toHaveLength(bb.layers.length + 1);
    expect(log.filter((x) => x.startsWith('POST') || x.startsWith('PATCH'))).toEqual([]);
  });

  it('sends a big blob in chunks', async () => {
    const s = await sandbox('big');
    await tscRunOk(['pull', '-q', '--tls-verify=false', `${a.host}/big:latest`], { sandbox: s, timeoutMs: 120_000 });
    const mark = b.logs().length;
    const r = await tscRun(['push', '--tls-verify=false', `${a.host}/big:latest`, `${b.host}/big:1`], { sandbox: s, timeoutMs: 120_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    // Stored uncompressed, so it goes gzip-compressed (as podman sends it); random bytes stay > 32 MiB: two chunks.
    const m = JSON.parse((await manifestOf(b, 'big', '1')).body.toString('utf8')) as { config: { digest: string }; layers: Array<{ mediaType: string; size: number }> };
    expect(m.config.digest).toBe(big.configDigest);
    expect(m.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+gzip']);
    expect(m.layers[0]!.size).toBeGreaterThan(32 << 20);
    expect(requests(b, mark).filter((x) => x.startsWith('PATCH'))).toHaveLength(2);
  });

  it('pushes an imported image that then pulls and runs elsewhere', async () => {
    const s = await sandbox('imported');
    const tar = path.join(s.dir, 'rootfs.tar');
    fs.writeFileSync(tar, await writeTar(busyboxRootfsEntries({ extra: [{ name: 'imported.txt', content: 'imported here\n' }] })));
    s.chown(tar);
    await tscRunOk(['import', '-q', tar, 'local/app:1'], { sandbox: s });
    const digestfile = path.join(s.dir, 'd');
    const r = await tscRun(['push', '--tls-verify=false', '--digestfile', digestfile, 'local/app:1', `docker://${b.host}/app:1`], { sandbox: s });
    expect(r.exitCode, r.stderr).toBe(0);
    const m = await manifestOf(b, 'app', '1');
    expect(m.digest).toBe(fs.readFileSync(digestfile, 'utf8'));
    expect(m.header).toBe(m.digest);
    const other = await sandbox('imported-pull');
    await tscRunOk(['pull', '-q', '--tls-verify=false', `${b.host}/app:1`], { sandbox: other });
    const run = await tscRun(['run', '--rm', `${b.host}/app:1`, 'cat', '/imported.txt'], { sandbox: other });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('imported here\n');
  });

  it("refuses what podman refuses, with podman's words", async () => {
    const unknown = await tscRun(['push', '--tls-verify=false', 'nosuch', `${b.host}/x:1`], { sandbox: sb });
    expect(unknown.exitCode).toBe(125);
    expect(unknown.stderr).toBe('Error: nosuch: image not known\n');
    const toDigest = await tscRun(['push', '--tls-verify=false', `${a.host}/bb:latest`, `${b.host}/x@${bb.manifestDigest}`], { sandbox: sb });
    expect(toDigest.exitCode).toBe(125);
    expect(toDigest.stderr).toMatch(/^Error: cannot push to .*: a destination names a tag, not a digest/);
    const noArgs = await tscRun(['push'], { sandbox: sb });
    expect(noArgs.exitCode).toBe(125);
    expect(noArgs.stderr).toBe('Error: accepts between 1 and 2 arg(s), received 0\n');
    const https = await tscRun(['push', `${a.host}/bb:latest`, `${b.host}/x:1`], { sandbox: sb });
    expect(https.exitCode).toBe(125);
    expect(https.stderr).toContain('http: server gave HTTP response to HTTPS client');
  });
});

describe('push to local destinations', () => {
  it('writes an OCI layout directory with the stored blobs', async () => {
    const dir = path.join(sb.dir, 'layout');
    const r = await tscRun(['push', '-q', `${a.host}/bb:latest`, `oci:${dir}:v1`], { sandbox: sb });
    expect(r.exitCode, r.stderr).toBe(0);
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
    expect(index.manifests).toEqual([expect.objectContaining({ digest: bb.manifestDigest, annotations: { 'org.opencontainers.image.ref.name': 'v1' } })]);
    for (const [digest, blob] of bb.blobs) expect(fs.readFileSync(path.join(dir, 'blobs', 'sha256', digest.slice(7))).equals(blob), digest).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
  });

  it('writes docker-archive and oci-archive files that load back as the same image', async () => {
    for (const transport of ['docker-archive', 'oci-archive']) {
      const file = path.join(sb.dir, `${transport}.tar`);
      const r = await tscRun(['push', '-q', `${a.host}/bb:latest`, `${transport}:${file}`], { sandbox: sb });
      expect(r.exitCode, r.stderr).toBe(0);
      const other = await sandbox(`load-${transport}`);
      const load = await tscRun(['load', '-q', '-i', file], { sandbox: other });
      expect(load.exitCode, load.stderr).toBe(0);
      const imgs = JSON.parse(fs.readFileSync(path.join(other.root, 'images.json'), 'utf8')) as { images: Array<{ id: string }> };
      expect(imgs.images.map((i) => i.id)).toEqual([bb.configDigest.slice(7)]);
    }
  });
});

describe.runIf(isRoot())('push as root', () => {
  it('pulls and pushes in root mode with equal digests', async () => {
    const s = await sandbox('root', 'root');
    await tscRunOk(['pull', '-q', '--tls-verify=false', `${a.host}/bb:latest`], { sandbox: s });
    const r = await tscRun(['push', '-q', '--tls-verify=false', `${a.host}/bb:latest`, `${b.host}/root/bb:1`], { sandbox: s });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await manifestOf(b, 'root/bb', '1')).digest).toBe(bb.manifestDigest);
  });
});
