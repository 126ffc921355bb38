// `<root>/events.log`: the append-only JSON-lines event log every command
// writes to (docs/lifecycle.md, "Events"). Each event is ONE write(2) on an
// O_APPEND fd, under the log's lock `<log>.lock` (as podman 4.3): past
// events_logfile_max_size (1 MB by default) the writer that finds the log
// full keeps its second half, puts it in place by rename and records a
// `system log-rotation` event, and no other writer may append to the old
// file meanwhile (its event would be lost with the old file).
//
//   appendEvent(dataRoot, containerEvent(rec, 'start'))
//   const { events, offset } = readEvents(dataRoot, 0)   // parsed, and where the next read starts

import fs from 'node:fs';
import path from 'node:path';
import { StateCorruptError, TscRunError } from '../errors.js';
import { DEFAULT_EVENTS_LOG_MAX_SIZE, engineConfig, type EngineConfig } from '../host/engine-config.js';
import { withLockSync } from '../storage/lock.js';
import { parseEvent, systemEvent, type EngineEvent } from './event.js';

/** containers.conf's events_logfile_path when set, else `<root>/events.log`. */
export function eventLogPath(dataRoot: string): string {
  return settings().eventsLogfilePath ?? path.join(dataRoot, 'events.log');
}

/** The engine's event settings; a broken containers.conf never costs the command its work. */
function settings(): Pick<EngineConfig, 'eventsBackend' | 'eventsLogfilePath' | 'eventsLogfileMaxSize'> {
  try {
    return engineConfig();
  } catch {
    return { eventsBackend: 'file' };
  }
}

/** `events` with `--events-backend none`: podman's refusal. */
export function checkEventsReadable(): void {
  if (engineConfig().eventsBackend === 'none') throw new TscRunError('cannot read events with the "none" backend');
}

/** Open for appending; a log elsewhere (events_logfile_path) may need its directory made first. */
function openLog(file: string): number {
  try {
    return fs.openSync(file, 'a', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    return fs.openSync(file, 'a', 0o600);
  }
}

/**
 * Append one event. Never fails the command it records: an event log that
 * cannot be written (a read-only or vanished root) loses the event, as
 * podman only logs that.
 */
export function appendEvent(dataRoot: string, e: EngineEvent): void {
  const conf = settings();
  if (conf.eventsBackend === 'none') return;
  appendEventTo(eventLogPath(dataRoot), e, conf.eventsLogfileMaxSize ?? DEFAULT_EVENTS_LOG_MAX_SIZE);
}

/** appendEvent to a given log file, rotated when the event would bring it to `limit` bytes (0: never). */
export function appendEventTo(file: string, e: EngineEvent, limit: number): void {
  const line = Buffer.from(`${JSON.stringify(e)}\n`);
  try {
    withLockSync(`${file}.lock`, () => appendLocked(file, line, limit), { timeoutMs: LOCK_TIMEOUT_MS });
  } catch {
    // No lock (an unwritable directory, a writer stuck for seconds): the event is lost, not the command.
  }
}

/** Held for a few syscalls; a rotation reads and writes at most events_logfile_max_size bytes. */
const LOCK_TIMEOUT_MS = 10_000;

function appendLocked(file: string, line: Buffer, limit: number): void {
  let fd: number;
  try {
    fd = openLog(file);
  } catch {
    return;
  }
  try {
    // podman 4.3 counts the event's characters (runes) against the limit, without its newline.
    if (limit > 0 && fs.fstatSync(fd).size + [...line.toString('utf8')].length - 1 >= limit && rotateLog(file)) {
      fs.closeSync(fd);
      fd = openLog(file);
      fs.writeSync(fd, Buffer.from(`${JSON.stringify(systemEvent('log-rotation', file))}\n`));
    }
    fs.writeSync(fd, line);
  } catch {
    /* see above */
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * events_logfile_max_size reached (podman 4.3's rotateLog): the log keeps
 * its second half, from the first line that starts after the middle, put in
 * place by rename. Under the log's lock, so no writer appends to the old file.
 */
function rotateLog(file: string): boolean {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return false;
  }
  const nl = buf.indexOf(10, Math.floor(buf.length / 2));
  const kept = nl < 0 ? Buffer.alloc(0) : buf.subarray(nl + 1);
  const tmp = `${file}.rotate-${process.pid}`;
  try {
    fs.writeFileSync(tmp, kept, { mode: 0o600 });
    fs.renameSync(tmp, file);
    return true;
  } catch {
    fs.rmSync(tmp, { force: true });
    return false;
  }
}

/** The log exists (empty) afterwards, so a follower has something to watch. */
export function ensureEventLog(dataRoot: string): void {
  fs.mkdirSync(path.dirname(eventLogPath(dataRoot)), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(eventLogPath(dataRoot), 'a', 0o600));
}

export interface EventChunk {
  events: EngineEvent[];
  /** Byte offset after the last complete line read. */
  offset: number;
}

/** Complete lines from byte `from` on (a line still being written waits for the next read). Pure. */
export function parseEventLines(buf: Buffer, from: number, file: string): EventChunk {
  const events: EngineEvent[] = [];
  let start = 0;
  let nl: number;
  while ((nl = buf.indexOf(10, start)) >= 0) {
    const at = from + start;
    const line = buf.subarray(start, nl).toString('utf8').trim();
    start = nl + 1;
    if (line === '') continue;
    try {
      events.push(parseEvent(JSON.parse(line)));
    } catch (err) {
      throw new StateCorruptError(`${file}: malformed event at byte ${at}: ${(err as Error).message}`);
    }
  }
  return { events, offset: from + start };
}

/** Every complete event from byte `from` on; none when there is no log yet. */
export function readEvents(dataRoot: string, from: number): EventChunk {
  const file = eventLogPath(dataRoot);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], offset: from };
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    // Truncated under us (nothing does that today): start over.
    if (size < from) from = 0;
    const buf = Buffer.alloc(size - from);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    return parseEventLines(buf.subarray(0, got), from, file);
  } finally {
    fs.closeSync(fd);
  }
}

/** Where the log ends now (streaming starts there: only new events). */
export function eventLogSize(dataRoot: string): number {
  try {
    return fs.statSync(eventLogPath(dataRoot)).size;
  } catch {
    return 0;
  }
}
