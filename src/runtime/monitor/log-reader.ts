// `logs`: read a container's log file and print its records to our stdout
// and stderr (each record to the stream it came from). With --follow, keep
// reading what the monitor appends until the container is no longer
// running, then drain what is left and return.

import fs from 'node:fs';
import { TscRunError } from '../../errors.js';
import type { ContainerRecord, ContainerStore } from '../../storage/containers.js';
import { liveRecord } from '../container/container-observe.js';
import { LineSplitter, inWindow, parseLogLine, renderEntry, selectEntries, type LogEntry, type LogSelection, type RenderOptions } from './log-entries.js';
import { containerLogPath } from './runtime-dir.js';

export interface LogsOptions extends LogSelection, RenderOptions {
  follow: boolean;
}

export interface LogSinks {
  stdout: (bytes: Buffer) => void;
  stderr: (bytes: Buffer) => void;
}

export interface LogsContext {
  store: ContainerStore;
  dataRoot: string;
  runRoot: string;
}

/** Podman's refusal for --log-driver none. */
export class NoLogsError extends TscRunError {
  constructor() {
    super("this container is using the 'none' log driver, cannot read logs: this container is not logging output");
  }
}

export function logPathOf(dataRoot: string, rec: ContainerRecord): string | undefined {
  if (rec.config.logDriver === 'none') return undefined;
  return rec.config.logPath ?? containerLogPath(dataRoot, rec.id);
}

const FOLLOW_POLL_MS = 100;
const READ_CHUNK = 1 << 20;

/** Reads a log file from where it stopped last time; starts over if the file was truncated (max size). */
class LogFile {
  private offset = 0;
  private readonly lines = new LineSplitter();
  constructor(private readonly file: string) {}

  /** Complete records appended since the last call (a line still being written waits for its newline). */
  readNew(): LogEntry[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: LogEntry[] = [];
    try {
      const size = fs.fstatSync(fd).size;
      if (size < this.offset) {
        this.offset = 0;
        this.lines.feed('\n'); // whatever was pending belonged to the old contents
      }
      const buf = Buffer.alloc(Math.min(READ_CHUNK, Math.max(size - this.offset, 0)));
      while (this.offset < size) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (n <= 0) break;
        this.offset += n;
        for (const line of this.lines.feed(buf.toString('latin1', 0, n))) {
          const e = parseLogLine(line);
          if (e) out.push(e);
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    return out;
  }
}

function emit(entries: readonly LogEntry[], o: RenderOptions, sinks: LogSinks): void {
  for (const e of entries) {
    const bytes = Buffer.from(renderEntry(e, o), 'latin1');
    if (e.stream === 'stderr') sinks.stderr(bytes);
    else sinks.stdout(bytes);
  }
}

async function stillRunning(ctx: LogsContext, id: string): Promise<boolean> {
  const rec = await ctx.store.get(id);
  const s = rec && liveRecord(ctx.runRoot, rec).state.status;
  return s === 'running' || s === 'paused';
}

/** Print one container's log per the options; with follow, returns once the container stopped. */
export async function printLogs(ctx: LogsContext, rec: ContainerRecord, o: LogsOptions, sinks: LogSinks, abort?: AbortSignal): Promise<void> {
  const file = logPathOf(ctx.dataRoot, rec);
  if (file === undefined) throw new NoLogsError();
  const log = new LogFile(file);
  emit(selectEntries(log.readNew(), o), o, sinks);
  if (!o.follow) return;
  const render = (entries: LogEntry[]) => emit(entries.filter((e) => inWindow(e, o)), o, sinks);
  let watcher: fs.FSWatcher | undefined;
  let wake: (() => void) | undefined;
  try {
    try {
      watcher = fs.watch(file, { persistent: false }, () => wake?.());
    } catch {
      watcher = undefined; // not there yet: polling alone
    }
    while (!abort?.aborted) {
      // Check before reading: everything written before the exit is in the file by then.
      const running = await stillRunning(ctx, rec.id);
      render(log.readNew());
      if (!running) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, FOLLOW_POLL_MS);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
        abort?.addEventListener('abort', wake, { once: true });
      });
      wake = undefined;
    }
  } finally {
    watcher?.close();
  }
}
