// ContainerStore.create prepares the container's directory and record
// before the containers lock and only commits (name check + rename) under
// it: what a losing or failing create leaves behind is nothing.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainerNameInUseError, ContainerStore, newContainerId, type ContainerRecord } from '../../../src/storage/containers.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-create-commit-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const record = (name: string): ContainerRecord => ({
  id: newContainerId(),
  name,
  image: 'a'.repeat(64),
  imageName: 'localhost/demo:latest',
  layers: ['1'.repeat(64)],
  created: new Date().toISOString(),
  autoRemove: false,
  config: { command: ['true'], entrypoint: [], cmd: ['true'], env: [], workingDir: '/', user: '', uid: 0, gid: 0, hostname: 'h', network: 'host' },
  state: { status: 'created' },
});

describe('ContainerStore.create', () => {
  it('losers of a name race leave no directory, temp file or lock behind', async () => {
    const store = new ContainerStore(root);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => new ContainerStore(root).create(record('same'))));
    const won = results.filter((r): r is PromiseFulfilledResult<ContainerRecord> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ContainerNameInUseError);
    expect(fs.readdirSync(path.join(root, 'containers'))).toEqual([won[0]!.value.id]);
    expect(fs.readdirSync(store.containerDir(won[0]!.value.id)).sort()).toEqual(['container.json', 'upper', 'work']);
    expect(fs.readdirSync(path.join(root, 'locks')).filter((n) => n.startsWith('containers.lock') || n.startsWith('.containers.lock'))).toEqual([]);
  });

  it('many distinct names at once all land, each record whole', async () => {
    const store = new ContainerStore(root);
    const names = Array.from({ length: 20 }, (_, i) => `c${i}`);
    await Promise.all(names.map((n) => new ContainerStore(root).create(record(n))));
    expect((await store.list()).map((c) => c.name).sort()).toEqual([...names].sort());
  });

  it('a record that cannot be committed leaves nothing listed', async () => {
    const store = new ContainerStore(root);
    const a = await store.create(record('a'));
    // The same id again: its directory exists, so the temp name is new but upper/ is not.
    await expect(store.create({ ...record('b'), id: a.id })).rejects.toThrow(/EEXIST/);
    expect((await store.list()).map((c) => c.name)).toEqual(['a']);
  });
});

describe('storeWithFreshName', () => {
  it('draws another generated name when a concurrent create took it; a given name stays an error', async () => {
    const { storeWithFreshName } = await import('../../../src/runtime/container/container-create.js');
    const store = new ContainerStore(root);
    await store.create(record('eager_turing'));
    const drawn: string[] = [];
    const draw = (taken: ReadonlySet<string>) => {
      expect(taken.has('eager_turing')).toBe(true);
      drawn.push('calm_hopper');
      return 'calm_hopper';
    };
    const c = await storeWithFreshName(store, record('eager_turing'), true, draw);
    expect(c.name).toBe('calm_hopper');
    expect(drawn).toEqual(['calm_hopper']);
    await expect(storeWithFreshName(store, record('calm_hopper'), false, draw)).rejects.toBeInstanceOf(ContainerNameInUseError);
    expect((await store.list()).map((r) => r.name).sort()).toEqual(['calm_hopper', 'eager_turing']);
  });
});
