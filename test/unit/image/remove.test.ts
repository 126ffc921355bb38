// The removal protocol on a real store directory (real locks, atomic
// writes): shared layers and blobs survive, a container's layers are never
// removed, a removal cut short is finished by the next one, and an add racing
// a removal cannot record an image whose content went. The trees hold only
// our own files here, so rmtree is fs.rm; integration tests use the helper.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishPendingRemovals, ImageInUseError, markForRemoval, removeImage, type RemovalContext } from '../../../src/image/remove.js';
import { BlobStore } from '../../../src/storage/blob-store.js';
import { ContainerStore, newContainerId, type ContainerRecord } from '../../../src/storage/containers.js';
import { ImageContentMissingError, ImageStore, type ImageRecord } from '../../../src/storage/images.js';
import { ensureShortLink, shortLinkPath } from '../../../src/storage/layers/short-links.js';

let root: string;
let ctx: RemovalContext;
let rmtreeCalls: string[][];
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-rmi-'));
  rmtreeCalls = [];
  ctx = {
    dataRoot: root,
    treeOps: {
      devices: false,
      unpack: () => Promise.reject(new Error('removal unpacks nothing')),
      fixup: async () => {},
      rmtree: async (...paths) => {
        rmtreeCalls.push(paths);
        for (const p of paths) fs.rmSync(p, { recursive: true, force: true });
      },
    },
    removeContainer: async (c) => new ContainerStore(root).remove(c.id, ctx.treeOps.rmtree),
  };
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const hex = (c: string) => c.repeat(64);

async function layer(id: string): Promise<void> {
  const dir = path.join(root, 'layers', id);
  fs.mkdirSync(path.join(dir, 'diff'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'diff', 'file'), id);
  const link = await ensureShortLink(root, id);
  fs.writeFileSync(path.join(dir, 'layer.json'), JSON.stringify({ id, diffId: `sha256:${id}`, parent: null, compressedDigest: null, size: 10, link, created: '' }));
}

