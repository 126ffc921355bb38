// A member's healthcheck restart action racing `pod stop`: the stop wins.
// The restart's start is dropped when the pod was stopped after the check
// began (the pod's stoppedAt, taken under its start lock), so neither the
// member nor the infra comes back up behind `pod stop`. As the test user.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, sandboxCli } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

describe('pod stop against a healthcheck restart (test user)', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const running = async (pod: string) => (await ok(['ps', '--filter', `pod=${pod}`, '--format', '{{.Names}}'])).trim();

  beforeAll(async () => {
    sb = await busyboxSandbox('pod-health-race', 'user');
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('a restart begun before pod stop does not start the member (nor the infra) again', async () => {
    await ok(['pod', 'create', '--name', 'hr']);
    await ok(['run', '-d', '--pod', 'hr', '--name', 'hr-m', 'bb', 'sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait']);
    const before = new Date(Date.now() - 1000).toISOString();
    await ok(['pod', 'stop', '-t', '2', 'hr']);
    expect(await running('hr')).toBe('');
    // What the healthcheck's action runs, with the time its check began: refused, nothing starts.
    const r = await cli(['restart', 'hr-m'], { env: { TSC_RUN_HEALTH_RESTART_SINCE: before } });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain('pod hr was stopped after the healthcheck of hr-m began: its restart action is dropped');
    expect(await running('hr')).toBe('');
    // A check begun after the stop (the pod was started again since) restarts as before.
    await ok(['pod', 'start', 'hr']);
    expect((await cli(['restart', '-t', '2', 'hr-m'], { env: { TSC_RUN_HEALTH_RESTART_SINCE: new Date().toISOString() } })).exitCode).toBe(0);
    expect((await running('hr')).split('\n').sort()).toEqual([expect.stringMatching(/-infra$/), 'hr-m']);
  });

  it('a member restarted by its failing healthcheck every second: after pod stop nothing runs again', async () => {
    await ok(['pod', 'create', '--name', 'hf']);
    await ok(['create', '--pod', 'hf', '--name', 'hf-m', '--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1', '--health-on-failure', 'restart',
      'bb', 'sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait']);
    for (let round = 0; round < 3; round++) {
      await ok(['pod', 'start', 'hf']);
      await new Promise((r) => setTimeout(r, 1200 + round * 300));
      await ok(['pod', 'stop', '-t', '2', 'hf']);
      // Longer than an interval plus a restart: a racing action had time to bring something back.
      await new Promise((r) => setTimeout(r, 2500));
      expect(await running('hf'), `round ${round}`).toBe('');
      expect((await ok(['pod', 'ps', '--filter', 'name=hf', '--format', '{{.Status}}'])).trim()).toBe('Exited');
    }
  });
});
