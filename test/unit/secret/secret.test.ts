import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSecretFlag } from '../../../src/secret/secret-mount.js';
import { SecretStore, findSecret } from '../../../src/secret/secret-store.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('--secret', () => {
  it('parses name, type=mount and target', () => {
    expect(parseSecretFlag('pw')).toEqual({ name: 'pw', target: '/run/secrets/pw' });
    expect(parseSecretFlag('pw,type=mount,target=key')).toEqual({ name: 'pw', target: '/run/secrets/key' });
    expect(parseSecretFlag('pw,target=/etc/k')).toEqual({ name: 'pw', target: '/etc/k' });
  });
  it('refuses what it cannot honour', () => {
    expect(() => parseSecretFlag('pw,type=env')).toThrow(/type=env is not supported/);
    expect(() => parseSecretFlag('pw,mode=0400')).toThrow(/mode= is not supported/);
    expect(() => parseSecretFlag('pw,bogus=1')).toThrow(/invalid/);
    expect(() => parseSecretFlag(',target=x')).toThrow(/no name/);
  });
});

describe('SecretStore', () => {
  it('creates, finds by name, id and prefix, refuses duplicates and bad input, removes', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-unit-'));
    dirs.push(root);
    const store = new SecretStore(root);
    // Names that are no hex prefix: a lookup also takes id prefixes.
    const a = await store.create('sa', Buffer.from('x'), {});
    await expect(store.create('sa', Buffer.from('y'), {})).rejects.toThrow('sa: secret name in use');
    await expect(store.create('bad name', Buffer.from('y'), {})).rejects.toThrow(/invalid/);
    await expect(store.create('big', Buffer.alloc(512000), {})).rejects.toThrow(/less than 512000/);
    // Concurrent creates of distinct names all land.
    await Promise.all(['c1', 'c2', 'c3', 'c4'].map((n) => store.create(n, Buffer.from(n), {})));
    const list = await store.list();
    expect(list.map((s) => s.Spec.Name).sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'sa']);
    expect(findSecret(list, a.ID)?.Spec.Name).toBe('sa');
    expect(findSecret(list, a.ID.slice(0, 10))?.Spec.Name).toBe('sa');
    expect(fs.readFileSync(store.dataFile(a.ID), 'utf8')).toBe('x');
    expect(fs.statSync(store.dataFile(a.ID)).mode & 0o777).toBe(0o600);
    expect(await store.remove('sa')).toBe(a.ID);
    expect(fs.existsSync(store.dataFile(a.ID))).toBe(false);
    await expect(store.lookup('sa')).rejects.toThrow('no secret with name or id "sa": no such secret');
  }, 60_000);
});
