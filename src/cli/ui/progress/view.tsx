// The live progress view on a TTY: finished lines printed once (Ink's
// <Static>), below them one row per blob in flight, redrawn at most ten
// times a second. Loaded only when stderr is a terminal (select.ts).

import { Box, Static, Text } from 'ink';
import React, { useSyncExternalStore } from 'react';
import type { CopyEvent, CopyProgress } from '../../../image/progress.js';
import { applyEvent, emptyModel, formatRead, formatRow, type ProgressModel } from './model.js';
import { FRAME_MS, renderLive, terminalSize } from '../live-render.js';


interface Snapshot {
  log: string[];
  rows: string[];
}

/** The model plus the subscription React reads it through. */
class ProgressStore {
  private readonly model: ProgressModel = emptyModel();
  private snapshot: Snapshot = { log: [], rows: [] };
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly columns: () => number) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  get = (): Snapshot => this.snapshot;

  apply(e: CopyEvent): void {
    applyEvent(this.model, e, Date.now());
    // Byte counts arrive per chunk: coalesce them into frames; everything else shows at once.
    if (e.type === 'blob-bytes' || e.type === 'read') this.schedule();
    else this.publish();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.publish(), FRAME_MS);
  }

  publish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    const cols = this.columns();
    const rows = this.model.live.map((r) => formatRow(r, cols, now));
    if (this.model.read) rows.push(formatRead(this.model.read));
    this.snapshot = { log: [...this.model.log], rows };
    for (const fn of this.listeners) fn();
  }

  /** Everything still live becomes final lines. */
  finish(): void {
    this.model.log.push(...this.model.live.map((r) => formatRow(r, Infinity, 0)));
    this.model.live = [];
    this.model.read = undefined;
    this.publish();
  }
}

function ProgressView({ store }: { store: ProgressStore }): React.JSX.Element {
  const snap = useSyncExternalStore(store.subscribe, store.get);
  return (
    <>
      <Static items={snap.log.map((line, i) => ({ line, i }))}>{(l) => <Text key={l.i}>{l.line}</Text>}</Static>
      {snap.rows.length > 0 && (
        <Box flexDirection="column">
          {snap.rows.map((r, i) => (
            <Text key={i} wrap="truncate-end">
              {r}
            </Text>
          ))}
        </Box>
      )}
    </>
  );
}

/** A CopyProgress that draws on `out` (a TTY) until close(). */
export function inkProgress(out: NodeJS.WriteStream = process.stderr): CopyProgress {
  const store = new ProgressStore(() => terminalSize(out).columns);
  const live = renderLive(<ProgressView store={store} />, out, () => store.finish());
  return {
    emit: (e) => store.apply(e),
    close: () => live.close(),
  };
}
