// Choice of the per-user cache directory and its safety checks.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheRootCandidates, resolveCacheRoot } from '../../../src/sea/cache-root.js';
import { ensurePrivateDir, isSafeParent } from '../../../src/sea/private-dir.js';

const uid = process.getuid!();
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-cacheroot-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('cache root', () => {
  it('prefers $XDG_CACHE_HOME, then ~/.cache, then /tmp/tsc-run-cache-<uid>', () => {
    expect(cacheRootCandidates({ XDG_CACHE_HOME: '/x/c', HOME: '/h' }, 7)).toEqual(['/x/c/tsc-run', '/tmp/tsc-run-cache-7']);
    expect(cacheRootCandidates({ XDG_CACHE_HOME: 'relative', HOME: '/h' }, 7)).toEqual(['/h/.cache/tsc-run', '/tmp/tsc-run-cache-7']);
  });

  it('creates the dir 0700 and tightens a loose one of ours', () => {
    const root = resolveCacheRoot({ XDG_CACHE_HOME: path.join(tmp, 'c') }, uid);
    expect(root).toBe(path.join(tmp, 'c', 'tsc-run'));
    expect(fs.statSync(root).mode & 0o777).toBe(0o700);
    fs.chmodSync(root, 0o777);
    expect(resolveCacheRoot({ XDG_CACHE_HOME: path.join(tmp, 'c') }, uid)).toBe(root);
    expect(fs.statSync(root).mode & 0o777).toBe(0o700);
  });

  it('rejects a symlink, a file, or a parent others can write to', () => {
    fs.mkdirSync(path.join(tmp, 'real'));
    fs.symlinkSync(path.join(tmp, 'real'), path.join(tmp, 'link'));
    expect(() => ensurePrivateDir(path.join(tmp, 'link'), uid)).toThrow(/not a directory/);
    fs.writeFileSync(path.join(tmp, 'file'), '');
    expect(() => ensurePrivateDir(path.join(tmp, 'file'), uid)).toThrow(/not a directory/);
    fs.mkdirSync(path.join(tmp, 'open'));
    fs.chmodSync(path.join(tmp, 'open'), 0o777);
    expect(() => ensurePrivateDir(path.join(tmp, 'open', 'tsc-run'), uid)).toThrow(/writable by other users/);
    fs.chmodSync(path.join(tmp, 'open'), 0o1777); // sticky, like /tmp
    expect(() => ensurePrivateDir(path.join(tmp, 'open', 'tsc-run'), uid)).not.toThrow();
    expect(isSafeParent(fs.statSync('/tmp'), uid)).toBe(true);
  });

  it.runIf(uid === 0)('rejects a dir owned by someone else', () => {
    const d = path.join(tmp, 'theirs');
    fs.mkdirSync(d, { mode: 0o700 });
    fs.chownSync(d, 65534, 65534);
    expect(() => ensurePrivateDir(d, uid)).toThrow(/owned by uid 65534/);
  });
});
