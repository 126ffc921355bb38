import { describe, expect, it } from 'vitest';
import { healthLogOutput, MAX_HEALTH_OUTPUT } from '../../../src/health/health-config.js';

describe('healthLogOutput (podman 4.3 libpod/healthcheck.go)', () => {
  it('lines joined without the trailing newline, CRs before newlines dropped', () => {
    expect(healthLogOutput('Life is Good on stdout\nLife is Good on stderr\n')).toBe('Life is Good on stdout\nLife is Good on stderr');
    expect(healthLogOutput('a\r\nb')).toBe('a\nb');
    expect(healthLogOutput('a\n\nb\n\n')).toBe('a\n\nb\n');
    expect(healthLogOutput('')).toBe('');
    expect(healthLogOutput('\n')).toBe('');
  });
  it('cut to 500 characters', () => {
    expect(healthLogOutput('x'.repeat(600) + '\n')).toHaveLength(MAX_HEALTH_OUTPUT);
  });
});
