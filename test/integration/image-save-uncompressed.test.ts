// save --uncompressed (podman's "accept uncompressed layers"): an
// oci-archive whose layers are the uncompressed tars, named by their diff
// ids, with a manifest rewritten around them; without it, the stored blobs
// as they are. Checked blob by blob (sha256 of every blob is its name) and
// by loading the archive back and running it.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBusyboxOciLayout, sha256Digest, tscRun, type OciImage, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

interface Layout {
  layers: Array<{ mediaType: string; digest: string; size: number }>;
  blobsOk: boolean;
}

/** The one image of an oci-archive: its manifest's layers, and whether every blob hashes to its name. */
function readOciArchive(file: string, scratch: string): Layout {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  execFileSync('tar', ['-C', scratch, '-xf', file]);
  const blobs = path.join(scratch, 'blobs', 'sha256');
  const index = JSON.parse(fs.readFileSync(path.join(scratch, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const manifest = JSON.parse(fs.readFileSync(path.join(blobs, index.manifests[0]!.digest.slice(7)), 'utf8')) as Layout;
  const blobsOk = fs.readdirSync(blobs).every((hex) => sha256Digest(fs.readFileSync(path.join(blobs, hex))) === `sha256:${hex}`);
  return { layers: manifest.layers, blobsOk };
}

describe('save --uncompressed', () => {
  let sb: Sandbox;
  let img: OciImage;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });
  beforeAll(async () => {
    sb = await busyboxSandbox('save-uncompressed', 'user');
    const layout = path.join(sb.dir, 'layout');
    // gzip layers, as a registry serves them.
    img = await buildBusyboxOciLayout(layout, { tag: 'gz', extraLayers: [[{ name: 'hello.txt', content: 'compressed once\n' }]] });
    sb.chown(layout);
    const p = await run(['pull', '-q', `oci:${layout}:gz`]);
    expect(p.exitCode, p.stderr).toBe(0);
    await run(['tag', p.stdout.trim(), 'gz:1']);
  });
  afterAll(() => disposeSandbox(sb));

  it('without it the stored gzip blobs are written as they are; with it every layer is its uncompressed tar', async () => {
    const plain = path.join(sb.dir, 'plain.tar');
    const unc = path.join(sb.dir, 'unc.tar');
    expect((await run(['save', '-q', '--format', 'oci-archive', '-o', plain, 'gz:1'])).exitCode).toBe(0);
    expect((await run(['save', '-q', '--format', 'oci-archive', '--uncompressed', '-o', unc, 'gz:1'])).exitCode).toBe(0);
    const a = readOciArchive(plain, path.join(sb.dir, 'x1'));
    expect(a.blobsOk).toBe(true);
    expect(a.layers.map((l) => [l.mediaType, l.digest])).toEqual(img.layers.map((l) => ['application/vnd.oci.image.layer.v1.tar+gzip', l.digest]));
    const b = readOciArchive(unc, path.join(sb.dir, 'x2'));
    expect(b.blobsOk).toBe(true);
    expect(b.layers.map((l) => [l.mediaType, l.digest])).toEqual(img.layers.map((l) => ['application/vnd.oci.image.layer.v1.tar', l.diffId]));

    // Loaded back: the same image id (config), and it runs.
    expect((await run(['rmi', 'gz:1'])).exitCode).toBe(0);
    const load = await run(['load', '-q', '-i', unc]);
    expect(load.exitCode, load.stderr).toBe(0);
    const ids = await run(['image', 'inspect', '--format', '{{.Id}}', 'gz:1']);
    expect(ids.stdout).toBe(`${img.configDigest.slice(7)}\n`);
    const r = await run(['run', '--rm', 'gz:1', 'cat', '/hello.txt']);
    expect([r.exitCode, r.stdout]).toEqual([0, 'compressed once\n']);
  });
});
