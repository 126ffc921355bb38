// The containers' summary index: what `ps` needs of every container, read
// from one small snapshot and a short journal instead of N container.json
// files (ps -a over 5,000 containers spent a third of its CPU opening,
// reading and parsing them).
//
// Files, in <dataRoot>/containers-index/:
// - journal: append-only lines, one write(2) each (O_APPEND, so concurrent
//   writers never interleave inside a line):
//     `-ID`        ID's record is about to change (written before the commit)
//     `+{summary}` ID's record is now this (written after the commit)
//     `xID`        ID's record is gone (after the removal)
//   A writer appends them while it holds ID's lock (containers.ts), so for
//   one ID the journal's order is the commit order.
// - index.json: a snapshot {boot, journal inode, entries, dirty ids}; the
//   journal it belongs to is replaced (renamed over) when it is folded in.
//
// kill -9 safety: an ID is trusted from the index only when its last line is
// `+` or `x` (written after the commit) or it was read from its record under
// its lock. A writer killed between `-` and its `+` leaves the ID dirty, and a
// dirty ID is read from its record file, which always holds the truth (old or
// new). A power loss is caught by the boot id: the journal is not fsynced
// (the records are), so the first reader after a boot rebuilds from the
// records. Anything unexpected (no snapshot, another journal, a line that
// does not parse) makes the reader rebuild from the records too; a reader that
// cannot take the index lock at once reads the records as before.
//
// Not covered: a record edited by hand (or by another program) behind the
// store's back; remove containers-index/ after doing that.

import fsSync from 'node:fs';
import path from 'node:path';
import { LockTimeoutError } from '../errors.js';
import { errnoCode, tempFileName } from './atomic-file.js';
import { heldHere, withLock } from './lock.js';
import type { ContainerConfig, ContainerRecord } from './containers.js';

/** The fields of a container that ps (table, JSON, templates, filters) reads. */
export type ContainerSummary = Pick<ContainerRecord, 'id' | 'name' | 'image' | 'imageName' | 'created' | 'autoRemove' | 'state' | 'pod' | 'storage'> & {
  config: Pick<ContainerConfig, 'command' | 'labels' | 'ports' | 'healthcheck' | 'restartPolicy' | 'pause'>;
};

export function summaryOf(r: ContainerRecord): ContainerSummary {
  const c = r.config;
  const config: ContainerSummary['config'] = { command: c.command };
  if (c.labels !== undefined) config.labels = c.labels;
  if (c.ports !== undefined) config.ports = c.ports;
  if (c.healthcheck !== undefined) config.healthcheck = c.healthcheck;
  if (c.restartPolicy !== undefined) config.restartPolicy = c.restartPolicy;
  if (c.pause !== undefined) config.pause = c.pause;
  const s: ContainerSummary = { id: r.id, name: r.name, image: r.image, imageName: r.imageName, created: r.created, autoRemove: r.autoRemove, state: r.state, config };
  if (r.pod !== undefined) s.pod = r.pod;
  if (r.storage !== undefined) s.storage = r.storage;
  return s;
}

interface Snapshot {
  v: 1;
  boot: string;
  journalIno: number;
  entries: ContainerSummary[];
  dirty: string[];
}

/** What the index's caller provides: the records themselves, and each record's lock. */
export interface IndexSource {
  /** Ids of every directory that may hold a record. */
  ids(): string[];
  /** The record as stored now, undefined when there is none. Throws on a damaged record (as listing does). */
  read(id: string): ContainerRecord | undefined;
  lockOf(id: string): string;
}

/** Fold the journal when its unread part grows past foldBytes, or foldDirty ids are dirty (tests lower them). */
export const INDEX_LIMITS = { foldBytes: 256 * 1024, foldDirty: 32, writerFoldBytes: 8 * 1024 * 1024 };
const ID_RE = /^[0-9a-f]{64}$/;

export class ContainerIndex {
  readonly dir: string;
  private readonly journal: string;
  private readonly snapshot: string;
  private readonly lock: string;
  /** A line of ours went to a journal past writerFoldBytes: fold it (foldIfLarge), as no ps may come to. */
  private large = false;

  constructor(dataRoot: string) {
    this.dir = path.join(dataRoot, 'containers-index');
    this.journal = path.join(this.dir, 'journal');
    this.snapshot = path.join(this.dir, 'index.json');
    this.lock = path.join(dataRoot, 'locks', 'containers-index.lock');
  }

  /** Before a record changes (under its lock). */
  willChange(id: string): void {
    this.append(`-${id}\n`);
  }

  /** After a record was committed (under its lock). */
  written(r: ContainerRecord): void {
    this.append(`+${JSON.stringify(summaryOf(r))}\n`);
  }

  /** After a record was removed (under its lock). */
  removed(id: string): void {
    this.append(`x${id}\n`);
  }

