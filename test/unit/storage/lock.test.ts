import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockTimeoutError, StateCorruptError } from '../../../src/errors.js';
import { readJson } from '../../../src/storage/json-store.js';
import { lockHolder, sweepLockLeftovers, withLock } from '../../../src/storage/lock.js';
import { bootId, processStartTime, type ProcStamp } from '../../../src/storage/proc-stamp.js';
import { buildWorker, exited, spawnWorker, waitForLine } from './fixtures/build-worker.js';

let tmp: string;
let worker: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-lock-'));
  worker = await buildWorker(tmp);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const freshDir = () => fs.mkdtempSync(path.join(tmp, 'd-'));
const counterOf = async (f: string) => (await readJson<{ n: number }>(f)).n;
/** Lock bookkeeping files (batons) left in dir. */
const batons = (dir: string, lockName: string) => fs.readdirSync(dir).filter((n) => n.startsWith(`.${lockName}.`));

/**
 * Leave a lock as a holder with this stamp would have (record + baton, see
 * lock.ts), with no process behind it; batonOwner: as if that process had
 * then taken the baton to break the lock.
 */
function plantLock(lockPath: string, holder: ProcStamp, batonOwner: ProcStamp = holder): string {
  const token = randomBytes(16).toString('hex');
  const rec = { ...holder, token, createdAt: new Date().toISOString() };
  const name = (o: ProcStamp) => `.${path.basename(lockPath)}.${token}~${o.pid}-${o.startTime}-${o.bootId.replace(/-/g, '')}`;
  const baton = path.join(path.dirname(lockPath), name(holder));
  fs.writeFileSync(baton, JSON.stringify(rec));
  fs.linkSync(baton, lockPath);
  fs.renameSync(baton, path.join(path.dirname(lockPath), name(batonOwner)));
  return name(batonOwner);
}

const deadStamp = (): ProcStamp => ({ pid: 999_999_999, startTime: 77, bootId: bootId() });

async function holdInWorker(lockPath: string) {
  const child = spawnWorker(worker, ['hold', lockPath]);
  await waitForLine(child, /^locked /);
  return child;
}

async function killAndReap(child: ReturnType<typeof spawnWorker>) {
  child.kill('SIGKILL');
  expect(await exited(child)).toBe('SIGKILL');
}

