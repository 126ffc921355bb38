// helperPath() inside the single executable, with node:sea faked: the helper
// is extracted lazily from the blob, hash-checked, and a tampered copy is
// replaced before use.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { embeddedHelperPath } from '../../../src/host/helper/embedded-helper.js';
import { helperPath } from '../../../src/host/helper/helper-path.js';
import { publishCacheRoot } from '../../../src/sea/cache-root.js';
import type { Manifest } from '../../../src/sea/manifest.js';
import { sha256 } from '../../../src/sea/verified-file.js';

const helper = new TextEncoder().encode('\x7fELF fake helper');
const manifest: Manifest = {
  format: 1,
  hash: '0'.repeat(64),
  entry: 'tsc-run.mjs',
  files: [],
  helper: { sha256: sha256(helper), size: helper.length },
};
let rawReads = 0;
const fakeSea = {
  isSea: () => true,
  getAsset: (key: string, enc?: string) => {
    if (key !== 'manifest.json' || enc !== 'utf8') throw new Error(`unexpected asset ${key}`);
    return JSON.stringify(manifest);
  },
  getRawAsset: (key: string) => {
    if (key !== 'helper') throw new Error(`unexpected asset ${key}`);
    rawReads++;
    return helper.slice().buffer;
  },
};

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-embedded-'));
  publishCacheRoot(root);
  rawReads = 0;
  const real = process.getBuiltinModule.bind(process);
  vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => (id === 'node:sea' ? fakeSea : real(id))));
  delete process.env.TSC_RUN_HELPER;
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('embedded helper', () => {
  it('is not touched outside the single executable', () => {
    vi.restoreAllMocks();
    expect(embeddedHelperPath()).toBeUndefined();
  });

  it('extracts on first use to <cache>/helper-<sha256>, mode 0500', () => {
    expect(fs.readdirSync(root)).toEqual([]);
    const p = helperPath();
    expect(p).toBe(path.join(root, `helper-${manifest.helper!.sha256}`));
    expect(fs.statSync(p).mode & 0o7777).toBe(0o500);
    expect(fs.readFileSync(p)).toEqual(Buffer.from(helper));
    expect(helperPath()).toBe(p);
    expect(rawReads).toBe(1);
  });

  it('detects a tampered copy and replaces it before use', () => {
    const p = helperPath();
    fs.chmodSync(p, 0o700);
    fs.writeFileSync(p, 'tampered');
    fs.chmodSync(p, 0o500);
    expect(helperPath()).toBe(p);
    expect(fs.readFileSync(p)).toEqual(Buffer.from(helper));
    expect(rawReads).toBe(2);
  });

  it('TSC_RUN_HELPER still overrides it', () => {
    process.env.TSC_RUN_HELPER = '/bin/true';
    try {
      expect(helperPath()).toBe('/bin/true');
      expect(fs.readdirSync(root)).toEqual([]);
    } finally {
      delete process.env.TSC_RUN_HELPER;
    }
  });
});
