// Compose's live progress on a terminal (docker compose's tty view): the
// title and one row per resource, redrawn ten times a second while a step
// is under way (spinner, elapsed time), warnings printed above it once
// (Ink's <Static>). A phase ends with end(): its last frame stays on the
// screen and the next progress line opens a new view (after `up`'s
// "Running" come the logs, then, on Ctrl-C, "Stopping"). Loaded only when
// the view is wanted (select.ts).

import { Box, Static, Text, render, type Instance } from 'ink';
import React, { useSyncExternalStore } from 'react';
import type { ProgressKind } from '../../../compose/engine/progress.js';
import { applyProgress, emptyModel, failRunning, frameOf, type ComposeProgressModel, type Frame } from './model.js';
import type { LiveProgress } from './select.js';

const FRAME_MS = 100;

interface Snapshot {
  notes: string[];
  frame: Frame;
}

class Store {
  model: ComposeProgressModel;
  private notes: string[] = [];
  private snapshot: Snapshot;
  private readonly listeners = new Set<() => void>();
  private readonly ticker: NodeJS.Timeout;

  constructor(title: string, prefix: string) {
    this.model = emptyModel(title, prefix);
    this.snapshot = { notes: [], frame: frameOf(this.model, Date.now()) };
    // Spinners and timers move while a step is under way.
    this.ticker = setInterval(() => {
      if (this.model.rows.some((r) => r.state === 'working')) this.publish();
    }, FRAME_MS);
    this.ticker.unref();
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  get = (): Snapshot => this.snapshot;

  note(line: string): void {
    this.notes.push(line);
    this.publish();
  }

  publish(): void {
    this.snapshot = { notes: [...this.notes], frame: frameOf(this.model, Date.now()) };
    for (const fn of this.listeners) fn();
  }

  stop(): void {
    clearInterval(this.ticker);
  }
}

function ComposeView({ store, columns }: { store: Store; columns: () => number }): React.JSX.Element {
  const { notes, frame } = useSyncExternalStore(store.subscribe, store.get);
  return (
    <>
      <Static items={notes.map((line, i) => ({ line, i }))}>{(n) => <Text key={n.i}>{n.line}</Text>}</Static>
      {frame.lines.length > 0 && (
        <Box flexDirection="column" width={columns()}>
          <Text color={frame.complete ? 'green' : undefined}>{frame.title}</Text>
          {frame.lines.map((l, i) => (
            <Box key={i} justifyContent="space-between">
              <Text wrap="truncate-end">
                {l.head} <Text color={l.state === 'done' ? 'green' : l.state === 'error' ? 'red' : undefined}>{l.status}</Text>
              </Text>
              <Text dimColor>{`${l.timer} `}</Text>
            </Box>
          ))}
        </Box>
      )}
    </>
  );
}

/** Live views on `out` (a terminal), one per phase. */
export function inkComposeProgress(out: NodeJS.WriteStream, title: string, prefix = ''): LiveProgress {
  let next = title;
  let live: { store: Store; instance: Instance } | undefined;
  let ending: Promise<void> = Promise.resolve();
  const open = () => {
    if (live) return live;
    const store = new Store(next, prefix);
    const instance = render(<ComposeView store={store} columns={() => out.columns || 80} />, {
      stdout: out,
      stderr: out,
      patchConsole: false,
      exitOnCtrlC: false,
      maxFps: 1000 / FRAME_MS,
    });
    live = { store, instance };
    return live;
  };
  const end = (failed: boolean, nextTitle?: string): Promise<void> => {
    if (nextTitle !== undefined) next = nextTitle;
    const v = live;
    live = undefined;
    if (!v) return ending;
    ending = ending.then(async () => {
      if (failed) failRunning(v.store.model, Date.now());
      v.store.stop();
      v.store.publish();
      // Let React commit the last snapshot before Ink writes its final frame.
      await new Promise((r) => setImmediate(r));
      v.instance.unmount();
      await v.instance.waitUntilExit();
    });
    return ending;
  };
  return {
    progress: (kind: ProgressKind, name: string, what: string) => {
      const v = open();
      applyProgress(v.store.model, kind, name, what, Date.now());
      v.store.publish();
    },
    note: (line) => {
      if (live) live.store.note(line);
      else out.write(`${line}\n`);
    },
    end: (nextTitle) => end(false, nextTitle),
    fail: () => end(true),
  };
}
