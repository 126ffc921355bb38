// Pulls that go wrong, against a hostile registry written here (a real
// HTTP server, see test/harness/hostile-registry.ts) and real closed ports:
// every failure is one `Error:` line naming the image and the cause, exit
// 125, and leaves no image, no unverified blob, no temp file and no
// half-unpacked layer; passing faults (500s, a dropped connection) are
// survived.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tscRun } from '../harness/cli.js';
import { startHostileRegistry, type HostileFault, type HostileRegistry } from '../harness/hostile-registry.js';
import { buildBusyboxImage, type OciImage } from '../harness/images.js';
import { storePool } from '../harness/fixtures.js';
import type { Sandbox } from '../harness/sandbox.js';

let image: OciImage;
let reg: HostileRegistry | undefined;
const stores = storePool('faults');

beforeAll(async () => {
  image = await buildBusyboxImage({ extraLayers: [[{ name: 'etc/motd', content: 'from the hostile registry\n' }]] });
});
afterEach(async () => {
  await reg?.stop();
  reg = undefined;
});
afterAll(async () => {
  await stores.dispose();
});

async function serve(fault: HostileFault): Promise<HostileRegistry> {
  reg = await startHostileRegistry({ image, fault });
  return reg;
}

function list(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Nothing a failed pull may leave: an image record, a temp file, a layer dir without layer.json, a blob of bad content. */
function expectCleanStore(root: string): void {
  const imagesFile = path.join(root, 'images.json');
  const images = fs.existsSync(imagesFile) ? (JSON.parse(fs.readFileSync(imagesFile, 'utf8')) as { images: unknown[] }).images : [];
  expect(images).toEqual([]);
  const blobDir = path.join(root, 'blobs', 'sha256');
  for (const name of list(blobDir)) {
    expect(name, 'temp file left in the blob store').toMatch(/^[0-9a-f]{64}$/);
    expect(image.blobs.has(`sha256:${name}`), `blob ${name} is not one of the image's`).toBe(true);
  }
  for (const id of list(path.join(root, 'layers'))) {
    expect(fs.existsSync(path.join(root, 'layers', id, 'layer.json')), `layer ${id} left incomplete`).toBe(true);
  }
}

/** A store of its own per case. */
function freshSandbox(name: string): Promise<Sandbox> {
  return stores.empty(name);
}

async function pull(ref: string, sb: Sandbox, extra: string[] = []) {
  return tscRun(['pull', '--tls-verify=false', ...extra, ref], { sandbox: sb, timeoutMs: 60_000 });
}

const layerDigest = () => [...image.layers].sort((a, b) => b.size - a.size)[0]!.digest;

describe('faults', () => {
  it('refuses a manifest whose bytes do not match the digest asked for', async () => {
    const r = await serve('manifest-digest-mismatch');
    const root = await freshSandbox('m-digest');
    const res = await pull(`${r.host}/hostile@${image.manifestDigest}`, root);
    expect(res.exitCode, res.stderr).toBe(125);
    expect(res.stderr).toMatch(new RegExp(`^Trying to pull ${r.host}/hostile@sha256:[0-9a-f]{64}\\.\\.\\.\\nError: initializing source docker://${r.host}/hostile@${image.manifestDigest}: manifest digest did not match: expected ${image.manifestDigest}, got sha256:[0-9a-f]{64}\\n$`));
    expectCleanStore(root.root);
  });

  it('stops reading an endless manifest', async () => {
    const r = await serve('manifest-endless');
    const root = await freshSandbox('m-endless');
    const started = Date.now();
    const res = await pull(`${r.host}/hostile:latest`, root);
    expect(res.exitCode, res.stderr).toBe(125);
    expect(res.stderr).toContain(`Error: initializing source docker://${r.host}/hostile:latest: reading manifest latest in ${r.host}/hostile: manifest is too large: more than the 4194304 bytes accepted`);
    expect(Date.now() - started).toBeLessThan(20_000);
    expectCleanStore(root.root);
  });

  it('refuses a 100 MB manifest without reading it', async () => {
    const r = await serve('manifest-huge');
    const root = await freshSandbox('m-huge');
    const res = await pull(`${r.host}/hostile:latest`, root);
    expect(res.exitCode, res.stderr).toBe(125);
    expect(res.stderr).toContain('manifest is too large: 104857600 bytes, more than the 4194304 accepted');
    expectCleanStore(root.root);
  });

  it('refuses a layer whose content does not match its digest, keeping nothing of it', async () => {
    const r = await serve('blob-corrupt');
    const root = await freshSandbox('b-corrupt');
    const res = await pull(`${r.host}/hostile:latest`, root);
    expect(res.exitCode, res.stderr).toBe(125);
    const lines = res.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('Error:'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^Error: copying docker://${r.host}/hostile:latest: copying blob ${layerDigest()}: blob digest did not match: expected ${layerDigest()}, got sha256:[0-9a-f]{64}$`),
    );
    expectCleanStore(root.root);
    expect(fs.existsSync(path.join(root.root, 'blobs', 'sha256', layerDigest().slice(7)))).toBe(false);
  });

  it('resumes a download cut off half way with a Range request', async () => {
    const r = await serve('blob-truncated-once');
    const root = await freshSandbox('b-resume');
    const res = await pull(`${r.host}/hostile:latest`, root, ['-q']);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toBe(`${image.configDigest.slice(7)}\n`);
    const gets = r.log.filter((l) => l.path.endsWith(`/blobs/${layerDigest()}`));
    expect(gets.map((g) => g.status)).toEqual([200, 206]);
    expect(gets[1]!.range).toBe(`bytes=${image.blobs.get(layerDigest())!.length >> 1}-`);
    const run = await tscRun(['run', '--rm', `${r.host}/hostile:latest`, 'cat', '/etc/motd'], { sandbox: root });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('from the hostile registry\n');
  });

  it('gives up on a blob that is always cut off, naming it truncated', async () => {
    const r = await serve('blob-truncated-always');
    const root = await freshSandbox('b-trunc');
    const res = await pull(`${r.host}/hostile:latest`, root);
    expect(res.exitCode, res.stderr).toBe(125);
    const size = image.blobs.get(layerDigest())!.length;
    expect(res.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^Error: copying docker://${r.host}/hostile:latest: copying blob ${layerDigest()}: blob ${layerDigest()} is truncated: received ${size >> 1} of ${size} bytes`),
    );
    // First try plus the resumes with backoff, then no more.
    const gets = r.log.filter((l) => l.path.endsWith(`/blobs/${layerDigest()}`));
    expect(gets.length).toBeGreaterThanOrEqual(3);
    expect(gets.length).toBeLessThanOrEqual(6);
    expectCleanStore(root.root);
  });

  it('retries 500s with backoff and then succeeds', async () => {
    const r = await serve('errors-then-ok');
    const root = await freshSandbox('e500');
    const res = await pull(`${r.host}/hostile:latest`, root, ['-q']);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toBe(`${image.configDigest.slice(7)}\n`);
    expect(res.stderr).toBe('');
    const manifestHits = r.log.filter((l) => l.path === '/v2/hostile/manifests/latest').map((l) => l.status);
    expect(manifestHits).toEqual([500, 500, 200]);
  });

  it('follows redirects to blob storage without handing it the registry credentials', async () => {
    reg = await startHostileRegistry({ image, fault: 'none', auth: { user: 'u', password: 'p' }, redirectBlobs: true });
    const root = await freshSandbox('redirect');
    const res = await pull(`${reg.host}/hostile:latest`, root, ['-q', '--creds', 'u:p']);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toBe(`${image.configDigest.slice(7)}\n`);
    expect(reg.log.filter((l) => l.status === 307).length).toBe(image.layers.length + 1);
    expect(reg.storageLog.map((l) => l.path).sort()).toEqual([...image.layers.map((l) => l.digest), image.configDigest].map((d) => `/storage/${d}`).sort());
    expect(reg.storageLog.every((l) => l.authorization === undefined)).toBe(true);
  });

  it('names an unknown repository and an unknown tag', async () => {
    const r = await serve('none');
    const root = await freshSandbox('unknown');
    const tagless = await pull(`${r.host}/hostile:nope`, root);
    expect(tagless.exitCode).toBe(125);
    expect(tagless.stderr).toContain(`Error: initializing source docker://${r.host}/hostile:nope: reading manifest nope in ${r.host}/hostile: manifest unknown: manifest unknown\n`);
    const norepo = await pull(`${r.host}/other:latest`, root);
    expect(norepo.exitCode).toBe(125);
    expect(norepo.stderr).toContain(`reading manifest latest in ${r.host}/other: name unknown: repository name not known to registry\n`);
    expectCleanStore(root.root);
  });

  it('says the registry is down when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const root = await freshSandbox('down');
    const res = await pull(`127.0.0.1:${port}/x:1`, root);
    expect(res.exitCode).toBe(125);
    expect(res.stderr).toBe(
      `Trying to pull 127.0.0.1:${port}/x:1...\nError: initializing source docker://127.0.0.1:${port}/x:1: pinging container registry 127.0.0.1:${port}: Get "http://127.0.0.1:${port}/v2/": dial tcp 127.0.0.1:${port}: connect: connection refused\n`,
    );
    expectCleanStore(root.root);
  });
});
