// What compose's live progress view shows, as pure data (docker compose's
// terminal view): a title line `[+] Running 2/3`, then one row per resource
// in the order first seen (` ✔ Container app-web-1  Started  0.4s`), its
// latest step, a spinner while the step is under way, the time it took.
// The progress lines of src/compose/engine (`Container`, NAME, `Creating`)
// fold into it; the Ink view (view.tsx) only lays the rows out.

import type { ProgressKind } from '../../../compose/engine/progress.js';

export type RowState = 'working' | 'done' | 'error';

export interface Row {
  kind: ProgressKind;
  name: string;
  status: string;
  state: RowState;
  /** ms: when the row first appeared, and when its last step ended. */
  start: number;
  end: number | undefined;
}

export interface ComposeProgressModel {
  title: string;
  /** Before each resource: docker compose's " DRY-RUN MODE - " under --dry-run. */
  prefix: string;
  rows: Row[];
}

/** Steps under way (a spinner); every other status ends the row's work. */
const WORKING = new Set(['Creating', 'Starting', 'Waiting', 'Pulling', 'Building', 'Stopping', 'Removing', 'Recreate', 'Restarting', 'Killing', 'Pausing', 'Unpausing', 'Pushing']);

export function emptyModel(title: string, prefix = ''): ComposeProgressModel {
  return { title, prefix, rows: [] };
}

/** Fold one progress line into the model (in place). `now` in ms. */
export function applyProgress(m: ComposeProgressModel, kind: ProgressKind, name: string, status: string, now: number): void {
  let r = m.rows.find((x) => x.kind === kind && x.name === name);
  if (!r) {
    r = { kind, name, status, state: 'working', start: now, end: undefined };
    m.rows.push(r);
  }
  r.status = status;
  r.state = WORKING.has(status) ? 'working' : 'done';
  r.end = r.state === 'working' ? undefined : now;
}

/** The command failed: whatever was under way did not finish. */
export function failRunning(m: ComposeProgressModel, now: number): void {
  for (const r of m.rows) {
    if (r.state !== 'working') continue;
    r.state = 'error';
    r.status = 'Error';
    r.end = now;
  }
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SPIN_MS = 100;

export interface Line {
  /** ` ✔ Container app-web-1` (padded so the statuses line up). */
  head: string;
  status: string;
  state: RowState;
  /** `0.4s` */
  timer: string;
}

export interface Frame {
  title: string;
  /** All rows have finished (the title turns green). */
  complete: boolean;
  lines: Line[];
}

/** The frame at `now`: the title with done/total, rows with their spinner or mark and elapsed time. */
export function frameOf(m: ComposeProgressModel, now: number): Frame {
  const done = m.rows.filter((r) => r.state !== 'working').length;
  const width = Math.max(0, ...m.rows.map((r) => r.kind.length + 1 + r.name.length));
  const spin = SPINNER[Math.floor(now / SPIN_MS) % SPINNER.length]!;
  const lines = m.rows.map((r) => {
    const mark = r.state === 'done' ? '✔' : r.state === 'error' ? '✘' : spin;
    const id = `${r.kind} ${r.name}`;
    const secs = ((r.end ?? now) - r.start) / 1000;
    return { head: ` ${mark}${m.prefix} ${id.padEnd(width)}`, status: r.status, state: r.state, timer: `${secs.toFixed(1)}s` };
  });
  return { title: `[+] ${m.title} ${done}/${m.rows.length}`, complete: m.rows.length > 0 && done === m.rows.length, lines };
}

/** A frame as plain text, `columns` wide (the timer at the right edge), for tests and a final print. */
export function frameText(f: Frame, columns: number): string {
  const out = [f.title];
  for (const l of f.lines) {
    const left = `${l.head} ${l.status}`;
    const pad = Math.max(1, columns - left.length - l.timer.length - 1);
    out.push(`${left}${' '.repeat(pad)}${l.timer} `);
  }
  return out.join('\n');
}
