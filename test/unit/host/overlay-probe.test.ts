import { describe, expect, it } from 'vitest';
import { probeResultOf, selfOnlyUserns } from '../../../src/host/overlay-probe.js';

describe('overlay probe answers', () => {
  it('ok and a kernel refusal are verdicts; a helper failure is not', () => {
    expect(probeResultOf(0, 'ok\n', '')).toEqual({ ok: true, reason: 'ok', definitive: true });
    expect(probeResultOf(1, 'mount overlay with userxattr on /x/merged: Invalid argument\n', '')).toEqual({
      ok: false,
      reason: 'mount overlay with userxattr on /x/merged: Invalid argument',
      definitive: true,
    });
    const broken = probeResultOf(125, '', 'tsc-run-helper: newuidmap: not found\n');
    expect(broken).toMatchObject({ ok: false, untested: true, definitive: false });
    expect(broken.reason).toBe('the probe exited with 125: newuidmap: not found');
  });
  it('maps only our own ids when the subordinate ranges are unusable; nothing as root', () => {
    expect(selfOnlyUserns(0, 0, 'a', 'b')).toEqual({ kind: 'none' });
    expect(selfOnlyUserns(1001, 1002, '/usr/bin/newuidmap', '/usr/bin/newgidmap')).toEqual({
      kind: 'rootless',
      maps: { uid: [{ container: 0, host: 1001, count: 1 }], gid: [{ container: 0, host: 1002, count: 1 }] },
      newuidmap: '/usr/bin/newuidmap',
      newgidmap: '/usr/bin/newgidmap',
    });
  });
});
