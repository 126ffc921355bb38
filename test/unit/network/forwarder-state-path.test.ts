import { describe, expect, it } from 'vitest';
import { forwarderStateFile } from '../../../src/network/ports/bridge-ports.js';

describe('port forwarder state file', () => {
  it('is where container removal looks for it without loading the network code (container-remove.ts)', () => {
    expect(forwarderStateFile('/run/x', 'abc')).toBe('/run/x/networks/ports/abc.json');
  });
});
