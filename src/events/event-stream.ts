// Reading the event log for `events`: what is there (from the start with
// --since/--until or --stream=false, else from its end), then, when
// streaming, every event appended afterwards (fs.watch, with a slow poll in
// case a change notification is missed) until --until passes or the caller
// stops (Ctrl-C).

import fs from 'node:fs';
import type { GoTime } from '../format/go-time.js';
import type { EngineEvent } from './event.js';
import type { EventMatcher } from './event-filter.js';
import { ensureEventLog, eventLogPath, eventLogSize, readEvents } from './event-log.js';

const POLL_MS = 1000;

export interface StreamOptions {
  dataRoot: string;
  match: EventMatcher;
  /** Follow the log (podman's default). */
  stream: boolean;
  /** Read from the start (podman: with --since or --until, or without streaming). */
  fromStart: boolean;
  /** Streaming ends at this time. */
  until?: GoTime | undefined;
  onEvent: (e: EngineEvent) => void;
}

export async function streamEvents(o: StreamOptions): Promise<void> {
  if (!o.stream) {
    for (const e of readEvents(o.dataRoot, 0).events) if (o.match(e)) o.onEvent(e);
    return;
  }
  ensureEventLog(o.dataRoot);
  let offset = o.fromStart ? 0 : eventLogSize(o.dataRoot);
  const pump = () => {
    const chunk = readEvents(o.dataRoot, offset);
    offset = chunk.offset;
    for (const e of chunk.events) if (o.match(e)) o.onEvent(e);
  };
  pump();
  await new Promise<void>((resolve, reject) => {
    const step = () => {
      try {
        pump();
      } catch (err) {
        stop();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    const watcher = fs.watch(eventLogPath(o.dataRoot), { persistent: true }, step);
    watcher.on('error', () => undefined); // the poll below still reads
    const timer = setInterval(step, POLL_MS);
    let untilTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      watcher.close();
      clearInterval(timer);
      if (untilTimer) clearTimeout(untilTimer);
    };
    if (o.until) {
      untilTimer = setTimeout(() => {
        step();
        stop();
        resolve();
      }, Math.max(0, o.until.getTime() - Date.now()));
    }
  });
}
