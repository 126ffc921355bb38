// Which progress a compose command shows, as docker compose chooses it:
// `--progress auto` (the default) draws the live view (view.tsx, Ink) when
// stderr is a terminal and plain lines otherwise; `tty` and `plain` force
// one; `quiet` shows none. `--ansi never` means plain, `--ansi always` tty,
// unless --progress says otherwise; the contradictory pairs are refused
// with docker compose's words. Ink and React load only for the live view.

import { UsageError } from '../../../errors.js';
import { jsonProgress, plainProgress, type Progress } from '../../../compose/engine/progress.js';
import { wantsLiveView } from '../progress/select.js';

export const PROGRESS_MODES = ['auto', 'tty', 'plain', 'json', 'quiet'] as const;

export interface LiveProgress {
  progress: Progress;
  /** A line above the view (a warning); plain output when no view is live. */
  note: (line: string) => void;
  /** The current view stays as drawn; the next progress line opens a new one titled `nextTitle`. */
  end: (nextTitle?: string) => Promise<void>;
  /** As end(), the steps under way marked failed. */
  fail: () => Promise<void>;
}

export type ProgressMode = 'tty' | 'plain' | 'json' | 'quiet';

/** The mode the flags and the terminal give; a contradiction is a UsageError. */
export function progressMode(o: { progress?: string | undefined; ansi?: string | undefined; isTTY: boolean; env: Record<string, string | undefined>; warn: (m: string) => void }): ProgressMode {
  const progress = o.progress ?? 'auto';
  if (progress === 'tty' && o.ansi === 'never') throw new UsageError("can't use --progress tty while ANSI support is disabled");
  if (progress === 'plain' && o.ansi === 'always') throw new UsageError("can't use --progress plain while ANSI support is forced");
  if (progress === 'tty' && !o.isTTY) {
    // The live view redraws a terminal: without one, plain lines (docker compose warns the same way).
    o.warn('Terminal is not a POSIX console');
    return 'plain';
  }
  if (progress === 'quiet' || progress === 'none') return 'quiet';
  if (progress === 'json') return 'json';
  if (progress === 'tty' || progress === 'plain') return progress;
  if (progress !== 'auto') throw new UsageError(`unsupported --progress value "${progress}"`);
  if (o.ansi === 'never') return 'plain';
  if (o.ansi === 'always' && o.isTTY) return 'tty';
  return wantsLiveView({ isTTY: o.isTTY }, o.env) ? 'tty' : 'plain';
}

/** The progress of a command: `title` names the first live view (docker compose's "Running"). */
export async function composeProgress(mode: ProgressMode, title: string, prefix: string, dryRun = false, out: NodeJS.WriteStream = process.stderr): Promise<LiveProgress> {
  if (mode === 'tty') {
    const { inkComposeProgress } = await import('./view.js');
    return inkComposeProgress(out, title, prefix);
  }
  const write = (s: string) => out.write(s);
  if (mode === 'json') {
    const json = jsonProgress(write, dryRun);
    return { progress: json.progress, note: json.tail, end: () => Promise.resolve(), fail: () => Promise.resolve() };
  }
  return {
    progress: mode === 'quiet' ? () => {} : plainProgress(write, prefix),
    note: (line) => write(`${line}\n`),
    end: () => Promise.resolve(),
    fail: () => Promise.resolve(),
  };
}
