// Inter-process exclusive locks on a path, for many CLI processes of one user
// that may be SIGKILLed at any instant.
//
// Design
// - Taking the lock: write a complete holder record {pid, startTime, bootId,
//   createdAt, token} to a private file (the "baton", see below), then link()
//   it to lockPath. link fails with EEXIST if lockPath exists, so exactly one
//   process wins, and lockPath never exists half-written while the machine
//   runs: a reader that finds it always finds a whole record.
// - Not fsynced (one fsync per lock was several per command): a lock only
//   matters to processes of this boot. After a power loss lockPath may be
//   left empty; an unparsable lockPath whose inode changed last before this
//   boot began is that, and is broken through its baton (found by inode) like
//   any stale lock. One changed during this boot can only come from a
//   damaged disk and is reported, not guessed at.
// - Waiting: poll with jittered backoff (2..50 ms) until a deadline (default
//   30 s), then LockTimeoutError naming the holder's pid. There is no age-based
//   breaking: a live holder keeps its lock however slow it is.
// - Staleness: the holder is dead when isAlive(stamp) is false: pid gone,
//   zombie, pid reused (start time differs) or another boot (boot id differs).
//   A dead process never acts again, so "dead" is a final verdict.
// - Breaking a stale lock race-free. Deleting lockPath after checking its
//   record is not safe: between the check and the unlink another waiter may
//   break it and a third may take a fresh lock, which the unlink would then
//   destroy. So removal of one lock generation (identified by its random
//   token T) is reserved to whoever owns T's baton: the file
//   `.<lockname>.<T>~<pid>-<starttime>-<bootid>`, whose name says who owns it.
//   The taker creates it (with its own stamp) before linking, so every
//   generation at lockPath has exactly one baton until it is removed from
//   lockPath; the holder releases by unlinking lockPath, then the baton.
//   Ownership moves only from a dead owner, by rename() of the exact baton
//   name to a name carrying the new owner's stamp. Of several processes
//   renaming the same source name, exactly one succeeds (the rest get ENOENT),
//   and the old owner is dead, so at any instant at most one live process may
//   remove T. That owner re-reads lockPath and unlinks it only if it still
//   holds T: no one else can remove T in between, and T can never come back
//   once gone (tokens are unique, a record is linked once). If the new owner
//   dies half-way, its baton is taken over the same way.
// - Leftovers: batons of dead owners whose token is not (and so never again
//   will be) at lockPath are removed by sweepLockLeftovers, which the stale
//   path also runs.
// - In one process: concurrent callers of the same lock queue in memory
//   first (no busy polling against ourselves). A nested withLock on a lock the
//   current async context already holds runs directly (re-entrant), which is
//   what lets updateJson run inside withLock on the same lock. Locks still held
//   at process.exit() are released by an exit hook.
// - Taking and releasing use synchronous calls (a handful of small metadata
//   syscalls): with fs.promises each one was a trip through the thread pool
//   and back, and with 50 `run -d` at once on 2 cores every trip waited for a
//   CPU while the lock was held; the critical sections of the contended
//   containers lock stretched to ~300 ms each.
// - withLockSync: the same lock files for a critical section that cannot
//   await (the event log's append): waits by blocking the thread, with no
//   in-process queue and no re-entry.
// - Not handled: processes in other pid namespaces sharing one store (their
//   pids are not ours to check), and filesystems without atomic link/rename
//   (NFS is not supported for the state store).

import { AsyncLocalStorage } from 'node:async_hooks';
import fsSync from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockTimeoutError, StateCorruptError } from '../errors.js';
import { errnoCode } from './atomic-file.js';
import { bootTimeMs, compactBootId, isAlive, isProcStamp, stampSelf, type ProcStamp } from './proc-stamp.js';

let tokenSeq = 0;

/**
 * A generation's token, 32 hex digits, never repeated: pid, monotonic clock
 * and a counter (no node:crypto, which stop and rm loaded only for this).
 */
