// Retrying what failed for a passing reason (network errors, 429, 5xx),
// with exponential backoff: 200 ms, 400 ms, 800 ms, 1.6 s, or the
// server's Retry-After when it says so (capped). Pure apart from sleeping.

import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_RETRIES = 4;
const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;

/** Delay before retry number `attempt` (0-based), honouring a Retry-After header value. */
export function backoffDelay(attempt: number, retryAfter?: string, now = Date.now()): number {
  if (retryAfter) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, MAX_DELAY_MS);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.min(Math.max(at - now, 0), MAX_DELAY_MS);
  }
  return Math.min(BASE_DELAY_MS * 2 ** attempt, MAX_DELAY_MS);
}

/** Statuses that mean "try again later" rather than "no". */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** A failure worth another try, with the delay the server asked for. */
export class RetryableFailure extends Error {
  constructor(
    readonly inner: unknown,
    readonly retryAfter?: string,
  ) {
    super(inner instanceof Error ? inner.message : String(inner));
  }
}

/**
 * Run `fn` until it succeeds, it throws something that is not a
 * RetryableFailure, or retries run out (then the last inner error is thrown).
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  opts: { retries?: number; onRetry?: (attempt: number, err: unknown, delayMs: number) => void } = {},
): Promise<T> {
  const retries = opts.retries ?? DEFAULT_RETRIES;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!(err instanceof RetryableFailure)) throw err;
      if (attempt >= retries) throw err.inner;
      const delay = backoffDelay(attempt, err.retryAfter);
      opts.onRetry?.(attempt + 1, err.inner, delay);
      await sleep(delay);
    }
  }
}