  /**
   * One write(2) with O_APPEND. If the journal was replaced between our open
   * and our write (a reader folding it), the line went to the old file, which
   * the folder may have read already: write it again to the new one.
   */
  private append(line: string): void {
    for (let i = 0; i < 8; i++) {
      let fd: number;
      try {
        fd = fsSync.openSync(this.journal, 'a', 0o600);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
        fsSync.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        continue;
      }
      try {
        fsSync.writeSync(fd, line);
        const st = fsSync.fstatSync(fd);
        const now = fsSync.statSync(this.journal, { throwIfNoEntry: false });
        if (now?.ino === st.ino) {
          if (st.size > INDEX_LIMITS.writerFoldBytes) this.large = true;
          return;
        }
      } finally {
        fsSync.closeSync(fd);
      }
    }
    // Replaced eight times in a row: make sure the index is not trusted (a foreign journal means a rebuild).
    fsSync.rmSync(this.snapshot, { force: true });
  }

  /** After a writer's change: fold a journal that grew large (containers changed for long with no ps to fold it). */
  async foldIfLarge(src: IndexSource): Promise<void> {
    if (!this.large) return;
    this.large = false;
    await this.fold(src, false);
  }

  /**
   * Every container's summary (the containers with a complete record, as
   * ContainerStore.listSync). Synchronous, as listing records is.
   */
  async list(src: IndexSource): Promise<ContainerSummary[]> {
    const state = this.readState();
    // No index and no containers (a new store): nothing to write.
    if (!state) return src.ids().length ? this.rebuild(src) : [];
    const out: ContainerSummary[] = [];
    for (const [id, s] of state.entries) if (!state.dirty.has(id)) out.push(s);
    for (const id of state.dirty) {
      const r = src.read(id);
      if (r) out.push(summaryOf(r));
    }
    if (state.unread > INDEX_LIMITS.foldBytes || state.dirty.size > INDEX_LIMITS.foldDirty) await this.fold(src, false);
    return out;
  }

  /** The snapshot with its journal applied; undefined when it cannot be trusted. */
  private readState(): { entries: Map<string, ContainerSummary>; dirty: Set<string>; unread: number } | undefined {
    let snap: Snapshot;
    try {
      snap = JSON.parse(fsSync.readFileSync(this.snapshot, 'utf8')) as Snapshot;
    } catch {
      return undefined;
    }
    if (snap?.v !== 1 || snap.boot !== bootId() || !Array.isArray(snap.entries) || !Array.isArray(snap.dirty)) return undefined;
    let text: string;
    try {
      const fd = fsSync.openSync(this.journal, 'r');
      try {
        if (fsSync.fstatSync(fd).ino !== snap.journalIno) return undefined;
        text = fsSync.readFileSync(fd, 'utf8');
      } finally {
        fsSync.closeSync(fd);
      }
    } catch {
      return undefined;
    }
    const entries = new Map(snap.entries.map((s) => [s.id, s]));
    const dirty = new Set(snap.dirty);
    if (!applyJournal(text, entries, dirty)) return undefined;
    return { entries, dirty, unread: text.length };
  }

  /** Read every record (the index is missing or not to be trusted), and write a fresh index if no one else is. */
  private async rebuild(src: IndexSource): Promise<ContainerSummary[]> {
    const folded = await this.fold(src, true);
    if (folded) return folded;
    const out: ContainerSummary[] = [];
    for (const id of src.ids()) {
      const r = src.read(id);
      if (r) out.push(summaryOf(r));
    }
    return out;
  }

  /**
   * Under the index lock (taken only if free: a reader never waits for
   * another): swap in an empty journal, fold the old one (all of it, what
   * was appended up to the swap included) into the snapshot, or with
   * `fromRecords` read every record instead, settle dirty ids whose lock is
   * free, and write the snapshot. Returns the summaries, or undefined when
   * the lock was busy.
   */
  private async fold(src: IndexSource, fromRecords: boolean): Promise<ContainerSummary[] | undefined> {
    try {
      return await withLock(this.lock, () => this.foldLocked(src, fromRecords), { timeoutMs: 0 });
    } catch (err) {
      // Busy, or a store we may read but not write (EACCES, EROFS, ENOSPC): the records are read as before.
      if (err instanceof LockTimeoutError || errnoCode(err) !== undefined) return undefined;
      throw err;
    }
  }

