// Container ids and generated names come from /dev/urandom directly (no node:crypto on the run path).
import { describe, expect, it } from 'vitest';
import { randomBytesSync, randomIntBelow } from '../../../src/host/random-bytes.js';
import { newContainerId } from '../../../src/storage/containers.js';

describe('random bytes', () => {
  it('gives n bytes, different each time', () => {
    const a = randomBytesSync(32);
    expect(a).toHaveLength(32);
    expect(a.equals(randomBytesSync(32))).toBe(false);
    expect(newContainerId()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('randomIntBelow stays in range and reaches every value', () => {
    const seen = new Array<number>(60).fill(0);
    for (let i = 0; i < 6000; i++) {
      const v = randomIntBelow(60);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(60);
      seen[v]!++;
    }
    // 100 expected per value; a fixed or biased source would leave some far off.
    expect(Math.min(...seen)).toBeGreaterThan(40);
    expect(Math.max(...seen)).toBeLessThan(180);
  });
});
