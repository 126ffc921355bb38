// images.json additions for the image commands: NamesHistory, records being
// removed (hidden, replaced by a new add), and add() refusing to record an
// image whose layers or blobs a concurrent removal took away.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageContentMissingError, ImageStore, withNamesHistory, type ImageRecord } from '../../../src/storage/images.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-images-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const LAYER = '1'.repeat(64);
const record = (hex: string, names: string[]): ImageRecord => ({
  id: hex.repeat(64),
  names,
  digest: 'sha256:' + 'f'.repeat(64),
  manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
  layers: [LAYER],
  created: '2026-01-01T00:00:00.000Z',
  added: '2026-01-01T00:00:00.000Z',
  size: 1,
});

/** The files add() requires: layer.json, config and manifest blobs. */
function writeContent(r: ImageRecord): void {
  fs.mkdirSync(path.join(root, 'layers', LAYER), { recursive: true });
  fs.writeFileSync(path.join(root, 'layers', LAYER, 'layer.json'), '{}');
  fs.mkdirSync(path.join(root, 'blobs', 'sha256'), { recursive: true });
  fs.writeFileSync(path.join(root, 'blobs', 'sha256', r.id), '{}');
  fs.writeFileSync(path.join(root, 'blobs', 'sha256', r.digest.slice(7)), '{}');
}

describe('withNamesHistory', () => {
  it('moves each current name to the front, in order (podman after tag then untag)', () => {
    let h = withNamesHistory(undefined, ['localhost/one:1']);
    h = withNamesHistory(h, ['localhost/one:1', 'localhost/one:2', 'localhost/foo/bar:latest', 'quay.io/x/y:z']);
    expect(h).toEqual(['quay.io/x/y:z', 'localhost/foo/bar:latest', 'localhost/one:2', 'localhost/one:1']);
    h = withNamesHistory(h, ['localhost/one:1', 'localhost/foo/bar:latest', 'quay.io/x/y:z']);
    expect(h).toEqual(['quay.io/x/y:z', 'localhost/foo/bar:latest', 'localhost/one:1', 'localhost/one:2']);
    expect(withNamesHistory(h, [])).toEqual(h);
  });
});

describe('ImageStore for the image commands', () => {
  it('records NamesHistory on add and when names merge', async () => {
    const store = new ImageStore(root);
    const a = record('a', ['localhost/a:1']);
    writeContent(a);
    await store.add(a);
    await store.add({ ...a, names: ['localhost/a:2'] });
    const [got] = await store.list();
    // containers/storage's AddNames puts new names first (podman: a pull by digest of a tagged image gives
    // Names [repo@digest, repo:tag] and NamesHistory [repo:tag, repo@digest]).
    expect(got!.names).toEqual(['localhost/a:2', 'localhost/a:1']);
    expect(got!.namesHistory).toEqual(['localhost/a:1', 'localhost/a:2']);
  });

  it('hides images being removed from list and lookup, but listAll shows them', async () => {
    const store = new ImageStore(root);
    const a = record('a', ['localhost/a:1']);
    writeContent(a);
    await store.add(a);
    await store.update((f) => {
      f.images[0]!.removing = true;
    });
    expect(await store.list()).toEqual([]);
    await expect(store.lookup('a:1')).rejects.toThrow('a:1: image not known');
    expect((await store.listAll()).map((i) => i.id)).toEqual([a.id]);
  });

  it('a new add of an image being removed replaces the record (fresh names, not removing)', async () => {
    const store = new ImageStore(root);
    const a = record('a', ['localhost/a:1']);
    writeContent(a);
    await store.add(a);
    await store.update((f) => {
      f.images[0]!.removing = true;
    });
    await store.add({ ...a, names: ['localhost/b:1'] });
    const all = await store.listAll();
    expect(all).toHaveLength(1);
    expect(all[0]!.removing).toBeUndefined();
    expect(all[0]!.names).toEqual(['localhost/b:1']);
  });

  it('refuses to record an image whose layer or blobs are gone, writing nothing', async () => {
    const store = new ImageStore(root);
    const a = record('a', ['localhost/a:1']);
    writeContent(a);
    fs.rmSync(path.join(root, 'layers', LAYER, 'layer.json'));
    await expect(store.add(a)).rejects.toThrow(ImageContentMissingError);
    await expect(store.add(a)).rejects.toThrow(/layers\/1{64}\/layer\.json was removed meanwhile/);
    writeContent(a);
    fs.rmSync(path.join(root, 'blobs', 'sha256', a.id));
    await expect(store.add(a)).rejects.toThrow(/blobs\/sha256\/a{64} was removed meanwhile/);
    writeContent(a);
    // the manifest's layer tarball is gone (an rmi deleted it after the import stored it)
    const tarball = 'sha256:' + '9'.repeat(64);
    fs.writeFileSync(path.join(root, 'blobs', 'sha256', a.digest.slice(7)), JSON.stringify({ schemaVersion: 2, layers: [{ digest: tarball }] }));
    await expect(store.add(a)).rejects.toThrow(/blobs\/sha256\/9{64} was removed meanwhile/);
    fs.writeFileSync(path.join(root, 'blobs', 'sha256', '9'.repeat(64)), 'tar');
    await store.add(a);
    expect((await store.listAll()).map((i) => i.id)).toEqual([a.id]);
  });
});
