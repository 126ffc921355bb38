// The containers' summary index (src/storage/container-index.ts) must list
// exactly what reading every record lists: after any sequence of changes,
// with writers and readers at once in many processes, and after writers are
// SIGKILLed at any point (between their "about to change" mark and their
// "done" line included).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyJournal, INDEX_LIMITS, summaryOf, type ContainerSummary } from '../../../src/storage/container-index.js';
import { ContainerStore, newContainerId, type ContainerRecord } from '../../../src/storage/containers.js';
import { exited, spawnWorker, waitForLine } from './fixtures/build-worker.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-index-'));
let worker: string;
let root: string;

beforeAll(async () => {
  worker = path.join(tmp, 'index-worker.mjs');
  await build({ entryPoints: [path.join(here, 'fixtures', 'index-worker.ts')], outfile: worker, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  root = fs.mkdtempSync(path.join(tmp, 'root-'));
});
afterEach(() => {
  INDEX_LIMITS.foldBytes = 256 * 1024;
  INDEX_LIMITS.foldDirty = 32;
  INDEX_LIMITS.writerFoldBytes = 8 * 1024 * 1024;
});

const record = (name: string): ContainerRecord => ({
  id: newContainerId(),
  name,
  image: 'a'.repeat(64),
  imageName: 'localhost/demo:latest',
  layers: ['1'.repeat(64)],
  created: new Date().toISOString(),
  autoRemove: false,
  config: { command: ['sh', '-c', 'x'], entrypoint: [], cmd: [], env: ['A=1'], workingDir: '/', user: '', uid: 0, gid: 0, hostname: 'h', network: 'host', labels: { a: 'b' } },
  state: { status: 'created' },
});

const rmtree = (...paths: string[]): Promise<void> => Promise.all(paths.map((p) => fs.promises.rm(p, { recursive: true, force: true }))).then(() => undefined);
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : 1);

/** What the index must say: the summaries of every record on disk. */
function truth(store: ContainerStore): ContainerSummary[] {
  return store.listSync().map(summaryOf).sort(byId);
}

async function indexed(store: ContainerStore): Promise<ContainerSummary[]> {
  return (await store.listSummaries()).sort(byId);
}

const indexDir = (): string => path.join(root, 'containers-index');

describe('container summary index', () => {
  it('follows create, update, rename and remove, and is rebuilt when missing or from another boot', async () => {
    const store = new ContainerStore(root);
    expect(await indexed(store)).toEqual([]);
    expect(fs.existsSync(indexDir())).toBe(false); // nothing written for an empty store
    const a = await store.create(record('a'));
    const b = await store.create(record('b'));
    expect(await indexed(store)).toEqual(truth(store));
    expect(fs.existsSync(path.join(indexDir(), 'index.json'))).toBe(true);
    await store.update(a.id, (r) => {
      r.state = { status: 'exited', exitCode: 3, finishedAt: new Date().toISOString() };
    });
    await store.rename(b.id, 'b2');
    const c = await store.create(record('c'));
    await store.remove(a.id, rmtree);
    const now = truth(store);
    expect(now.map((s) => s.name).sort()).toEqual(['b2', 'c']);
    expect(await indexed(store)).toEqual(now);
    expect((await indexed(store)).find((s) => s.id === c.id)?.config).toEqual({ command: ['sh', '-c', 'x'], labels: { a: 'b' } });
    // Missing: rebuilt from the records.
    fs.rmSync(indexDir(), { recursive: true });
    expect(await indexed(store)).toEqual(now);
    // Another boot (a power loss may have cut the unsynced journal): rebuilt.
    const snap = path.join(indexDir(), 'index.json');
    const stale = JSON.parse(fs.readFileSync(snap, 'utf8')) as { boot: string; entries: ContainerSummary[] };
    stale.boot = '00000000-0000-0000-0000-000000000000';
    stale.entries = [];
    fs.writeFileSync(snap, JSON.stringify(stale));
    expect(await indexed(store)).toEqual(now);
  });

  it('a writer killed between its mark and its done line: the record is read, then settled once its lock is free', async () => {
    INDEX_LIMITS.foldDirty = 0;
    const store = new ContainerStore(root);
    const a = await store.create(record('a'));
    await indexed(store);
    // What a SIGKILL right after the commit leaves: the mark, the new record, no done line.
    const journal = path.join(indexDir(), 'journal');
    fs.appendFileSync(journal, `-${a.id}\n`);
    const file = path.join(store.containerDir(a.id), 'container.json');
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as ContainerRecord;
    rec.state = { status: 'exited', exitCode: 9 };
    fs.writeFileSync(file, JSON.stringify(rec));
    expect((await indexed(store))[0]!.state).toEqual({ status: 'exited', exitCode: 9 });
    // The fold above settled it under its lock: no longer dirty, and still right.
    const snap = JSON.parse(fs.readFileSync(path.join(indexDir(), 'index.json'), 'utf8')) as { dirty: string[] };
    expect(snap.dirty).toEqual([]);
    expect(fs.readFileSync(journal, 'utf8')).toBe('');
    expect((await indexed(store))[0]!.state.exitCode).toBe(9);
  });

  it('writers fold a journal that grew large though no one lists', async () => {
    INDEX_LIMITS.writerFoldBytes = 4096;
    const store = new ContainerStore(root);
    const a = await store.create(record('a'));
    await indexed(store);
    const journal = path.join(indexDir(), 'journal');
    let maxSize = 0;
    for (let i = 0; i < 60; i++) {
      await store.update(a.id, (r) => {
        r.state = { status: 'exited', exitCode: i };
      });
      maxSize = Math.max(maxSize, fs.statSync(journal).size);
    }
    expect(maxSize).toBeLessThan(4096 + 2048);
    expect(await indexed(store)).toEqual(truth(store));
    expect((await indexed(store))[0]!.state.exitCode).toBe(59);
  });

  it('a damaged journal line makes the reader rebuild; an unterminated one marks its id', () => {
    const entries = new Map<string, ContainerSummary>();
    const dirty = new Set<string>();
    const id = 'c'.repeat(64);
    expect(applyJournal(`-${id}\n`, entries, dirty)).toBe(true);
    expect([...dirty]).toEqual([id]);
    expect(applyJournal(`x${id}\n`, entries, dirty)).toBe(true);
    expect(dirty.size).toBe(0);
    expect(applyJournal(`+{"id":"${id}","na`, entries, dirty)).toBe(true);
    expect([...dirty]).toEqual([id]);
    expect(applyJournal('+{"id":"zz"}\n', entries, dirty)).toBe(false);
    expect(applyJournal('garbage\n', entries, dirty)).toBe(false);
    expect(applyJournal('\n', entries, dirty)).toBe(false);
  });

  it('many processes changing and listing at once, some SIGKILLed at any moment: the index always ends equal to the records', async () => {
    INDEX_LIMITS.foldBytes = 2048;
    INDEX_LIMITS.foldDirty = 2;
    const store = new ContainerStore(root);
    for (let i = 0; i < 6; i++) await store.create(record(`seed${i}`));
    for (let round = 0; round < 6; round++) {
      const kids = [
        ...Array.from({ length: 3 }, (_, i) => spawnWorker(worker, [root, 'write', String(round * 10 + i + 1)])),
        spawnWorker(worker, [root, 'read', '0']),
      ];
      await Promise.all(kids.map((k) => waitForLine(k, /ready/)));
      // Listing while they work: every id listed has a record or had one a moment ago; nothing throws.
      for (let i = 0; i < 5; i++) await store.listSummaries();
      await new Promise((r) => setTimeout(r, 50 + round * 40));
      for (const k of kids) k.kill('SIGKILL');
      const codes = await Promise.all(kids.map(exited));
      expect(codes.every((c) => c === 'SIGKILL')).toBe(true);
      expect(await indexed(store)).toEqual(truth(store));
      // And again after a fold settled whatever the killed writers left dirty.
      expect(await indexed(store)).toEqual(truth(store));
    }
  }, 60_000);
});
