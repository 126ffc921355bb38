// Extraction of the embedded ESM app: complete trees only, private modes,
// reuse on later starts, repair of a damaged copy.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appDirName, appIsIntact, extractApp, pruneLeftovers } from '../../../src/sea/extract-app.js';
import type { Manifest } from '../../../src/sea/manifest.js';
import { sha256 } from '../../../src/sea/verified-file.js';

const uid = process.getuid!();
const content: Record<string, Uint8Array> = {
  'tsc-run.mjs': new TextEncoder().encode('export default 1;\n'),
  'chunks/a-123.mjs': new TextEncoder().encode('export const a = 2;\n'),
};
const files = Object.keys(content)
  .sort()
  .map((p) => ({ path: p, sha256: sha256(content[p]!), size: content[p]!.length }));
const manifest: Manifest = {
  format: 1,
  hash: sha256(files.map((f) => `${f.sha256}  ${f.path}\n`).join('')),
  entry: 'tsc-run.mjs',
  files,
  helper: null,
};
let reads = 0;
const read = (p: string) => {
  reads++;
  return content[p]!;
};

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-extract-'));
  reads = 0;
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('extractApp', () => {
  it('extracts once into app-<hash> with private modes, then reuses it', () => {
    const first = extractApp(root, manifest, read, uid);
    expect(first).toEqual({ dir: path.join(root, appDirName(manifest)), extracted: true });
    expect(fs.statSync(first.dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(first.dir, 'chunks')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(first.dir, 'tsc-run.mjs')).mode & 0o777).toBe(0o400);
    expect(fs.readFileSync(path.join(first.dir, 'chunks/a-123.mjs'), 'utf8')).toBe('export const a = 2;\n');
    expect(fs.readdirSync(root)).toEqual([appDirName(manifest)]);
    reads = 0;
    expect(extractApp(root, manifest, read, uid).extracted).toBe(false);
    expect(reads).toBe(0);
  });

  it('re-extracts a damaged or loosened copy', () => {
    const { dir } = extractApp(root, manifest, read, uid);
    fs.rmSync(path.join(dir, 'chunks/a-123.mjs'));
    expect(appIsIntact(dir, manifest, uid)).toBe(false);
    expect(extractApp(root, manifest, read, uid).extracted).toBe(true);
    expect(appIsIntact(dir, manifest, uid)).toBe(true);
    fs.chmodSync(path.join(dir, 'chunks'), 0o777);
    expect(appIsIntact(dir, manifest, uid)).toBe(false);
    expect(extractApp(root, manifest, read, uid).extracted).toBe(true);
    expect(fs.statSync(path.join(dir, 'chunks')).mode & 0o777).toBe(0o700);
    // Something else in a file's place.
    fs.rmSync(path.join(dir, 'tsc-run.mjs'));
    fs.mkdirSync(path.join(dir, 'tsc-run.mjs'));
    expect(appIsIntact(dir, manifest, uid)).toBe(false);
    expect(extractApp(root, manifest, read, uid).extracted).toBe(true);
    expect(fs.lstatSync(path.join(dir, 'tsc-run.mjs')).isFile()).toBe(true);
    fs.rmSync(path.join(dir, 'chunks'), { recursive: true });
    fs.symlinkSync(root, path.join(dir, 'chunks'));
    expect(appIsIntact(dir, manifest, uid)).toBe(false);
    expect(extractApp(root, manifest, read, uid).extracted).toBe(true);
    expect(fs.readdirSync(root)).toEqual([appDirName(manifest)]); // no temp or stale dirs left
  });

  it('checks directories, not each file: a tree of many files costs one readdir per directory', () => {
    const { dir } = extractApp(root, manifest, read, uid);
    // An extra entry is no damage (as before); the files the manifest names are what count.
    fs.writeFileSync(path.join(dir, 'chunks', 'extra.txt'), 'x');
    expect(appIsIntact(dir, manifest, uid)).toBe(true);
  });

  it('uses a copy another run finished first', () => {
    // Simulate losing the race: the final dir appears while we extract.
    const racing = (p: string) => {
      if (!fs.existsSync(path.join(root, appDirName(manifest)))) extractApp(root, manifest, (q) => content[q]!, uid);
      return read(p);
    };
    expect(extractApp(root, manifest, racing, uid).extracted).toBe(false);
    expect(fs.readdirSync(root)).toEqual([appDirName(manifest)]);
  });

  it('refuses embedded files that do not match the manifest', () => {
    expect(() => extractApp(root, manifest, () => new Uint8Array([0]), uid)).toThrow(/corrupt/);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('prunes temp leftovers of killed runs, but not recent ones', () => {
    const old = path.join(root, '.app-tmp-old');
    const fresh = path.join(root, '.app-tmp-fresh');
    const oldFile = path.join(root, '.helper-x.abc.tmp');
    fs.mkdirSync(old);
    fs.mkdirSync(fresh);
    fs.writeFileSync(oldFile, '');
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(old, hourAgo, hourAgo);
    fs.utimesSync(oldFile, hourAgo, hourAgo);
    pruneLeftovers(root);
    expect(fs.readdirSync(root)).toEqual(['.app-tmp-fresh']);
  });
});
