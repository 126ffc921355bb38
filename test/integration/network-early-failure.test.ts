// A container whose start fails before its network is set up (a failing
// createContainer hook) reports its own error and exit code on a bridge
// network too, as the test user and as root. As root there is no sync with
// the child before the network set-up, so the set-up raced the child's
// exit and added its own failure ('nsenter: cannot open /proc/N/ns/net: No
// such file or directory') on top of the hook's: repeated so the race has
// its chances.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/index.js';
import type { As } from '../harness/user.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

function suite(as: As) {
  describe(`a start that fails early on a bridge network (${as})`, () => {
    let sb: Sandbox;
    const { cli, ok } = sandboxCli(() => sb);
    let hooks: string;

    beforeAll(async () => {
      sb = await busyboxSandbox(`network-early-failure-${as}`, as);
      hooks = sb.file('hooks/f.json', JSON.stringify({ version: '1.0.0', hook: { path: '/bin/false' }, when: { always: true }, stages: ['createContainer'] })).replace(/\/f\.json$/, '');
      await ok(['network', 'create', 'early']);
    }, 120_000);
    afterAll(async () => {
      await disposeSandbox(sb);
    });

    it('says the hook failed (126), nothing about the network', async () => {
      for (let i = 0; i < 6; i++) {
        const r = await cli(['--hooks-dir', hooks, 'run', '--rm', '--network', 'early', 'bb', 'echo', 'never']);
        expect([r.exitCode, r.stdout, r.stderr]).toEqual([126, '', 'Error: error executing hook `/bin/false` (exit code: 1)\n']);
      }
      expect(await ok(['ps', '-aq'])).toBe('');
    }, 120_000);
  });
}

suite('user');
suite('root');