/** An image with its config, manifest and layer blobs stored; returns its record. */
async function image(name: string, layers: string[], comment: string): Promise<ImageRecord> {
  const blobs = new BlobStore(root);
  for (const l of layers) if (!fs.existsSync(path.join(root, 'layers', l))) await layer(l);
  const layerBlobs = await Promise.all(layers.map((l) => blobs.put(Buffer.from(`tar of ${l}`))));
  const config = await blobs.put(
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${l}`) }, history: [{ comment }] })),
  );
  const manifest = await blobs.put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: layerBlobs.map((b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...b })),
      }),
    ),
  );
  // Stored a while ago: a removal only deletes blobs older than itself.
  const past = new Date(Date.now() - 60_000);
  for (const b of [config, manifest, ...layerBlobs]) fs.utimesSync(blobs.path(b.digest), past, past);
  return new ImageStore(root).add({
    id: config.digest.slice(7),
    names: [name],
    digest: manifest.digest,
    manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    layers,
    created: '2026-01-01T00:00:00Z',
    added: '2026-01-01T00:00:00Z',
    size: 10 * layers.length,
  });
}

async function container(img: ImageRecord, layers = img.layers): Promise<ContainerRecord> {
  return new ContainerStore(root).create({
    id: newContainerId(),
    name: `c${Math.random().toString(16).slice(2, 8)}`,
    image: img.id,
    imageName: img.names[0]!,
    layers: [...layers],
    created: new Date().toISOString(),
    autoRemove: false,
    config: { command: ['true'], entrypoint: [], cmd: ['true'], env: [], workingDir: '/', user: '', uid: 0, gid: 0, hostname: 'h', network: 'host' },
    state: { status: 'exited', exitCode: 0 },
  });
}

const blobNames = () => fs.readdirSync(path.join(root, 'blobs', 'sha256')).sort();
const layerNames = () => fs.readdirSync(path.join(root, 'layers')).sort();

describe('removeImage', () => {
  it('removes what only it used; shared layers and blobs stay', async () => {
    const a = await image('localhost/a:1', [hex('1'), hex('2')], 'a');
    const b = await image('localhost/b:1', [hex('1')], 'b');
    const blobsBefore = blobNames();
    expect(await removeImage(ctx, a.id, false)).toBe(true);
    expect(layerNames()).toEqual([hex('1')]);
    expect(fs.existsSync(shortLinkPath(root, hex('2')))).toBe(false);
    expect(fs.existsSync(shortLinkPath(root, hex('1')))).toBe(true);
    // a's config, manifest and its layer-2 tarball went; the shared layer-1 tarball stayed
    const gone = blobsBefore.filter((x) => !blobNames().includes(x));
    expect(gone).toHaveLength(3);
    expect(gone).toContain(a.id);
    expect(blobNames()).toContain(b.id);
    expect((await new ImageStore(root).listAll()).map((i) => i.id)).toEqual([b.id]);
    expect(rmtreeCalls).toEqual([[path.join(root, 'layers', hex('2'))]]);
  });

  it('refuses an image a container uses, changing nothing; -f removes the container first', async () => {
    const a = await image('localhost/a:1', [hex('1')], 'a');
    const c = await container(a);
    await expect(removeImage(ctx, a.id, false)).rejects.toThrow(ImageInUseError);
    await expect(removeImage(ctx, a.id, false)).rejects.toThrow(`image used by ${c.id}: image is in use by a container`);
    expect((await new ImageStore(root).list()).map((i) => i.id)).toEqual([a.id]);
    expect(layerNames()).toEqual([hex('1')]);
    expect(await removeImage(ctx, a.id, true)).toBe(true);
    expect(await new ContainerStore(root).list()).toEqual([]);
    expect(layerNames()).toEqual([]);
  });

  it('never removes a layer a container\'s overlay uses, even when no image does', async () => {
    const a = await image('localhost/a:1', [hex('1'), hex('2')], 'a');
    const b = await image('localhost/b:1', [hex('1'), hex('3')], 'b');
    await container(b, [hex('1'), hex('2')]); // e.g. a container made from an image removed with it
    expect(await removeImage(ctx, a.id, false)).toBe(true);
    expect(layerNames()).toEqual([hex('1'), hex('2'), hex('3')]);
    expect(fs.existsSync(path.join(root, 'layers', hex('2'), 'layer.json'))).toBe(true);
  });

  it('a removal cut short (record marked, layer half gone) is finished by the next one', async () => {
    const a = await image('localhost/a:1', [hex('1')], 'a');
    await markForRemoval(ctx, a.id, false);
    fs.rmSync(path.join(root, 'layers', hex('1'), 'layer.json')); // as if killed inside step 2
    expect(await new ImageStore(root).list()).toEqual([]); // already invisible
    expect(await finishPendingRemovals(ctx)).toEqual([a.id]);
    expect(layerNames()).toEqual([]);
    expect(blobNames()).toEqual([]);
    expect(await new ImageStore(root).listAll()).toEqual([]);
  });

  it('an add on a layer a removal took away fails instead of recording a broken image', async () => {
    const a = await image('localhost/a:1', [hex('1')], 'a');
    const again = { ...a, names: ['localhost/again:1'] };
    await removeImage(ctx, a.id, false);
    await expect(new ImageStore(root).add(again)).rejects.toThrow(ImageContentMissingError);
    expect(await new ImageStore(root).listAll()).toEqual([]);
  });

  it('an add that wins the race keeps the image and its content', async () => {
    const a = await image('localhost/a:1', [hex('1')], 'a');
    await markForRemoval(ctx, a.id, false);
    await new ImageStore(root).add({ ...a, names: ['localhost/again:1'] }); // replaces the record being removed
    await finishPendingRemovals(ctx);
    expect((await new ImageStore(root).list()).map((i) => i.names)).toEqual([['localhost/again:1']]);
    expect(layerNames()).toEqual([hex('1')]);
    expect(blobNames()).toContain(a.id);
  });

  it('an add landing while the removal deletes layers keeps the record and its blobs', async () => {
    const a = await image('localhost/a:1', [hex('1')], 'a');
    const rmtree = ctx.treeOps.rmtree;
    ctx.treeOps.rmtree = async (...paths) => {
      await rmtree(...paths);
      // Meanwhile an import re-unpacks the layer and records the same image again.
      await layer(hex('1'));
      await new ImageStore(root).add({ ...a, names: ['localhost/again:1'] });
    };
    expect(await removeImage(ctx, a.id, false)).toBe(true);
    expect((await new ImageStore(root).listAll()).map((i) => [i.names, i.removing])).toEqual([[['localhost/again:1'], undefined]]);
    expect(blobNames()).toContain(a.id);
    expect(blobNames()).toContain(a.digest.slice(7));
  });

  it('keeps blobs written after the removal began (a concurrent import of the same content stores them)', async () => {
    const a = await image('localhost/a:1', [hex('1')], 'a');
    const rmtree = ctx.treeOps.rmtree;
    ctx.treeOps.rmtree = async (...paths) => {
      await rmtree(...paths);
      fs.utimesSync(new BlobStore(root).path(`sha256:${a.id}`), new Date(), new Date()); // rewritten just now
    };
    await removeImage(ctx, a.id, false);
    expect(await new ImageStore(root).listAll()).toEqual([]);
    expect(blobNames()).toEqual([a.id]);
  });

  it('concurrent removals of images sharing a layer leave nothing behind', async () => {
    const a = await image('localhost/a:1', [hex('1')], 'a');
    const b = await image('localhost/b:1', [hex('1')], 'b');
    await Promise.all([removeImage(ctx, a.id, false), removeImage(ctx, b.id, false)]);
    expect(await new ImageStore(root).listAll()).toEqual([]);
    expect(layerNames()).toEqual([]);
    expect(blobNames()).toEqual([]);
  });
});
