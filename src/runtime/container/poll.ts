// Wait for a condition on state that other processes change (a container's
// record, its monitor's exit file): poll at a short interval until it holds
// or the deadline passes. There is no daemon to notify us; where the change
// is a file renamed into a directory (the monitor's exit.json), an inotify
// watch on that name makes us look again at once instead of at the next tick.

import { watch, type FSWatcher } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Give up after this long (Infinity: never). */
  timeoutMs: number;
  /** Between checks; default 50 ms. */
  intervalMs?: number;
  /** Check again as soon as this entry of this directory is created, renamed or written; the interval still applies. */
  wakeOn?: { dir: string; name: string };
}

/** The first truthy value of check(), or undefined at the deadline. */
export async function pollUntil<T>(check: () => Promise<T | undefined | false> | T | undefined | false, o: PollOptions): Promise<T | undefined> {
  const deadline = Date.now() + o.timeoutMs;
  const interval = o.intervalMs ?? 50;
  let woken: boolean;
  let wake: AbortController | undefined;
  let watcher: FSWatcher | undefined;
  if (o.wakeOn) {
    const { dir, name } = o.wakeOn;
    try {
      watcher = watch(dir, { persistent: false }, (_event, file) => {
        if (file !== name) return;
        woken = true;
        wake?.abort();
      });
      watcher.on('error', () => watcher?.close()); // the dir went away: the interval still runs
    } catch {
      // No such dir, or no inotify: plain polling.
    }
  }
  try {
    for (;;) {
      woken = false;
      const v = await check();
      if (v !== undefined && v !== false) return v;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      if (woken) continue; // it changed while we looked: look again
      wake = new AbortController();
      await sleep(Math.min(interval, left), undefined, { signal: wake.signal }).catch(() => {});
      wake = undefined;
    }
  } finally {
    watcher?.close();
  }
}
