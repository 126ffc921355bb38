import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore, DigestMismatchError, digestHex, sha256Digest } from '../../../src/storage/blob-store.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-blobs-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const listing = () => fs.readdirSync(path.join(root, 'blobs', 'sha256'));

describe('BlobStore', () => {
  it('stores bytes under their digest', async () => {
    const store = new BlobStore(root);
    const data = Buffer.from('hello');
    const info = await store.put(data);
    expect(info).toEqual({ digest: sha256Digest(data), size: 5 });
    expect(listing()).toEqual([digestHex(info.digest)]);
    expect((await store.read(info.digest)).toString()).toBe('hello');
    expect(await store.has(info.digest)).toBe(true);
    // Same content again: same blob, no leftovers.
    await store.put(data, info.digest);
    expect(listing()).toEqual([digestHex(info.digest)]);
  });

  it('refuses content that does not match the expected digest and keeps nothing', async () => {
    const store = new BlobStore(root);
    const wrong = sha256Digest('other');
    await expect(store.put(Buffer.from('hello'), wrong)).rejects.toThrow(DigestMismatchError);
    await expect(store.putStream(Readable.from([Buffer.from('hel'), Buffer.from('lo')]), wrong)).rejects.toThrow(
      `blob digest did not match: expected ${wrong}, got ${sha256Digest('hello')}`,
    );
    expect(listing()).toEqual([]);
    expect(await store.has(wrong)).toBe(false);
  });

  it('keeps nothing when the input stream fails', async () => {
    const store = new BlobStore(root);
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('network down'));
      },
    });
    await expect(store.putStream(failing)).rejects.toThrow('network down');
    expect(listing()).toEqual([]);
  });

  it('stores a stream it taps while another consumer reads it', async () => {
    const store = new BlobStore(root);
    const w = await store.writer();
    const seen: Buffer[] = [];
    for await (const c of Readable.from([Buffer.from('ab'), Buffer.from('cd')]).pipe(w.tap())) seen.push(c as Buffer);
    const info = await w.commit();
    expect(Buffer.concat(seen).toString()).toBe('abcd');
    expect(info.digest).toBe(sha256Digest('abcd'));
  });

  it('accepts only sha256 digests as names', () => {
    const store = new BlobStore(root);
    expect(() => store.path('sha256:../../etc/passwd')).toThrow(/invalid digest/);
    expect(() => store.path('sha512:' + 'a'.repeat(128))).toThrow(/invalid digest/);
    expect(() => digestHex('sha256:' + 'A'.repeat(64))).toThrow(/invalid digest/);
  });

  it('reports a missing blob', async () => {
    await expect(new BlobStore(root).read(sha256Digest('x'))).rejects.toThrow(/is missing from the store/);
  });
});
