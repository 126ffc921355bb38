// build --retry/--retry-delay: passing failures are tried again after the
// delay, up to the count; final answers and the last failure are thrown.

import { describe, expect, it } from 'vitest';
import { RegistryHttpError, RegistryUnreachableError, UnauthorizedError } from '../../../src/image/registry/errors.js';
import { isPassingPullFailure, withPullRetries } from '../../../src/build/pull-retry.js';

describe('pull retries', () => {
  it('retries unreachable registries, 429 and 5xx; not 404 or 401', () => {
    expect(isPassingPullFailure(new RegistryUnreachableError('down'))).toBe(true);
    expect(isPassingPullFailure(new RegistryHttpError('busy', 429, 'TOOMANYREQUESTS'))).toBe(true);
    expect(isPassingPullFailure(new RegistryHttpError('oops', 503, undefined))).toBe(true);
    expect(isPassingPullFailure(new RegistryHttpError('no', 404, 'MANIFEST_UNKNOWN'))).toBe(false);
    expect(isPassingPullFailure(new UnauthorizedError('who'))).toBe(false);
    expect(isPassingPullFailure(new Error('other'))).toBe(false);
  });

  it('tries retries+1 times with the delay between, then throws the last failure', async () => {
    const waits: number[] = [];
    let calls = 0;
    const fail = () => {
      calls++;
      return Promise.reject(new RegistryUnreachableError(`down ${calls}`));
    };
    await expect(withPullRetries(fail, { retries: 3, delayMs: 250 }, async (ms) => waits.push(ms))).rejects.toThrow('down 4');
    expect([calls, waits]).toEqual([4, [250, 250, 250]]);
    calls = 0;
    await expect(withPullRetries(fail, { retries: 0, delayMs: 250 }, async (ms) => waits.push(ms))).rejects.toThrow('down 1');
  });

  it('a success after failures is returned; a final answer is not retried', async () => {
    let calls = 0;
    const r = await withPullRetries(async () => (++calls < 3 ? Promise.reject(new RegistryHttpError('busy', 503, undefined)) : 'ok'), { retries: 3, delayMs: 0 }, async () => undefined);
    expect([r, calls]).toEqual(['ok', 3]);
    calls = 0;
    await expect(withPullRetries(async () => { calls++; throw new RegistryHttpError('no', 404, undefined); }, { retries: 3, delayMs: 0 }, async () => undefined)).rejects.toThrow('no');
    expect(calls).toBe(1);
  });
});
