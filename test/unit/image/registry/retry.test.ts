import { describe, expect, it } from 'vitest';
import { RetryableFailure, backoffDelay, isRetryableStatus, withRetries } from '../../../../src/image/registry/retry.js';

describe('retries', () => {
  it('backs off exponentially, honours Retry-After, caps the wait', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a))).toEqual([200, 400, 800, 1600]);
    expect(backoffDelay(10)).toBe(5000);
    expect(backoffDelay(0, '2')).toBe(2000);
    expect(backoffDelay(0, '600')).toBe(5000);
    expect(backoffDelay(0, new Date(10_000 + 1500).toUTCString(), 10_000)).toBeLessThanOrEqual(1500);
  });

  it('retries only passing failures', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 501].some(isRetryableStatus)).toBe(false);
  });

  it('gives up after the retries and throws the last real error', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new RetryableFailure(new Error(`fail ${calls}`), '0');
        },
        { retries: 2 },
      ),
    ).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
    let n = 0;
    expect(await withRetries(async () => (++n < 3 ? Promise.reject(new RetryableFailure(new Error('x'), '0')) : n))).toBe(3);
    await expect(withRetries(async () => Promise.reject(new Error('final')))).rejects.toThrow('final');
  });
});
