import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { planUserns } from '../../../src/runtime/userns/userns-options.js';

const defaults = { uid: [{ container: 0, host: 1000, count: 1 }, { container: 1, host: 100000, count: 65536 }], gid: [{ container: 0, host: 1000, count: 1 }, { container: 1, host: 100000, count: 65536 }] };
const me = { uid: 1000, gid: 1000 };

describe('--userns auto and nomap', () => {
  it('are refused with the reason: they leave the owner of the container storage unmapped', () => {
    for (const mode of ['auto', 'auto:size=500', 'nomap']) {
      const plan = () => planUserns({ mode, uidmap: [], gidmap: [] }, defaults, me);
      expect(plan).toThrow(UsageError);
      expect(plan).toThrow(`--userns ${JSON.stringify(mode)} is not supported: it leaves your own id unmapped, and tsc-run's container storage belongs to that id`);
    }
    expect(() => planUserns({ mode: 'bogus', uidmap: [], gidmap: [] }, defaults, me)).toThrow('--userns "bogus" is not supported: use keep-id or host');
  });
});
