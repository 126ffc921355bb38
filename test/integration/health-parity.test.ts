// healthcheck details of podman 4.3 (issue 9, podman's 220-healthcheck.bats):
// `healthcheck run` prints nothing when the check passes and `unhealthy`
// with exit 1 when it does not; --health-on-failure without --health-cmd
// applies to the image's HEALTHCHECK, and without one is podman's error.
// As the test user.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

describe('healthcheck parity with podman 4.3', () => {
  let sb: Sandbox;
  const cli = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 120_000 });
  beforeAll(async () => {
    sb = await busyboxSandbox('health-parity', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it('healthcheck run: silent when healthy, "unhealthy" and exit 1 when not', async () => {
    expect((await cli(['run', '-d', '--name', 'good', '--health-cmd', 'true', '--health-interval', '1h', 'bb', 'sleep', '1000'])).exitCode).toBe(0);
    expect((await cli(['run', '-d', '--name', 'bad', '--health-cmd', 'false', '--health-retries', '1', '--health-interval', '1h', 'bb', 'sleep', '1000'])).exitCode).toBe(0);
    const good = await cli(['healthcheck', 'run', 'good']);
    expect([good.exitCode, good.stdout, good.stderr]).toEqual([0, '', '']);
    const bad = await cli(['healthcheck', 'run', 'bad']);
    expect([bad.exitCode, bad.stdout, bad.stderr]).toEqual([1, 'unhealthy\n', '']);
    await cli(['rm', '-f', '-t', '0', 'good', 'bad']);
  });

  it('--health-on-failure without --health-cmd: the image\'s HEALTHCHECK takes it; without one, podman\'s error', async () => {
    const r = await cli(['create', '--health-on-failure=kill', 'bb', 'true']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([125, '', 'Error: cannot set on-failure action to kill without a health check\n']);
    expect((await cli(['ps', '-aq'])).stdout).toBe('');
    expect((await cli(['create', '--name', 'noact', '--health-on-failure=none', 'bb', 'true'])).exitCode).toBe(0);
    const ctx = path.dirname(sb.file('hcimg/Containerfile', 'FROM bb\nHEALTHCHECK --interval=1h CMD true\n'));
    const b = await cli(['build', '-q', '--format', 'docker', '-t', 'hcimg', ctx]);
    expect(b.exitCode, b.stderr).toBe(0);
    expect((await cli(['create', '--name', 'imgact', '--health-on-failure=restart', 'hcimg', 'sleep', '1'])).exitCode).toBe(0);
    const i = await cli(['inspect', '--format', '{{.Config.HealthcheckOnFailureAction}} {{json .Config.Healthcheck.Test}}', 'imgact']);
    expect(i.stdout).toBe('restart ["CMD-SHELL","true"]\n');
    await cli(['rm', '-f', 'noact', 'imgact']);
  });
});
