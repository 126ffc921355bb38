// Global string flags given twice keep the last value, as podman's pflag does
// (`--root a --root b` used to reach the store code as an array).

import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { withGlobalOptions } from '../../../src/cli/global.js';

describe('global flags', () => {
  it('a repeated string flag keeps the last value; array flags keep all', async () => {
    const argv = await withGlobalOptions(yargs()).parseAsync(['--root', '/a', '--root', '/b', '--log-level=debug', '--log-level', 'info', '--storage-opt', 'x', '--storage-opt', 'y']);
    expect(argv.root).toBe('/b');
    expect(argv['log-level']).toBe('info');
    expect(argv['storage-opt']).toEqual(['x', 'y']);
  });
});
