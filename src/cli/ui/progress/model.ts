// What the live progress view shows, as pure data: copy events fold into a
// log of finished lines (printed once, in order) and the live rows of the
// blobs in flight (bytes, speed, state), and rows format as text. The Ink
// view (view.tsx) only lays these strings out.

import type { CopyEvent, TransferState } from '../../../image/progress.js';

export interface Row {
  kind: 'blob' | 'config';
  digest: string;
  size: number | undefined;
  bytes: number;
  state: TransferState;
  /** Recent (time ms, bytes) samples for the speed. */
  samples: Array<[number, number]>;
}

export interface ProgressModel {
  /** Lines that stay, in order. */
  log: string[];
  live: Row[];
  /** Archive read so far (load). */
  read: { bytes: number; total: number | undefined } | undefined;
}

export function emptyModel(): ProgressModel {
  return { log: [], live: [], read: undefined };
}

const SPEED_WINDOW_MS = 3_000;
const FINISHED: ReadonlySet<TransferState> = new Set(['done', 'skipped', 'failed']);

function row(m: ProgressModel, digest: string): Row | undefined {
  // The latest row for a digest (one image may repeat a layer).
  for (let i = m.live.length - 1; i >= 0; i--) if (m.live[i]!.digest === digest) return m.live[i];
  return undefined;
}

/** Move finished rows to the log once nothing is in flight, so later notes come after them. */
function settle(m: ProgressModel): void {
  if (m.live.length && m.live.every((r) => FINISHED.has(r.state))) {
    m.log.push(...m.live.map((r) => formatRow(r, Infinity, 0)));
    m.live = [];
  }
}

function note(m: ProgressModel, line: string): void {
  settle(m);
  m.log.push(line);
}

/** Fold one event into the model (in place). `now` in ms. */
export function applyEvent(m: ProgressModel, e: CopyEvent, now: number): void {
  switch (e.type) {
    case 'note':
      return note(m, e.line);
    case 'start':
      return note(m, 'Getting image source signatures');
    case 'manifest':
      return note(m, 'Writing manifest to image destination');
    case 'stored':
      return note(m, 'Storing signatures');
    case 'read':
      m.read = { bytes: e.bytes, total: e.total };
      return;
    case 'blob':
      m.live.push({ kind: 'blob', digest: e.digest, size: e.size, bytes: 0, state: 'waiting', samples: [[now, 0]] });
      return;
    case 'config':
      m.live.push({ kind: 'config', digest: e.digest, size: undefined, bytes: 0, state: 'done', samples: [] });
      return;
    case 'blob-state': {
      const r = row(m, e.digest);
      if (r) r.state = e.state;
      return;
    }
    case 'blob-bytes': {
      const r = row(m, e.digest);
      if (!r) return;
      r.bytes += e.bytes;
      r.samples.push([now, r.bytes]);
      while (r.samples.length > 2 && now - r.samples[0]![0] > SPEED_WINDOW_MS) r.samples.shift();
      return;
    }
    case 'blob-done': {
      const r = row(m, e.digest);
      if (r) {
        r.state = e.skipped ? 'skipped' : 'done';
        if (!e.skipped && r.size !== undefined) r.bytes = r.size;
      }
      return;
    }
  }
}

/** Bytes per second over the recent samples. */
export function speedOf(r: Row, now: number): number {
  const first = r.samples[0];
  if (!first || FINISHED.has(r.state)) return 0;
  const secs = (now - first[0]) / 1000;
  return secs > 0.2 ? (r.bytes - first[1]) / secs : 0;
}

/** Binary sizes the way podman's progress bars print them: 110.0b, 1.0MiB. */
export function formatBytes(n: number): string {
  const units = ['b', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)}${units[u]}`;
}

function bar(done: number, total: number, width: number): string {
  const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : 0;
  if (filled >= width) return '='.repeat(width);
  return '='.repeat(filled) + '>' + '-'.repeat(Math.max(0, width - filled - 1));
}

/** One row as text, at most `columns` wide: `Copying blob 47966b349ee2 [==>---] 1.0MiB / 3.2MiB 2.1MiB/s downloading`. */
export function formatRow(r: Row, columns: number, now: number): string {
  const id = r.digest.replace(/^sha256:/, '').slice(0, r.kind === 'config' ? 10 : 12);
  const head = `Copying ${r.kind} ${id}`;
  if (r.state === 'done') return `${head} done`;
  if (r.state === 'skipped') return `${head} skipped: already exists`;
  if (r.state === 'failed') return `${head} failed`;
  if (r.state === 'waiting') return `${head} waiting`;
  const amount = r.size !== undefined ? `${formatBytes(r.bytes)} / ${formatBytes(r.size)}` : formatBytes(r.bytes);
  const speed = speedOf(r, now);
  const tail = `${amount}${speed > 0 ? ` ${formatBytes(speed)}/s` : ''} ${r.state}`;
  const room = columns - head.length - tail.length - 4;
  if (r.size === undefined || room < 10) return `${head} ${tail}`.slice(0, Number.isFinite(columns) ? columns : undefined);
  return `${head} [${bar(r.bytes, r.size, Math.min(room, 40))}] ${tail}`;
}

/** The archive read line of `load`. */
export function formatRead(read: NonNullable<ProgressModel['read']>): string {
  return `Reading archive ${formatBytes(read.bytes)}${read.total !== undefined ? ` / ${formatBytes(read.total)}` : ''}`;
}
