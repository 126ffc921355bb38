// build's --retry and --retry-delay (buildah 1.28's MaxPullPushRetries and
// PullPushRetryDelay, default 3 and 2s): a pull of a FROM or --from image
// that failed for a passing reason (the registry unreachable, a cut
// transfer, 429 or 5xx after the client's own per-request retries) is tried
// again after the delay, as c/common's retry.RetryIfNecessary; an answer
// such as "not found" or "unauthorized" is final. Pure apart from sleeping.

import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryHttpError, TruncatedBlobError } from '../image/registry/errors.js';
import { isNetworkError } from '../image/registry/http.js';
import { isRetryableStatus } from '../image/registry/retry.js';

export interface PullRetry {
  retries: number;
  delayMs: number;
}

export const DEFAULT_PULL_RETRY: PullRetry = { retries: 3, delayMs: 2000 };

export function isPassingPullFailure(err: unknown): boolean {
  if (err instanceof TruncatedBlobError) return true;
  if (err instanceof RegistryHttpError) return isRetryableStatus(err.status);
  return isNetworkError(err);
}

export async function withPullRetries<T>(fn: () => Promise<T>, o: PullRetry, wait: (ms: number) => Promise<unknown> = sleep): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= o.retries || !isPassingPullFailure(err)) throw err;
      await wait(o.delayMs);
    }
  }
}
