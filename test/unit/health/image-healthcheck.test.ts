import { describe, expect, it } from 'vitest';
import { imageHealthcheck } from '../../../src/health/health-config.js';

describe('imageHealthcheck', () => {
  it("takes the image's HEALTHCHECK with podman's defaults for zero values", () => {
    expect(imageHealthcheck({ Test: ['CMD-SHELL', 'test -f /ok'], Interval: 1e9, Retries: 0 })).toEqual({
      test: ['CMD-SHELL', 'test -f /ok'], interval: 1e9, timeout: 30e9, startPeriod: 0, retries: 3, onFailure: 'none',
    });
    expect(imageHealthcheck({ Test: ['true'] })?.test).toEqual(['CMD', 'true']);
  });
  it('has none for NONE, an empty test or no field', () => {
    expect(imageHealthcheck({ Test: ['NONE'] })).toBeUndefined();
    expect(imageHealthcheck({ Test: [] })).toBeUndefined();
    expect(imageHealthcheck(undefined)).toBeUndefined();
  });
});
