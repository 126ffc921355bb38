// Unpacking through the CLI, end to end: what the helper's one-pass unpack
// writes is what the container sees (a file capability from the layer is
// granted, owners and set-id bits stay), and a layer whose gzip stream breaks
// half way through leaves no layer behind (Node stops the helper, the
// directory is removed). Rootless, then as root.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ociArchiveEntries } from '../harness/archives.js';
import {
  buildOciImage,
  busyboxStore,
  disposeStore,
  isRoot,
  sha256Digest,
  tscRun,
  writeTar,
  type As,
  type OciImage,
  type Sandbox,
} from '../harness/index.js';

/** A v2 file capability: CAP_NET_BIND_SERVICE (10), permitted and effective (podman's default set keeps it). */
const NET_BIND = String.fromCharCode(...[0x01, 0, 0, 0x02, 0, 0x04, 0, 0, ...new Array<number>(12).fill(0)]);

/** `image` with layer `i`'s blob replaced (manifest and digests to match). */
function withLayerBlob(image: OciImage, i: number, blob: Buffer): OciImage {
  const blobs = new Map(image.blobs);
  blobs.delete(image.layers[i]!.digest);
  blobs.delete(image.manifestDigest);
  const digest = sha256Digest(blob);
  blobs.set(digest, blob);
  const m = JSON.parse(image.manifest.toString()) as { layers: { digest: string; size: number }[] };
  m.layers[i] = { ...m.layers[i]!, digest, size: blob.length };
  const manifest = Buffer.from(JSON.stringify(m));
  const manifestDigest = sha256Digest(manifest);
  blobs.set(manifestDigest, manifest);
  const layers = image.layers.map((l, j) => (j === i ? { ...l, digest, size: blob.length } : l));
  return { ...image, layers, blobs, manifest, manifestDigest };
}

function suite(as: As): void {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 60_000 });

  beforeAll(async () => {
    sb = await busyboxStore(`unpack-cli-${as}`, as, {
      ref: 'caps',
      rootfs: {
        extra: [
          { name: 'opt/cap/cat', content: fs.readFileSync('/bin/busybox'), mode: 0o755, pax: { 'SCHILY.xattr.security.capability': NET_BIND } },
          { name: 'opt/cat2', type: 'link', linkname: 'opt/cap/cat' },
          { name: 'home/', type: 'directory', mode: 0o755 },
          { name: 'home/u/', type: 'directory', mode: 0o2750, uid: 1000, gid: 1000 },
          { name: 'home/u/tool', content: 'x', mode: 0o4755, uid: 1000, gid: 1000 },
        ],
      },
    });
  });
  afterAll(() => disposeStore(sb));

  it('a file capability from the layer is granted to a non-root user in the container (and only through that file)', async () => {
    const r = await run(['run', '--rm', '-u', '1000', 'caps', 'sh', '-c', '/opt/cap/cat /proc/self/status | grep CapEff; cat /proc/self/status | grep CapEff']);
    expect(r).toMatchObject({ exitCode: 0, stderr: '', stdout: 'CapEff:\t0000000000000400\nCapEff:\t0000000000000000\n' });
  });

  it('owners, set-id bits and hard links are as the layer has them', async () => {
    const r = await run(['run', '--rm', 'caps', 'stat', '-c', '%u:%g %a %h %n', '/home/u', '/home/u/tool', '/opt/cap/cat']);
    expect(r).toMatchObject({ exitCode: 0, stderr: '', stdout: '1000:1000 2750 2 /home/u\n1000:1000 4755 1 /home/u/tool\n0:0 755 2 /opt/cap/cat\n' });
  });

  it('a layer whose gzip stream is cut off fails with one Error line and leaves no layer', async () => {
    const files = Array.from({ length: 400 }, (_, i) => ({ name: `d/f${i}`, content: Buffer.alloc(8192, i % 251) }));
    const tar = await writeTar([{ name: 'd/', type: 'directory' }, ...files]);
    const gz = zlib.gzipSync(tar, { level: 0 });
    const image = withLayerBlob(buildOciImage({ layers: [tar] }), 0, gz.subarray(0, Math.floor(gz.length * 0.7)));
    const file = sb.file('cut.tar', await writeTar(ociArchiveEntries([{ image, name: 'cut:1' }])));
    const before = fs.readdirSync(path.join(sb.root, 'layers')).sort();
    const r = await run(['load', '-q', '-i', file]);
    expect(r.exitCode).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: .*unexpected end of file\n$/);
    expect(fs.readdirSync(path.join(sb.root, 'layers')).sort()).toEqual(before);
    expect((await run(['images', '--format', '{{.Repository}}'])).stdout).not.toContain('cut');
  });
}

describe('unpacking through the CLI (rootless)', () => suite('user'));
describe.runIf(isRoot())('unpacking through the CLI (root)', () => suite('root'));