  private async foldLocked(src: IndexSource, fromRecords: boolean): Promise<ContainerSummary[]> {
    fsSync.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    let prior = fromRecords ? undefined : this.readSnapshotFor();
    // The new journal first: every line appended from now on is after the snapshot we write.
    const fresh = path.join(this.dir, tempFileName('journal'));
    fsSync.writeFileSync(fresh, '', { mode: 0o600, flag: 'wx' });
    const freshIno = fsSync.statSync(fresh).ino;
    let oldFd: number | undefined;
    try {
      oldFd = fsSync.openSync(this.journal, 'r');
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
    let oldText = '';
    try {
      fsSync.renameSync(fresh, this.journal);
      // Read after the swap: nothing more can land in the old journal except lines whose writers write them again to the new one.
      if (oldFd !== undefined) {
        if (prior && fsSync.fstatSync(oldFd).ino !== prior.journalIno) prior = undefined; // not the snapshot's journal
        oldText = fsSync.readFileSync(oldFd, 'utf8');
      }
    } finally {
      if (oldFd !== undefined) fsSync.closeSync(oldFd);
    }
    const entries = new Map<string, ContainerSummary>();
    const dirty = new Set<string>();
    const lines = new Map<string, ContainerSummary>();
    const oldDirty = new Set<string>();
    const journalOk = applyJournal(oldText, lines, oldDirty, true);
    if (prior && journalOk) {
      for (const s of prior.entries) entries.set(s.id, s);
      for (const id of prior.dirty) dirty.add(id);
      applyJournal(oldText, entries, dirty);
    } else {
      for (const id of src.ids()) {
        const r = src.read(id);
        if (r) entries.set(id, summaryOf(r));
      }
      // A writer that marked an id and has not (or never will) say it is done: its record is read each time until settled.
      for (const id of oldDirty) dirty.add(id);
    }
    // Settle dirty ids whose writers are gone (their lock is free): the record under its lock is the truth.
    for (const id of [...dirty]) {
      // One whose lock this very context holds is being written by us: not settled here.
      if (heldHere(src.lockOf(id))) continue;
      try {
        await withLock(
          src.lockOf(id),
          () => {
            const r = src.read(id);
            if (r) entries.set(id, summaryOf(r));
            else entries.delete(id);
            dirty.delete(id);
          },
          { timeoutMs: 0 },
        );
      } catch (err) {
        if (!(err instanceof LockTimeoutError)) throw err;
      }
    }
    const snap: Snapshot = { v: 1, boot: bootId(), journalIno: freshIno, entries: [...entries.values()], dirty: [...dirty] };
    const tmp = path.join(this.dir, tempFileName('index.json'));
    fsSync.writeFileSync(tmp, JSON.stringify(snap), { mode: 0o600, flag: 'wx' });
    fsSync.renameSync(tmp, this.snapshot);
    const out: ContainerSummary[] = [];
    for (const [id, s] of entries) if (!dirty.has(id)) out.push(s);
    for (const id of dirty) {
      const r = src.read(id);
      if (r) out.push(summaryOf(r));
    }
    return out;
  }

  private readSnapshotFor(): Snapshot | undefined {
    try {
      const snap = JSON.parse(fsSync.readFileSync(this.snapshot, 'utf8')) as Snapshot;
      if (snap?.v === 1 && snap.boot === bootId() && Array.isArray(snap.entries) && Array.isArray(snap.dirty)) return snap;
    } catch {
      /* rebuilt from the records */
    }
    return undefined;
  }
}

/**
 * Apply journal lines in order. A line that does not parse (only a damaged
 * disk makes one) returns false: the caller rebuilds. With `dirtyOnly`,
 * entries get nothing but dirty records which id is left marked.
 */
export function applyJournal(text: string, entries: Map<string, ContainerSummary>, dirty: Set<string>, dirtyOnly = false): boolean {
  let ok = true;
  let at = 0;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const line = text.slice(at, nl);
    const whole = nl < text.length;
    at = nl + 1;
    // An unterminated last line (a write under way, or cut by a power loss) or a damaged one: its id, if it names one, is dirty.
    const id = whole ? applyLine(line, entries, dirty, dirtyOnly) : undefined;
    if (id === undefined) {
      const m = /^[-x+]\{?(?:"id":")?([0-9a-f]{64})/.exec(line);
      if (m?.[1]) dirty.add(m[1]);
      else ok = false;
      if (whole) ok = false;
    }
  }
  return ok;
}

/** One whole journal line; its id, or undefined when it does not parse. */
function applyLine(line: string, entries: Map<string, ContainerSummary>, dirty: Set<string>, dirtyOnly: boolean): string | undefined {
  const op = line.charCodeAt(0);
  if (op === 0x2b /* + */) {
    let s: ContainerSummary;
    try {
      s = JSON.parse(line.slice(1)) as ContainerSummary;
    } catch {
      return undefined;
    }
    if (typeof s?.id !== 'string' || !ID_RE.test(s.id)) return undefined;
    if (!dirtyOnly) entries.set(s.id, s);
    dirty.delete(s.id);
    return s.id;
  }
  const id = line.slice(1);
  if (!ID_RE.test(id)) return undefined;
  if (op === 0x2d /* - */) dirty.add(id);
  else if (op === 0x78 /* x */) {
    if (!dirtyOnly) entries.delete(id);
    dirty.delete(id);
  } else return undefined;
  return id;
}

let boot: string | undefined;
function bootId(): string {
  boot ??= fsSync.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return boot;
}
