import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StateCorruptError } from '../../../src/errors.js';
import { readJson, updateJson, writeJsonAtomic } from '../../../src/storage/json-store.js';
import { lockHolder, withLock } from '../../../src/storage/lock.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-json-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Images {
  images: { id: string; names: string[] }[];
}

describe('writeJsonAtomic', () => {
  it('writes pretty JSON with a trailing newline that readJson returns', async () => {
    const f = path.join(tmp, 'w.json');
    await writeJsonAtomic(f, { a: [1, 2] });
    expect(fs.readFileSync(f, 'utf8')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}\n');
    expect(await readJson(f)).toEqual({ a: [1, 2] });
  });
});

describe('updateJson', () => {
  it('starts from a copy of the default and never changes the default itself', async () => {
    const f = path.join(tmp, 'images.json');
    const lock = path.join(tmp, 'images.lock');
    const empty: Images = { images: [] };
    const a = await updateJson(f, lock, empty, (s) => {
      s.images.push({ id: 'a', names: ['x'] });
    });
    expect(a.images).toHaveLength(1);
    expect(empty.images).toEqual([]);
    const b = await updateJson(f, lock, empty, (s) => ({ images: [...s.images, { id: 'b', names: [] }] }));
    expect(b.images.map((i) => i.id)).toEqual(['a', 'b']);
    expect(await readJson<Images>(f)).toEqual(b);
    expect(await lockHolder(lock)).toBeUndefined();
  });

  it('writes nothing and releases the lock when mutate throws', async () => {
    const f = path.join(tmp, 'keep.json');
    const lock = path.join(tmp, 'keep.lock');
    await writeJsonAtomic(f, { n: 1 });
    await expect(
      updateJson(f, lock, { n: 0 }, () => {
        throw new Error('no space for that');
      }),
    ).rejects.toThrow('no space for that');
    expect(await readJson(f)).toEqual({ n: 1 });
    expect(await lockHolder(lock)).toBeUndefined();
  });

  it('leaves the file alone when the new text is its own (no temp file, no rename), and writes a missing file', async () => {
    const f = path.join(tmp, 'same.json');
    const lock = path.join(tmp, 'same.lock');
    expect(await updateJson(f, lock, { n: 1 }, () => {})).toEqual({ n: 1 });
    expect(fs.readFileSync(f, 'utf8')).toBe('{\n  "n": 1\n}\n');
    const ino = fs.statSync(f).ino;
    expect(await updateJson(f, lock, { n: 0 }, (s) => ({ ...s }))).toEqual({ n: 1 });
    expect(fs.statSync(f).ino).toBe(ino);
    // A file in another layout than ours is rewritten in ours.
    fs.writeFileSync(f, '{"n": 1}');
    await updateJson(f, lock, { n: 0 }, () => {});
    expect(fs.readFileSync(f, 'utf8')).toBe('{\n  "n": 1\n}\n');
    await updateJson(f, lock, { n: 0 }, (s: { n: number }) => {
      s.n = 2;
    });
    expect(await readJson(f)).toEqual({ n: 2 });
  });

  it('refuses to overwrite a damaged file', async () => {
    const f = path.join(tmp, 'damaged.json');
    fs.writeFileSync(f, '{"n": 1');
    await expect(updateJson(f, path.join(tmp, 'd.lock'), { n: 0 }, () => ({ n: 5 }))).rejects.toThrow(
      StateCorruptError,
    );
    expect(fs.readFileSync(f, 'utf8')).toBe('{"n": 1');
  });

  it('runs inside withLock of the same lock (re-entrant) and serializes with other callers', async () => {
    const f = path.join(tmp, 'count.json');
    const lock = path.join(tmp, 'count.lock');
    const inc = (s: { n: number }) => {
      s.n++;
    };
    await Promise.all([
      ...Array.from({ length: 10 }, () => updateJson(f, lock, { n: 0 }, inc)),
      withLock(lock, async () => {
        const before = (await readJson<{ n: number }>(f, { missing: { n: 0 } })).n;
        await updateJson(f, lock, { n: 0 }, inc);
        await updateJson(f, lock, { n: 0 }, inc);
        expect((await readJson<{ n: number }>(f)).n).toBe(before + 2);
      }),
    ]);
    expect((await readJson<{ n: number }>(f)).n).toBe(12);
  });
});
