// `update` beside podman 4.3 on this host (rootless, cgroup v1): without a
// flag it prints the container's id; a bad value is podman's parse error; a
// resource flag fails with 125 (podman's runtime cannot open the v1 cgroup
// files; we say why); an unknown container is podman's error.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';
import { probeCgroups } from '../../src/host/cgroup-probe.js';

describe('update (rootless)', () => {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });

  beforeAll(async () => {
    sb = await busyboxSandbox('update', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it('podman\'s answers: the id without flags, parse errors, unknown containers, argument count', async () => {
    const id = (await run(['create', '--name', 'u1', 'bb', 'true'])).stdout.trim();
    expect(await run(['update', 'u1'])).toMatchObject({ exitCode: 0, stdout: `${id}\n`, stderr: '' });
    expect(await run(['container', 'update', 'u1'])).toMatchObject({ exitCode: 0, stdout: `${id}\n` });
    const bad = await run(['update', '--memory', 'abc', 'u1']);
    expect([bad.exitCode, bad.stdout]).toEqual([125, '']);
    expect(bad.stderr).toMatch(/^Error: .*abc.*\n$/);
    expect(await run(['update', '--cpus', '1', 'nosuch'])).toMatchObject({ exitCode: 125, stderr: 'Error: no container with name or ID "nosuch" found: no such container\n' });
    expect(await run(['update', '--cpus', '1'])).toMatchObject({ exitCode: 125, stderr: 'Error: accepts 1 arg(s), received 0\n' });
    expect((await run(['update', '--pids-limit', '5', 'u1'])).exitCode).toBe(125); // not one of update's flags in podman 4.3
  });

  it.runIf(probeCgroups(1).layout !== 'unified')('a resource flag on a cgroup v1 host: 125 with the reason, nothing changed', async () => {
    const id = (await run(['inspect', '--format', '{{.Id}}', 'u1'])).stdout.trim();
    for (const flags of [['--cpus', '1'], ['-m', '100m'], ['--cpu-shares', '512']]) {
      const r = await run(['update', ...flags, 'u1']);
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([125, '', `Error: updating the resources of container ${id}: resource limits are not supported on cgroups V1 rootless systems\n`]);
    }
    expect((await run(['inspect', '--format', '{{.HostConfig.Memory}}', 'u1'])).stdout).toBe('0\n');
  });
});
