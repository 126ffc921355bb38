// Locks are not fsynced: after a power loss a lock file can be left empty.
// One whose inode last changed before this boot began is such a leftover and
// is broken through its baton; one changed during this boot is still damage.
// The boot time is moved instead of the file's ctime (which cannot be set).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { StateCorruptError } from '../../../src/errors.js';
import { lockHolder, withLock } from '../../../src/storage/lock.js';

const boot = vi.hoisted(() => ({ ms: 0 }));
vi.mock('../../../src/storage/proc-stamp.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/storage/proc-stamp.js')>()),
  bootTimeMs: () => boot.ms,
}));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-lock-crash-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What a power loss can leave of a lock taken in another boot: lockPath and its baton, one empty inode. */
function emptyLeftover(dir: string, lockName: string, withBaton = true): string {
  const lock = path.join(dir, lockName);
  const baton = path.join(dir, `.${lockName}.${'ab'.repeat(16)}~4242-99-${'0'.repeat(32)}`);
  fs.writeFileSync(baton, '');
  fs.linkSync(baton, lock);
  if (!withBaton) fs.rmSync(baton);
  return lock;
}

describe('a lock file a crash left empty', () => {
  it('is broken and taken when it predates this boot, its baton removed', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'd-'));
    const lock = emptyLeftover(dir, 'c.lock');
    boot.ms = Date.now() + 3_600_000; // everything on disk is older than this "boot"
    expect(await withLock(lock, () => 'taken', { timeoutMs: 2_000 })).toBe('taken');
    expect(await lockHolder(lock)).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('is reported as damage when it changed during this boot, or has no baton', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'd-'));
    boot.ms = 0;
    const lock = emptyLeftover(dir, 'n.lock');
    const err = await withLock(lock, () => 'no', { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateCorruptError);
    expect((err as Error).message).toContain(lock);
    boot.ms = Date.now() + 3_600_000;
    const bare = emptyLeftover(dir, 'b.lock', false);
    expect(await withLock(bare, () => 'no', { timeoutMs: 500 }).catch((e: unknown) => e)).toBeInstanceOf(StateCorruptError);
  });

  it('a lock taken now is unaffected by the boot time', async () => {
    boot.ms = Date.now() + 3_600_000;
    const lock = path.join(fs.mkdtempSync(path.join(tmp, 'd-')), 'l.lock');
    const inner = await withLock(lock, async () => (await lockHolder(lock))?.pid);
    expect(inner).toBe(process.pid);
  });
});