describe('withLock across processes', () => {
  // 200 critical sections one after another: on a loaded machine each waits
  // for a CPU while holding the lock (load 16 on 2 cores: tens of ms each),
  // so the count is kept modest and the time limit generous; what is tested
  // is exclusion and no lost update, not speed.
  it('8 processes x 25 locked increments lose no update and never overlap', { timeout: 90_000 }, async () => {
    const dir = freshDir();
    const counter = path.join(dir, 'counter.json');
    const lock = path.join(dir, 'counter.lock');
    const kids = Array.from({ length: 8 }, () => spawnWorker(worker, ['increment', counter, lock, '25']));
    const errs = kids.map((k) => {
      let e = '';
      k.stderr.on('data', (c: Buffer) => (e += c.toString()));
      return () => e;
    });
    const codes = await Promise.all(kids.map(exited));
    expect(codes, errs.map((e) => e()).join('')).toEqual(Array(8).fill(0));
    expect(await counterOf(counter)).toBe(200);
    expect(fs.readdirSync(dir).sort()).toEqual(['counter.json']);
  });

  it('recovers locks of holders SIGKILLed inside the critical section, one breaker at a time', { timeout: 90_000 }, async () => {
    // Workers kill themselves while holding the lock, right after an increment;
    // the survivors must break each stale lock exactly once: a lost update
    // (counter < increments logged) or two processes inside (exit 3) fails.
    const dir = freshDir();
    const counter = path.join(dir, 'counter.json');
    const lock = path.join(dir, 'counter.lock');
    const log = path.join(dir, 'log');
    let killed = 0;
    for (let round = 0; round < 3; round++) {
      const kids = Array.from({ length: 6 }, () =>
        spawnWorker(worker, ['increment', counter, lock, '15', '0.1', log]),
      );
      const codes = await Promise.all(kids.map(exited));
      expect(codes.filter((c) => c !== 0 && c !== 'SIGKILL')).toEqual([]);
      killed += codes.filter((c) => c === 'SIGKILL').length;
    }
    expect(killed).toBeGreaterThan(3);
    const logged = fs.readFileSync(log, 'utf8').trim().split('\n').map(Number);
    expect(await counterOf(counter)).toBe(logged.length);
    expect(logged).toEqual(logged.map((_, i) => i + 1)); // each increment saw its predecessor
    // The last killed holder's lock is still there; taking it must work.
    await withLock(lock, () => undefined, { timeoutMs: 2_000 });
    await sweepLockLeftovers(lock);
    expect(fs.existsSync(lock)).toBe(false);
    expect(batons(dir, 'counter.lock')).toEqual([]);
  });

  it('a lock whose holder was SIGKILLed is taken by the next process, and by only one of many racing', async () => {
    const dir = freshDir();
    const lock = path.join(dir, 'a.lock');
    const holder = await holdInWorker(lock);
    expect((await lockHolder(lock))?.pid).toBe(holder.pid);
    await killAndReap(holder);

    const start = Date.now();
    expect(await withLock(lock, () => 'mine', { timeoutMs: 2_000 })).toBe('mine');
    expect(Date.now() - start).toBeLessThan(1_000);

    // Again, now with six processes discovering the stale lock at once.
    const again = await holdInWorker(lock);
    await killAndReap(again);
    const counter = path.join(dir, 'counter.json');
    const kids = Array.from({ length: 6 }, () => spawnWorker(worker, ['increment', counter, lock, '5']));
    expect(await Promise.all(kids.map(exited))).toEqual(Array(6).fill(0));
    expect(await counterOf(counter)).toBe(30);
    expect(fs.existsSync(lock)).toBe(false);
    expect(batons(dir, 'a.lock')).toEqual([]);
  });

  it('a live holder is never broken: the waiter times out with an error naming its pid', async () => {
    const dir = freshDir();
    const lock = path.join(dir, 'b.lock');
    const holder = await holdInWorker(lock);
    try {
      const start = Date.now();
      const err = await withLock(lock, () => 'no', { timeoutMs: 400 }).catch((e: unknown) => e);
      expect(Date.now() - start).toBeGreaterThanOrEqual(390);
      expect(err).toBeInstanceOf(LockTimeoutError);
      expect((err as LockTimeoutError).holderPid).toBe(holder.pid);
      expect((err as Error).message).toContain(`held by pid ${holder.pid}`);
      expect((err as Error).message).toContain(lock);
      expect((await lockHolder(lock))?.pid).toBe(holder.pid);
      expect(batons(dir, 'b.lock')).toHaveLength(1); // the waiter cleaned up after itself
    } finally {
      await killAndReap(holder);
    }
  });

  it('a record naming a live pid with another start time (pid reuse) is stale; with its own, it is not', async () => {
    const dir = freshDir();
    const sleeper = spawn('sleep', ['30']);
    try {
      const pid = sleeper.pid!;
      const startTime = processStartTime(pid)!;
      const reused = path.join(dir, 'reused.lock');
      plantLock(reused, { pid, startTime: startTime + 12345, bootId: bootId() });
      expect(await withLock(reused, () => 'taken', { timeoutMs: 1_000 })).toBe('taken');

      const rebooted = path.join(dir, 'rebooted.lock');
      plantLock(rebooted, { pid, startTime, bootId: '11111111-2222-3333-4444-555555555555' });
      expect(await withLock(rebooted, () => 'taken', { timeoutMs: 1_000 })).toBe('taken');

      const genuine = path.join(dir, 'genuine.lock');
      plantLock(genuine, { pid, startTime, bootId: bootId() });
      const err = await withLock(genuine, () => 'no', { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockTimeoutError);
      expect((err as Error).message).toContain(`pid ${pid}`);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('a breaker that died half-way is taken over; a live one is waited for', async () => {
    const dir = freshDir();
    const sleeper = spawn('sleep', ['30']);
    try {
      const deadBreaker = path.join(dir, 'db.lock');
      plantLock(deadBreaker, deadStamp(), { pid: 999_999_998, startTime: 5, bootId: bootId() });
      expect(await withLock(deadBreaker, () => 'taken', { timeoutMs: 1_000 })).toBe('taken');
      expect(batons(dir, 'db.lock')).toEqual([]);

      const liveBreaker = path.join(dir, 'lb.lock');
      const breaker = { pid: sleeper.pid!, startTime: processStartTime(sleeper.pid!)!, bootId: bootId() };
      const baton = plantLock(liveBreaker, deadStamp(), breaker);
      const err = await withLock(liveBreaker, () => 'no', { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockTimeoutError);
      expect((err as LockTimeoutError).holderPid).toBe(sleeper.pid);
      expect(batons(dir, 'lb.lock')).toEqual([baton]);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('a stale lock without its baton is reported as damage, quickly', async () => {
    const dir = freshDir();
    const lock = path.join(dir, 'nb.lock');
    fs.rmSync(path.join(dir, plantLock(lock, deadStamp())));
    const start = Date.now();
    const err = await withLock(lock, () => 'no', { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateCorruptError);
    expect((err as Error).message).toMatch(/dead pid 999999999.*remove .*nb\.lock/);
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('process.exit() inside the critical section still releases the lock', async () => {
    const dir = freshDir();
    const lock = path.join(dir, 'e.lock');
    expect(await exited(spawnWorker(worker, ['exit-inside', lock]))).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('withLock in one process', () => {
  it('releases on return and on throw', async () => {
    const dir = freshDir();
    const lock = path.join(dir, 'c.lock');
    expect(await withLock(lock, async () => 42)).toBe(42);
    expect(fs.readdirSync(dir)).toEqual([]);
    await expect(
      withLock(lock, () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(await lockHolder(lock)).toBeUndefined();
  });

  it('creates missing directories for the lock', async () => {
    const lock = path.join(freshDir(), 'x', 'y', 'z.lock');
    expect(await withLock(lock, () => 1)).toBe(1);
  });

  it('is re-entrant within one async context', async () => {
    const lock = path.join(freshDir(), 'r.lock');
    const got = await withLock(lock, () => withLock(lock, () => withLock(lock, () => 'deep'), { timeoutMs: 0 }));
    expect(got).toBe('deep');
  });

  it('serializes concurrent callers of the same lock', async () => {
    const lock = path.join(freshDir(), 's.lock');
    let inside = 0;
    let maxInside = 0;
    let shared = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withLock(lock, async () => {
          maxInside = Math.max(maxInside, ++inside);
          const v = shared;
          await new Promise((r) => setTimeout(r, 1));
          shared = v + 1;
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(shared).toBe(20);
  });

  it('times out a second in-process caller, and the queue keeps working afterwards', async () => {
    const lock = path.join(freshDir(), 't.lock');
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = withLock(lock, () => {
      entered();
      return new Promise<void>((r) => (release = r));
    });
    // Wait until the first caller holds the lock (a fixed sleep failed under load).
    await inside;
    const err = await withLock(lock, () => 'no', { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as LockTimeoutError).holderPid).toBe(process.pid);
    const third = withLock(lock, () => 'third');
    release();
    await first;
    expect(await third).toBe('third');
  });

  it('stops waiting when aborted', async () => {
    const dir = freshDir();
    const lock = path.join(dir, 'ab.lock');
    const holder = await holdInWorker(lock);
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      await expect(withLock(lock, () => 'no', { signal: ac.signal })).rejects.toThrow(/abort/i);
      expect(batons(dir, 'ab.lock')).toHaveLength(1);
    } finally {
      await killAndReap(holder);
    }
  });

  it('reports a damaged lock file instead of guessing', async () => {
    const lock = path.join(freshDir(), 'bad.lock');
    fs.writeFileSync(lock, '{"pid": 1, "sta');
    const err = await withLock(lock, () => 'no', { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateCorruptError);
    expect((err as Error).message).toContain(lock);
  });

  it('sweepLockLeftovers removes dead takers\' files, not the live lock nor live takers\' ones', async () => {
    const dir = freshDir();
    const lock = path.join(dir, 'l.lock');
    const tail = (pid: number, st: number) => `~${pid}-${st}-${bootId().replace(/-/g, '')}`;
    const deadOrphan = `.l.lock.${'a'.repeat(32)}${tail(999999999, 5)}`;
    const liveOther = `.l.lock.${'b'.repeat(32)}${tail(process.pid, processStartTime(process.pid)!)}`;
    fs.writeFileSync(path.join(dir, deadOrphan), '{}');
    fs.writeFileSync(path.join(dir, liveOther), '{}');
    await withLock(lock, async () => {
      expect(await sweepLockLeftovers(lock)).toEqual([deadOrphan]);
      expect(await lockHolder(lock)).toBeDefined();
    });
    expect(batons(dir, 'l.lock')).toEqual([liveOther]);
  });
});