function newToken(): string {
  const hex = (v: number | bigint, n: number) => v.toString(16).padStart(n, '0').slice(-n);
  return hex(process.pid, 8) + hex(process.hrtime.bigint(), 16) + hex(tokenSeq++, 8);
}

export interface LockOptions {
  /** How long to wait for the lock before LockTimeoutError; default 30 s. */
  timeoutMs?: number;
  /** Abort the wait (e.g. on Ctrl-C); the function is not interrupted once running. */
  signal?: AbortSignal;
}

/** What lockPath contains: who holds it, and which generation of the lock it is. */
export interface LockRecord extends ProcStamp {
  token: string;
  createdAt: string;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;
const MIN_POLL_MS = 2;
const MAX_POLL_MS = 50;
/** Same-token "no baton" sightings in a row before we call the lock damaged (see breakStale). */
const NO_BATON_LIMIT = 5;

interface HeldLock {
  lockPath: string;
  batonPath: string;
  token: string;
  released: boolean;
}

const context = new AsyncLocalStorage<ReadonlyMap<string, HeldLock>>();
const processQueues = new Map<string, Promise<void>>();
const heldLocks = new Set<HeldLock>();

/**
 * Run fn while holding the exclusive lock at lockPath (created on demand,
 * with its directory). Released when fn settles, whether it returns or throws.
 */
export async function withLock<T>(
  lockPath: string,
  fn: () => T | Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const key = path.resolve(lockPath);
  const outer = context.getStore();
  const mine = outer?.get(key);
  if (mine && !mine.released) return await fn();

  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const leaveQueue = await enterProcessQueue(key, deadline, timeoutMs, options.signal);
  try {
    const held = await acquire(key, deadline, timeoutMs, options.signal);
    try {
      const inner = new Map(outer);
      inner.set(key, held);
      return await context.run(inner, fn);
    } finally {
      release(held);
    }
  } finally {
    leaveQueue();
  }
}

/** Whether the current async context holds lockPath (a nested withLock would run directly). */
export function heldHere(lockPath: string): boolean {
  const mine = context.getStore()?.get(path.resolve(lockPath));
  return mine !== undefined && !mine.released;
}

/** The record of the current holder of lockPath, or undefined if it is free. */
export async function lockHolder(lockPath: string): Promise<LockRecord | undefined> {
  return Promise.resolve().then(() => readRecord(path.resolve(lockPath)));
}

/** Serialize callers of one lock within this process; returns the function that lets the next one in. */
async function enterProcessQueue(
  key: string,
  deadline: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<() => void> {
  const prev = processQueues.get(key) ?? Promise.resolve();
  let leave!: () => void;
  const left = new Promise<void>((resolve) => (leave = resolve));
  // Our turn ends when we leave AND everyone before us has: a waiter that
  // times out must not let later ones overtake the current holder.
  const tail = Promise.all([prev, left]).then(() => undefined);
  processQueues.set(key, tail);
  const done = (): void => {
    leave();
    void tail.then(() => {
      if (processQueues.get(key) === tail) processQueues.delete(key);
    });
  };
  try {
    const waitAbort = new AbortController();
    const onAbort = (): void => waitAbort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const inTime = await Promise.race([
        prev.then(() => true),
        sleep(Math.max(0, deadline - Date.now()), false, { signal: waitAbort.signal }),
      ]);
      signal?.throwIfAborted();
      if (!inTime) {
        let holder: LockRecord | undefined;
        try {
          holder = readRecord(key);
        } catch {
          holder = undefined;
        }
        throw new LockTimeoutError(key, holder?.pid ?? process.pid, timeoutMs);
      }
    } finally {
      waitAbort.abort();
      signal?.removeEventListener('abort', onAbort);
    }
  } catch (err) {
    done();
    throw err;
  }
  return done;
}

/** A taker's baton, made before its first try. */
function prepareTake(lockPath: string): HeldLock {
  const dir = path.dirname(lockPath);
  fsSync.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const self = stampSelf();
  const record: LockRecord = {
    ...self,
    token: newToken(),
    createdAt: new Date().toISOString(),
  };
  const batonPath = path.join(dir, batonName(path.basename(lockPath), record.token, self));
  writeRecordFile(batonPath, record);
  return { lockPath, batonPath, token: record.token, released: false };
}

/** What a taker has seen so far: the same dead generation without a baton again and again means damage. */
interface TakeState {
  noBaton: { token: string; count: number };
  blocker: number | undefined;
}

/** One try: the lock taken, or whether to try again at once (it was freed or broken) or after a wait. */
function takeStep(held: HeldLock, st: TakeState): 'taken' | 'retry' | 'wait' {
  const { lockPath, batonPath } = held;
  try {
    fsSync.linkSync(batonPath, lockPath);
    heldLocks.add(held);
    installExitHook();
    return 'taken';
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err;
  }
  const holder = readRecordOrCrashLeftover(lockPath);
  let retryNow = holder === undefined; // released between link and read
  st.blocker = holder?.pid;
  if (holder && !isAlive(holder)) {
    const outcome = breakStale(lockPath, holder);
    if (outcome === 'broken' || outcome === 'lost-race') retryNow = true;
    else if (outcome === 'no-baton') {
      st.noBaton = { token: holder.token, count: st.noBaton.token === holder.token ? st.noBaton.count + 1 : 1 };
      if (st.noBaton.count >= NO_BATON_LIMIT) {
        throw new StateCorruptError(
          `lock ${lockPath} is held by dead pid ${holder.pid} but its holder file is missing, so it cannot be recovered safely; remove ${lockPath} if no tsc-run process is running`,
        );
      }
    } else st.blocker = outcome.breakerPid; // a live process is already breaking it
  }
  return retryNow ? 'retry' : 'wait';
}

async function acquire(
  lockPath: string,
  deadline: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<HeldLock> {
  const held = prepareTake(lockPath);
  try {
    let delay = MIN_POLL_MS;
    const st: TakeState = { noBaton: { token: '', count: 0 }, blocker: undefined };
    for (;;) {
      signal?.throwIfAborted();
      const step = takeStep(held, st);
      if (step === 'taken') return held;
      const now = Date.now();
      if (now >= deadline) throw new LockTimeoutError(lockPath, st.blocker, timeoutMs);
      if (step === 'retry') continue;
      await sleep(Math.min(delay * (0.5 + Math.random()), deadline - now), undefined, { signal });
      delay = Math.min(delay * 1.5, MAX_POLL_MS);
    }
  } catch (err) {
    fsSync.rmSync(held.batonPath, { force: true });
    throw err;
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * withLock for synchronous critical sections of a few syscalls (the event
 * log's append and rotation), where the caller cannot await: the same lock
 * files and stale-lock recovery, waiting by blocking the thread. Not for a
 * lock the process may also hold through withLock (it would wait for itself).
 */
export function withLockSync<T>(lockPath: string, fn: () => T, options: { timeoutMs?: number } = {}): T {
  const key = path.resolve(lockPath);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const held = prepareTake(key);
  try {
    let delay = MIN_POLL_MS;
    const st: TakeState = { noBaton: { token: '', count: 0 }, blocker: undefined };
    for (;;) {
      const step = takeStep(held, st);
      if (step === 'taken') break;
      const now = Date.now();
      if (now >= deadline) throw new LockTimeoutError(key, st.blocker, timeoutMs);
      if (step === 'retry') continue;
      Atomics.wait(sleepCell, 0, 0, Math.min(delay * (0.5 + Math.random()), deadline - now));
      delay = Math.min(delay * 1.5, MAX_POLL_MS);
    }
  } catch (err) {
    fsSync.rmSync(held.batonPath, { force: true });
    throw err;
  }
  try {
    return fn();
  } finally {
    release(held);
  }
}

type BreakOutcome = 'broken' | 'lost-race' | 'no-baton' | { breakerPid: number };

/**
 * Remove the generation `stale.token` from lockPath if we can become the
 * owner of its baton (see the header for why this is race-free).
 */
function breakStale(lockPath: string, stale: LockRecord): BreakOutcome {
  const dir = path.dirname(lockPath);
  const base = path.basename(lockPath);
  const prefix = `.${base}.${stale.token}~`;
  const name = fsSync.readdirSync(dir).find((n) => n.startsWith(prefix));
  // None: the generation was removed since we read it (or readdir raced a
  // rename and missed it); the caller retries, and only a baton missing again
  // and again while lockPath keeps the same token means damage.
  if (!name) return 'no-baton';
  const owner = parseBatonName(base, name)?.owner;
  if (!owner) return 'no-baton';
  if (isAlive(owner)) return { breakerPid: owner.pid };

  const self = stampSelf();
  const mine = path.join(dir, batonName(base, stale.token, self));
  try {
    fsSync.renameSync(path.join(dir, name), mine);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 'lost-race';
    throw err;
  }
  // We alone may remove generation stale.token now; if it is still there it stays until we do.
  // A record a crash left empty is that generation when it is the baton's own inode.
  const current = readRecordUnlessDamaged(lockPath);
  if (current?.token === stale.token || (current === undefined && sameInode(lockPath, mine))) unlinkIfExists(lockPath);
  // Only once lockPath no longer holds the token may its baton go (on failure above,
  // the baton stays with our stamp so a successor can finish after we die).
  unlinkIfExists(mine);
  try {
    sweepLeftovers(lockPath);
  } catch {
    // Leftovers only cost a file each; the next stale break sweeps again.
  }
  return 'broken';
}

/**
 * Remove batons of dead processes whose generation is not at lockPath: left
 * by a taker killed between creating its baton and linking it (or removing it
 * after losing). Safe: the owner is checked dead BEFORE lockPath is read, and a
 * generation not at lockPath then can never appear there later (only its
 * creator links it, and a creator-owned baton's owner is dead; a baton taken
 * over belongs to a generation that was at lockPath and was removed).
 * Returns the names removed.
 */
export async function sweepLockLeftovers(lockPath: string): Promise<string[]> {
  return Promise.resolve().then(() => sweepLeftovers(lockPath));
}

function sweepLeftovers(lockPath: string): string[] {
  const key = path.resolve(lockPath);
  const dir = path.dirname(key);
  const base = path.basename(key);
  let names: string[];
  try {
    names = fsSync.readdirSync(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const dead = names.flatMap((name) => {
    const parsed = parseBatonName(base, name);
    return parsed && !isAlive(parsed.owner) ? [{ name, token: parsed.token }] : [];
  });
  if (dead.length === 0) return [];
  const current = readRecordUnlessDamaged(key);
  const removed: string[] = [];
  for (const b of dead) {
    if (b.token === current?.token) continue; // a stale lock: breakStale's job, under its baton
    if (unlinkIfExists(path.join(dir, b.name))) removed.push(b.name);
  }
  return removed;
}

function release(held: HeldLock): void {
  if (held.released) return;
  held.released = true;
  heldLocks.delete(held);
  // We own the baton (we are alive, so nobody took it): lockPath still holds our
  // token unless someone removed it by hand; never unlink another generation.
  const current = readRecordUnlessDamaged(held.lockPath);
  if (current?.token === held.token) unlinkIfExists(held.lockPath);
  unlinkIfExists(held.batonPath);
}

let exitHookInstalled = false;

/** process.exit() inside a critical section skips finally blocks; release synchronously instead. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const held of heldLocks) {
      try {
        const rec = parseRecord(fsSync.readFileSync(held.lockPath, 'utf8'));
        if (rec?.token === held.token) fsSync.unlinkSync(held.lockPath);
        fsSync.unlinkSync(held.batonPath);
      } catch {
        // Best effort: whatever is left is recovered as stale by the next taker.
      }
    }
  });
}

function batonName(lockBase: string, token: string, owner: ProcStamp): string {
  return `.${lockBase}.${token}~${owner.pid}-${owner.startTime}-${compactBootId(owner.bootId)}`;
}

const BATON_TAIL_RE = /^([0-9a-f]{32})~(\d+)-(\d+)-([0-9a-z]+)$/;

function parseBatonName(lockBase: string, name: string): { token: string; owner: ProcStamp } | undefined {
  const head = `.${lockBase}.`;
  if (!name.startsWith(head)) return undefined;
  const m = BATON_TAIL_RE.exec(name.slice(head.length));
  if (!m) return undefined;
  return {
    token: m[1]!,
    owner: { pid: Number(m[2]), startTime: Number(m[3]), bootId: m[4]! },
  };
}

function writeRecordFile(file: string, record: LockRecord): void {
  // No fsync: see the header (a record a crash emptied is recognised by its age).
  fsSync.writeFileSync(file, JSON.stringify(record) + '\n', { flag: 'wx', mode: 0o644 });
}

function lstatOrNone(p: string): fsSync.Stats | undefined {
  try {
    return fsSync.lstatSync(p);
  } catch {
    return undefined;
  }
}

function sameInode(a: string, b: string): boolean {
  const [x, y] = [lstatOrNone(a), lstatOrNone(b)];
  return x !== undefined && y !== undefined && x.ino === y.ino && x.dev === y.dev;
}

/**
 * lockPath's record, or, when it is unparsable and last changed before this
 * boot began (a power loss emptied it), a stand-in for its dead holder: the
 * token and owner its baton's name gives (the baton is the same inode).
 * StateCorruptError otherwise, as readRecord.
 */
function readRecordOrCrashLeftover(lockPath: string): LockRecord | undefined {
  try {
    return readRecord(lockPath);
  } catch (err) {
    if (!(err instanceof StateCorruptError)) throw err;
    const st = lstatOrNone(lockPath);
    if (st === undefined) return undefined; // gone meanwhile: retry
    if (st.ctimeMs >= bootTimeMs()) throw err;
    const dir = path.dirname(lockPath);
    for (const name of fsSync.readdirSync(dir)) {
      const parsed = parseBatonName(path.basename(lockPath), name);
      if (!parsed) continue;
      const b = lstatOrNone(path.join(dir, name));
      if (b?.ino === st.ino && b.dev === st.dev) return { ...parsed.owner, token: parsed.token, createdAt: '' };
    }
    throw err;
  }
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (!isProcStamp(v)) return undefined;
    const r = v as ProcStamp & Record<string, unknown>;
    if (typeof r.token !== 'string' || !/^[0-9a-f]{32}$/.test(r.token)) return undefined;
    return { pid: r.pid, startTime: r.startTime, bootId: r.bootId, token: r.token, createdAt: String(r.createdAt) };
  } catch {
    return undefined;
  }
}

/** lockPath's record; undefined when there is no lock; StateCorruptError if unreadable. */
function readRecord(lockPath: string): LockRecord | undefined {
  let text: string;
  try {
    text = fsSync.readFileSync(lockPath, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  const rec = parseRecord(text);
  if (!rec) {
    throw new StateCorruptError(
      `lock file ${lockPath} is damaged (no valid holder record); remove it if no tsc-run process is running`,
    );
  }
  return rec;
}

/** A damaged lockPath is not a generation we know, so it compares unequal to any token. */
function readRecordUnlessDamaged(lockPath: string): LockRecord | undefined {
  try {
    return readRecord(lockPath);
  } catch (err) {
    if (err instanceof StateCorruptError) return undefined;
    throw err;
  }
}

function unlinkIfExists(file: string): boolean {
  try {
    fsSync.unlinkSync(file);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}
