import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateCorruptError } from '../../../src/errors.js';
import { isTempFileName, sweepTempFiles, tempFileName, writeFileAtomic } from '../../../src/storage/atomic-file.js';
import { readJson } from '../../../src/storage/json-store.js';
import { bigDocText } from './fixtures/big-doc.js';
import { buildWorker, exited, spawnWorker, waitForLine } from './fixtures/build-worker.js';

let tmp: string;
let worker: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-atomic-'));
  worker = await buildWorker(tmp);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const tempsIn = (dir: string) => fs.readdirSync(dir).filter(isTempFileName);

describe('writeFileAtomic', () => {
  it('replaces content, sets the exact mode and leaves no temp file', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'w-'));
    const f = path.join(dir, 'state.json');
    await writeFileAtomic(f, 'one', { mode: 0o600 });
    const ino = fs.statSync(f).ino;
    await writeFileAtomic(f, 'two', { mode: 0o640 });
    expect(fs.readFileSync(f, 'utf8')).toBe('two');
    expect(fs.statSync(f).mode & 0o777).toBe(0o640);
    expect(fs.statSync(f).ino).not.toBe(ino); // a new file renamed over, not rewritten in place
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });

  it('fails cleanly when the directory is missing', async () => {
    await expect(writeFileAtomic(path.join(tmp, 'nope', 'x.json'), 'x')).rejects.toThrow(/ENOENT/);
  });

  it('removes its temp file when the rename fails', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'w-'));
    fs.mkdirSync(path.join(dir, 'target')); // renaming a file over a directory fails
    await expect(writeFileAtomic(path.join(dir, 'target'), 'x')).rejects.toThrow(/EISDIR/);
    expect(fs.readdirSync(dir)).toEqual(['target']);
  });
});

describe('readJson', () => {
  it('returns the default for a missing file only when asked', async () => {
    const f = path.join(tmp, 'missing.json');
    expect(await readJson(f, { missing: { a: 1 } })).toEqual({ a: 1 });
    expect(await readJson<string[] | undefined>(f, { missing: undefined })).toBeUndefined();
    await expect(readJson(f)).rejects.toThrow(StateCorruptError);
  });

  it('reports torn, empty and invalid files as StateCorruptError naming the path', async () => {
    const f = path.join(tmp, 'torn.json');
    fs.writeFileSync(f, '{"version": 1, "items": [1, 2');
    const err = await readJson(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateCorruptError);
    expect((err as Error).message).toContain(f);
    fs.writeFileSync(f, '');
    await expect(readJson(f, { missing: {} })).rejects.toThrow(/torn\.json is not valid JSON: it is empty/);
    fs.writeFileSync(f, '{"n": "x"}');
    const validate = (v: unknown): { n: number } => {
      if (typeof (v as { n?: unknown }).n !== 'number') throw new Error('n must be a number');
      return v as { n: number };
    };
    await expect(readJson(f, { validate })).rejects.toThrow(/torn\.json is invalid: n must be a number/);
    fs.writeFileSync(f, '{"n": 4}');
    expect((await readJson(f, { validate })).n).toBe(4);
  });
});

describe('tempFileName', () => {
  it('gives a fresh temp name on every call, one the sweeper and listings recognise', () => {
    const names = Array.from({ length: 1000 }, () => tempFileName('c.json'));
    expect(new Set(names).size).toBe(1000);
    for (const n of names) {
      expect(isTempFileName(n)).toBe(true);
      expect(n.startsWith(`.c.json.tmp-${process.pid}-`)).toBe(true);
    }
  });
});

describe('sweepTempFiles', () => {
  it('removes temp files of dead writers and old ones, keeps fresh live ones and other files', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 's-'));
    const live = tempFileName('a.json'); // ours: pid alive, fresh
    const old = tempFileName('b.json'); // ours but two minutes old
    const dead = '.c.json.tmp-999999999-abcdef'; // no such pid
    for (const n of [live, old, dead, 'a.json', '.hidden']) fs.writeFileSync(path.join(dir, n), 'x');
    const twoMinAgo = new Date(Date.now() - 120_000);
    fs.utimesSync(path.join(dir, old), twoMinAgo, twoMinAgo);
    expect((await sweepTempFiles(dir)).sort()).toEqual([old, dead].sort());
    expect(fs.readdirSync(dir).sort()).toEqual(['.hidden', 'a.json', live].sort());
    expect(await sweepTempFiles(path.join(dir, 'gone'))).toEqual([]);
  });
});

describe('a writer SIGKILLed at random moments', () => {
  it('leaves the previous or the next version, never a torn file', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'k-'));
    const f = path.join(dir, 'big.json');
    fs.writeFileSync(f, bigDocText(0));
    let version = 0; // the version the file must hold, or version + 1
    let kills = 0;
    let torn = 0;
    // Enough kills, at least one of them mid-write (it leaves a temp file); each kill costs a node start,
    // which on a loaded 2-core machine can take seconds, hence the generous bound.
    const deadline = Date.now() + 50_000;
    while ((kills < 8 || tempsIn(dir).length === 0) && Date.now() < deadline) {
      const child = spawnWorker(worker, ['rewrite', f, String(version + 1)]);
      let lastDone = version;
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /done (\d+)\n[^\n]*$/.exec(out);
        if (m) lastDone = Number(m[1]);
      });
      await waitForLine(child, /^done /);
      // Read while it writes: readers never see a partial file either.
      const until = Date.now() + Math.random() * 60;
      while (Date.now() < until) {
        const text = fs.readFileSync(f, 'utf8');
        const v = (JSON.parse(text) as { version: number }).version;
        if (text !== bigDocText(v)) torn++;
        await new Promise((r) => setImmediate(r));
      }
      child.kill('SIGKILL');
      expect(await exited(child)).toBe('SIGKILL');
      // Pipes are written synchronously on Linux, so every completed "done" reached us.
      const text = fs.readFileSync(f, 'utf8');
      const onDisk = (JSON.parse(text) as { version: number }).version;
      expect([lastDone, lastDone + 1]).toContain(onDisk);
      expect(text).toBe(bigDocText(onDisk));
      version = onDisk;
      kills++;
    }
    expect(torn).toBe(0);
    expect(kills).toBeGreaterThanOrEqual(8);
    // Each kill came after at least one completed write (waitForLine), so at least one version per kill.
    expect(version).toBeGreaterThanOrEqual(kills);
    // Killed mid-write, writers leave temp files; their pids are dead now.
    expect(tempsIn(dir).length).toBeGreaterThan(0); // so some kills did land mid-write
    await sweepTempFiles(dir);
    expect(tempsIn(dir)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['big.json']);
  }, 60_000);
});
