// The build's live view on a terminal: permanent lines (podman's step lines
// and every line of a step's output) written once through Ink's own stdout
// writer, and below them, redrawn ten times a second, each running step
// with its stage, its timer and the end of its output. Loaded only when
// select.ts chose it.

import { Box, Text, useStdout } from 'ink';
import React, { useLayoutEffect, useSyncExternalStore } from 'react';
import { BuildViewModel, type StepAt } from './model.js';
import { openStepOutput, type StepOutput } from './step-output.js';
import { FRAME_MS, renderLive, terminalSize } from '../live-render.js';


class BuildStore {
  private readonly model = new BuildViewModel();
  private rows: string[] = [];
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private write: ((data: string) => void) | undefined;
  private held: string[] = [];

  constructor(private readonly size: () => { columns: number; rows: number }) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  get = (): string[] => this.rows;

  /** Ink's writer (it clears the live area, writes, draws it again). */
  attach(write: (data: string) => void): void {
    this.write = write;
    this.publish();
  }

  step(at: StepAt, line: string): void {
    this.model.step(at, line, Date.now());
    this.publish();
  }

  line(text: string, at?: StepAt): void {
    this.model.line(text, at);
    this.publish();
  }

  output(stage: number, text: string): void {
    this.model.output(stage, text);
    this.schedule();
  }

  outputEnd(stage: number): void {
    this.model.outputEnd(stage);
    this.publish();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.publish(), FRAME_MS);
  }

  publish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.held.push(...this.model.take());
    if (this.write && this.held.length) {
      this.write(`${this.held.join('\n')}\n`);
      this.held = [];
    }
    const { columns, rows } = this.size();
    // Always shorter than the terminal: a frame as high as it makes Ink clear the screen.
    this.rows = this.model.live(Date.now(), columns, Math.max(1, rows - 2));
    for (const fn of this.listeners) fn();
    // The timer of a running step ticks.
    if (this.model.busy()) this.timer = setTimeout(() => this.publish(), FRAME_MS);
  }

  finish(): void {
    this.model.finish();
    this.publish();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Lines that could not be written through Ink (it was never mounted). */
  leftover(): string[] {
    return [...this.held, ...this.model.take()];
  }
}

function BuildLive({ store }: { store: BuildStore }): React.JSX.Element {
  const rows = useSyncExternalStore(store.subscribe, store.get);
  const { write } = useStdout();
  useLayoutEffect(() => store.attach(write), [store, write]);
  return (
    <Box flexDirection="column">
      {rows.map((r, i) => (
        <Text key={i} wrap="truncate-end" dimColor={r.startsWith('  ')}>
          {r}
        </Text>
      ))}
    </Box>
  );
}

export interface BuildLiveView {
  step(at: StepAt, line: string): void;
  line(text: string, at?: StepAt): void;
  /** A RUN step's output channel (see step-output.ts). */
  runOutput(at: StepAt): Promise<StepOutput>;
  close(): Promise<void>;
}

/** The view, drawn on `out` (a terminal) until close(). */
export function buildLiveView(out: NodeJS.WriteStream = process.stdout): BuildLiveView {
  const store = new BuildStore(() => terminalSize(out));
  const live = renderLive(<BuildLive store={store} />, out, () => store.finish());
  let closed: Promise<void> | undefined;
  return {
    step: (at, line) => store.step(at, line),
    line: (text, at) => store.line(text, at),
    runOutput: (at) =>
      openStepOutput(
        (text) => store.output(at.stage, text),
        () => store.outputEnd(at.stage),
      ),
    close() {
      closed ??= (async () => {
        await live.close();
        // Ink ends an empty last frame with a newline: back onto that blank line, so what follows sits under the last step line.
        out.write('\x1b[1A');
        const rest = store.leftover();
        if (rest.length) out.write(`${rest.join('\n')}\n`);
      })();
      return closed;
    },
  };
}
