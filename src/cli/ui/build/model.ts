// What the build's terminal view shows, as pure data. Podman's step lines
// and every line a RUN step prints become permanent lines, in order, each
// written once; while a step runs, the live area below them shows its stage,
// step and time, and the last lines of its output scrolling. A step's output
// is held until the step ends (or grows past FLUSH_AT lines) and then written
// under its STEP line, so steps running side by side (--jobs) never mix.
// The Ink view (view.tsx) only writes and lays out these strings.

export interface StepAt {
  /** Index of the stage among the planned ones. */
  stage: number;
  /** The stage's name (FROM ... AS name). */
  name?: string | undefined;
}

interface ActiveStep {
  /** podman's STEP line, as the permanent log gets it. */
  line: string;
  label: string;
  started: number;
  /** Output lines not yet made permanent. */
  lines: string[];
  /** The unfinished last line. */
  partial: string;
  /** The STEP line is already permanent (the output outgrew FLUSH_AT). */
  lineWritten: boolean;
  /** The last WINDOW lines, for the live area. */
  tail: string[];
}

export const WINDOW = 8;
const FLUSH_AT = 500;

/** Tabs as spaces to the next stop of 8, starting at column `col`. */
function expandTabs(s: string): string {
  if (!s.includes('\t')) return s;
  let out = '';
  let col = 0;
  for (const ch of s) {
    if (ch === '\t') {
      const n = 8 - (col % 8);
      out += ' '.repeat(n);
      col += n;
    } else {
      out += ch;
      col++;
    }
  }
  return out;
}

/**
 * One line of a step's output as a terminal would leave it: what follows
 * its last carriage return (progress bars redraw that way), colours (SGR)
 * kept, any other escape or control character dropped (they would move the
 * cursor under the live area), tabs expanded.
 */
export function visibleLine(raw: string): string {
  let s = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const cr = s.lastIndexOf('\r');
  if (cr >= 0) s = s.slice(cr + 1);
  s = s.replace(/\x1b\[[0-9;?]*([@-~])/g, (m, final: string) => (final === 'm' ? m : '')).replace(/\x1b[@-_]?/g, (m) => (m === '\x1b[' ? m : ''));
  s = s.replace(/[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/g, '');
  return expandTabs(s);
}

/** Seconds as the timer shows them: 0.4s, 12.3s, 2m05s, 1h02m. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export class BuildViewModel {
  private readonly active = new Map<number, ActiveStep>();
  private permanent: string[] = [];

  /** A step starts: podman's STEP line `line` (written when the step ends, with its output under it). */
  step(at: StepAt, line: string, now: number): void {
    this.close(at.stage);
    const label = `${at.name ? `${at.name}: ` : ''}${line}`;
    this.active.set(at.stage, { line, label, started: now, lines: [], partial: '', lineWritten: false, tail: [] });
  }

  /**
   * A line of podman's (`--> id`, `COMMIT`, a pull's lines, a warning).
   * With a stage, it ends that stage's step first; without one (a pull, a
   * warning), it belongs to the only step running, if there is one.
   */
  line(text: string, at?: StepAt): void {
    if (at !== undefined) {
      this.close(at.stage);
      this.permanent.push(text);
      return;
    }
    const only = this.active.size === 1 ? [...this.active.values()][0]! : undefined;
    if (only) this.addLine(only, text);
    else this.permanent.push(text);
  }

  /** Text a RUN step printed (decoded; lines may be split anywhere). */
  output(stage: number, text: string): void {
    const a = this.active.get(stage);
    if (!a) {
      for (const l of text.split('\n')) if (l) this.permanent.push(visibleLine(l));
      return;
    }
    const parts = (a.partial + text).split('\n');
    a.partial = parts.pop()!;
    for (const p of parts) this.addLine(a, visibleLine(p));
  }

  /** The step's output ended: an unfinished last line is a line. */
  outputEnd(stage: number): void {
    const a = this.active.get(stage);
    if (a?.partial) {
      this.addLine(a, visibleLine(a.partial));
      a.partial = '';
    }
  }

  private addLine(a: ActiveStep, line: string): void {
    a.lines.push(line);
    a.tail.push(line);
    if (a.tail.length > WINDOW) a.tail.shift();
    if (a.lines.length >= FLUSH_AT) {
      // A long step: what it printed so far becomes permanent now (memory stays bounded).
      if (!a.lineWritten) this.permanent.push(a.line);
      a.lineWritten = true;
      this.permanent.push(...a.lines);
      a.lines = [];
    }
  }

  private close(stage: number): void {
    const a = this.active.get(stage);
    if (!a) return;
    this.active.delete(stage);
    if (!a.lineWritten) this.permanent.push(a.line);
    this.permanent.push(...a.lines);
    if (a.partial) this.permanent.push(visibleLine(a.partial));
  }

  /** Every step ends (the build is over, or failed). */
  finish(): void {
    for (const stage of [...this.active.keys()]) this.close(stage);
  }

  /** The permanent lines added since the last call, in order. */
  take(): string[] {
    const out = this.permanent;
    this.permanent = [];
    return out;
  }

  /** Whether a step is running (the timer must tick). */
  busy(): boolean {
    return this.active.size > 0;
  }

  /** The live area: per running step, its label and timer, then the end of its output; at most `rows` lines. */
  live(now: number, columns: number, rows: number): string[] {
    const out: string[] = [];
    const steps = [...this.active.values()];
    const room = Math.max(0, rows - steps.length);
    const per = steps.length ? Math.min(WINDOW, Math.floor(room / steps.length)) : 0;
    for (const a of steps) {
      const time = formatElapsed(now - a.started);
      const width = Math.max(10, columns - time.length - 1);
      const label = a.label.length > width ? `${a.label.slice(0, width - 1)}…` : a.label.padEnd(width);
      out.push(`${label} ${time}`);
      const tail = a.partial ? [...a.tail, visibleLine(a.partial)] : a.tail;
      for (const l of tail.slice(Math.max(0, tail.length - per))) out.push(`  ${l}`);
    }
    return out.slice(0, Math.max(1, rows));
  }
}
