// A container's log as `logs` reads it (docs/helper-protocol.md, "Log
// formats"): k8s-file lines `<RFC3339Nano> stdout|stderr F|P <text>` or
// json-file lines `{"log":"text\n","stream":"stdout","time":"..."}`, where a
// partial line (P, or a `log` without "\n") continues in the next record.
// Parsing, --since/--until/--tail selection and rendering; pure.
//
// Text is handled as "binary strings" (one char per byte, latin1), so what
// the container wrote comes out byte for byte, valid UTF-8 or not.

import { GoTime, rfc3339Nano } from '../../format/go-time.js';

export type LogStream = 'stdout' | 'stderr';

export interface LogEntry {
  time: GoTime;
  stream: LogStream;
  /** The chunk did not end a line: no newline after it when printed. */
  partial: boolean;
  text: string;
}

/** One line of the log file (without its "\n"); undefined for a line that is neither format. */
export function parseLogLine(line: string): LogEntry | undefined {
  if (line.startsWith('{')) return parseJsonFileLine(line);
  // k8s-file: three space-separated fields, then the text (which may be empty or hold spaces).
  const a = line.indexOf(' ');
  const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  const c = line.indexOf(' ', b + 1);
  const time = GoTime.fromRfc3339(line.slice(0, a));
  const stream = line.slice(a + 1, b);
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  if (!time || (stream !== 'stdout' && stream !== 'stderr') || (tag !== 'F' && tag !== 'P')) return undefined;
  return { time, stream, partial: tag === 'P', text: c < 0 ? '' : line.slice(c + 1) };
}

function parseJsonFileLine(line: string): LogEntry | undefined {
  let v: { log?: unknown; stream?: unknown; time?: unknown };
  try {
    v = JSON.parse(Buffer.from(line, 'latin1').toString('utf8')) as typeof v;
  } catch {
    return undefined;
  }
  const time = typeof v.time === 'string' ? GoTime.fromRfc3339(v.time) : undefined;
  if (!time || typeof v.log !== 'string' || (v.stream !== 'stdout' && v.stream !== 'stderr')) return undefined;
  const partial = !v.log.endsWith('\n');
  const text = Buffer.from(partial ? v.log : v.log.slice(0, -1), 'utf8').toString('latin1');
  return { time, stream: v.stream, partial, text };
}

/**
 * Whole lines of a growing file: `feed` returns the complete lines in chunk
 * (after what an earlier chunk left unfinished) and keeps the rest.
 */
export class LineSplitter {
  private rest = '';
  feed(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    return lines;
  }
  /** What is left without a newline (a writer caught mid-line). */
  pending(): string {
    return this.rest;
  }
}

export interface LogSelection {
  since?: GoTime | undefined;
  until?: GoTime | undefined;
  /** --tail N: the last N lines; undefined or negative = all. */
  tail?: number | undefined;
}

/** --since/--until: each record by its own time (since inclusive, until inclusive), as podman. */
export function inWindow(e: LogEntry, sel: LogSelection): boolean {
  const t = e.time.unixNano();
  if (sel.since && t < sel.since.unixNano()) return false;
  if (sel.until && t > sel.until.unixNano()) return false;
  return true;
}

/**
 * --tail N: the records of the last N lines. A line is a stream's records up
 * to and including a full (F) one: the partial records before it belong to
 * it even when the other stream wrote in between, so a line is never printed
 * cut in half. A stream's trailing partial records (a line still being
 * written) count as a line too. Lines are ordered by their last record.
 */
export function tailEntries(entries: readonly LogEntry[], n: number | undefined): LogEntry[] {
  if (n === undefined || n < 0) return [...entries];
  if (n === 0) return [];
  const lines: Array<{ end: number; members: number[] }> = [];
  const open: Record<LogStream, number[]> = { stdout: [], stderr: [] };
  entries.forEach((e, i) => {
    open[e.stream].push(i);
    if (!e.partial) {
      lines.push({ end: i, members: open[e.stream] });
      open[e.stream] = [];
    }
  });
  for (const members of [open.stdout, open.stderr]) if (members.length) lines.push({ end: members[members.length - 1]!, members });
  lines.sort((a, b) => a.end - b.end);
  const keep = new Set(lines.slice(Math.max(0, lines.length - n)).flatMap((l) => l.members));
  return entries.filter((_, i) => keep.has(i));
}

export function selectEntries(entries: readonly LogEntry[], sel: LogSelection): LogEntry[] {
  return tailEntries(
    entries.filter((e) => inWindow(e, sel)),
    sel.tail,
  );
}

export interface RenderOptions {
  timestamps: boolean;
  /** --names: the container's name before each record. */
  name?: string | undefined;
}

/** What one record prints: `[name ][time ]text[\n]` (podman prefixes partial records too). */
export function renderEntry(e: LogEntry, o: RenderOptions): string {
  let out = '';
  if (o.name !== undefined) out += `${o.name} `;
  if (o.timestamps) out += `${rfc3339Nano(e.time, e.time.nanos)} `;
  return out + e.text + (e.partial ? '' : '\n');
}
