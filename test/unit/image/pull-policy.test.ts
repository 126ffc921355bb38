import { describe, expect, it } from 'vitest';
import { parsePullPolicy } from '../../../src/image/acquire/pull-policy.js';

describe('--pull policy', () => {
  it("takes podman's names and their Kubernetes spellings, case-insensitive; missing by default", () => {
    expect(parsePullPolicy(undefined)).toBe('missing');
    expect(parsePullPolicy('')).toBe('missing');
    expect(parsePullPolicy('IfNotPresent')).toBe('missing');
    expect(parsePullPolicy('Always')).toBe('always');
    expect(parsePullPolicy('never')).toBe('never');
    expect(parsePullPolicy('ifnewer')).toBe('newer');
    expect(parsePullPolicy('newer')).toBe('newer');
  });
  it("refuses anything else with podman's message", () => {
    expect(() => parsePullPolicy('bogus')).toThrow('unsupported pull policy "bogus"');
    expect(() => parsePullPolicy('true')).toThrow('unsupported pull policy "true"');
  });
});
