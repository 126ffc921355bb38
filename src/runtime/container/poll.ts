// Wait for a condition on state that other processes change (a container's
// record, its monitor's exit file): poll at a short interval until it holds
// or the deadline passes. There is no daemon to notify us.

import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Give up after this long (Infinity: never). */
  timeoutMs: number;
  /** Between checks; default 50 ms. */
  intervalMs?: number;
}

/** The first truthy value of check(), or undefined at the deadline. */
export async function pollUntil<T>(check: () => Promise<T | undefined | false> | T | undefined | false, o: PollOptions): Promise<T | undefined> {
  const deadline = Date.now() + o.timeoutMs;
  const interval = o.intervalMs ?? 50;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(interval, left));
  }
}
