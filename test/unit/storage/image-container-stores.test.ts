// images.json and containers/<id>/container.json on a real directory (real
// locks, atomic writes); no helper needed for what is tested here.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoSuchObjectError } from '../../../src/errors.js';
import { ContainerNameInUseError, ContainerStore, newContainerId, type ContainerRecord } from '../../../src/storage/containers.js';
import { ImageStore, ImageUnknownError, type ImageRecord } from '../../../src/storage/images.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-stores-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const image = (hex: string, names: string[]): ImageRecord => ({
  id: hex.repeat(64 / hex.length),
  names,
  digest: 'sha256:' + 'f'.repeat(64),
  manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
  layers: ['1'.repeat(64)],
  created: '2026-01-01T00:00:00.000Z',
  added: '2026-01-01T00:00:00.000Z',
  size: 1,
});

describe('ImageStore', () => {
  // These records name layers and blobs that do not exist: only images.json is under test.
  const NO_CONTENT = { checkContent: false };

  it('adds, looks up, moves names between images, and merges names of the same image', async () => {
    const store = new ImageStore(root);
    expect(await store.list()).toEqual([]);
    await store.add(image('a', ['localhost/demo:latest']), NO_CONTENT);
    await store.add(image('b', ['localhost/demo:latest', 'localhost/other:1']), NO_CONTENT);
    const [a, b] = await store.list();
    expect(a!.names).toEqual([]); // lost its only name to the newer image: <none>, as podman
    expect(b!.names).toEqual(['localhost/demo:latest', 'localhost/other:1']);
    await store.add(image('a', ['localhost/again:latest']), NO_CONTENT);
    expect((await store.lookup('again')).id).toBe('a'.repeat(64));
    expect((await store.lookup('demo')).id).toBe('b'.repeat(64));
    expect((await store.list()).length).toBe(2);
    await expect(store.lookup('nosuch')).rejects.toThrow(ImageUnknownError);
    await expect(store.lookup('nosuch')).rejects.toThrow('nosuch: image not known');
  });

  it('keeps every name when many processes add at once (read-modify-write under the lock)', async () => {
    const store = new ImageStore(root);
    await Promise.all(Array.from({ length: 12 }, (_, i) => new ImageStore(root).add(image(i.toString(16), [`localhost/img${i}:latest`]), NO_CONTENT)));
    const all = await store.list();
    expect(all.map((i) => i.names[0]).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `localhost/img${i}:latest`).sort());
  });

  it('reports a damaged images.json instead of guessing', async () => {
    fs.writeFileSync(path.join(root, 'images.json'), '{"images": 3}');
    await expect(new ImageStore(root).list()).rejects.toThrow(/images.json is invalid/);
  });
});

describe('ContainerStore', () => {
  const record = (name: string): ContainerRecord => ({
    id: newContainerId(),
    name,
    image: 'a'.repeat(64),
    imageName: 'localhost/demo:latest',
    layers: ['1'.repeat(64)],
    created: new Date().toISOString(),
    autoRemove: false,
    config: {
      command: ['true'],
      entrypoint: [],
      cmd: ['true'],
      env: [],
      workingDir: '/',
      user: '',
      uid: 0,
      gid: 0,
      hostname: 'h',
      network: 'host',
    },
    state: { status: 'created' },
  });

  it('creates the record with empty upper/ and work/, updates state, finds by name, id and prefix', async () => {
    const store = new ContainerStore(root);
    const c = await store.create(record('web'));
    expect(fs.readdirSync(store.containerDir(c.id)).sort()).toEqual(['container.json', 'upper', 'work']);
    await store.update(c.id, (r) => {
      r.state = { status: 'exited', exitCode: 3 };
    });
    expect((await store.lookup('web')).state).toEqual({ status: 'exited', exitCode: 3 });
    expect((await store.lookup(c.id.slice(0, 6))).id).toBe(c.id);
    await expect(store.lookup('nosuch')).rejects.toThrow(NoSuchObjectError);
    await expect(store.update(newContainerId(), () => {})).rejects.toThrow(/no such container/);
  });

  it('refuses a name in use with podman\'s message, even under concurrent creates', async () => {
    const store = new ContainerStore(root);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => new ContainerStore(root).create(record('same'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(5);
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(ContainerNameInUseError);
      expect((r.reason as Error).message).toMatch(/^creating container storage: the container name "same" is already in use by [0-9a-f]{64}\. You have to remove that container/);
    }
    expect(await store.list()).toHaveLength(1);
  });
});
