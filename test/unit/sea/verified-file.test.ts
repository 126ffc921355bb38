// The hash-checked copy of the embedded helper: reused only when intact,
// rewritten atomically when missing, tampered with, loosened or replaced.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installVerified, sha256, verifyFile } from '../../../src/sea/verified-file.js';

const uid = process.getuid!();
const bytes = new TextEncoder().encode('#!/bin/sh\necho helper\n');
const sha = sha256(bytes);
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-verified-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const install = () => installVerified(dir, `helper-${sha}`, sha, () => bytes, 0o500, uid);

describe('installVerified', () => {
  it('writes a missing file 0500 with the right bytes, then reuses it', () => {
    const first = install();
    expect(first).toEqual({ path: path.join(dir, `helper-${sha}`), written: true });
    expect(fs.statSync(first.path).mode & 0o7777).toBe(0o500);
    expect(fs.readFileSync(first.path)).toEqual(Buffer.from(bytes));
    const ino = fs.statSync(first.path).ino;
    expect(install().written).toBe(false);
    expect(fs.statSync(first.path).ino).toBe(ino);
    expect(fs.readdirSync(dir)).toEqual([`helper-${sha}`]); // no temp files left
  });

  it('detects tampered content and replaces the file', () => {
    const { path: p } = install();
    fs.chmodSync(p, 0o700);
    fs.writeFileSync(p, 'evil');
    fs.chmodSync(p, 0o500);
    expect(verifyFile(p, sha, 0o500, uid)).toBe('content does not match its hash');
    const again = install();
    expect(again.written).toBe(true);
    expect(again.rejected).toBe('content does not match its hash');
    expect(fs.readFileSync(p)).toEqual(Buffer.from(bytes));
    expect(verifyFile(p, sha, 0o500, uid)).toBeUndefined();
  });

  it('rejects a copy with loose permissions', () => {
    const { path: p } = install();
    fs.chmodSync(p, 0o777);
    expect(install()).toMatchObject({ written: true, rejected: 'mode 777' });
    expect(fs.statSync(p).mode & 0o7777).toBe(0o500);
  });

  it('replaces a symlink or a directory in its place', () => {
    const p = path.join(dir, `helper-${sha}`);
    fs.writeFileSync(path.join(dir, 'other'), bytes, { mode: 0o500 });
    fs.symlinkSync(path.join(dir, 'other'), p);
    expect(install()).toMatchObject({ written: true, rejected: 'not a regular file' });
    expect(fs.lstatSync(p).isFile()).toBe(true);
    fs.rmSync(p);
    fs.mkdirSync(path.join(p, 'sub'), { recursive: true });
    expect(install()).toMatchObject({ written: true, rejected: 'not a regular file' });
    expect(fs.lstatSync(p).isFile()).toBe(true);
  });

  it('refuses embedded bytes that do not match the recorded hash', () => {
    expect(() => installVerified(dir, 'helper-x', sha, () => new Uint8Array([1, 2, 3]), 0o500, uid)).toThrow(/corrupt/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
