// run/create flags that differed from podman 4.3 in the side-by-side sweep
// (scripts/parity/run-flags.mjs): messages, exit codes and inspect fields.
// Expected values are podman 4.3.1's on this machine (rootless, cgroup v1
// without delegation), with the same image and flags.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

const V1_WARNING = 'Resource limits are not supported and ignored on cgroups V1 rootless systems\n';
const rootlessV1 = !fs.existsSync('/sys/fs/cgroup/cgroup.controllers');

describe('run/create flags beside podman 4.3 (rootless)', () => {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });
  const ok = async (args: string[]) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    sb = await busyboxSandbox('sweep-run-flags', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it("bad values fail before anything is made, with podman's messages", async () => {
    const cases: Array<[string[], string]> = [
      [['--restart', 'bogus'], 'running container create option: "bogus" is not a valid restart policy: invalid argument'],
      [['--name', 'bad name'], 'running container create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument'],
      [['--log-driver', 'bogus'], 'running container create option: invalid log driver: invalid argument'],
      [['--umask', '999'], 'running container create option: invalid umask string 999: invalid argument'],
      [['--tz', 'Bogus/Zone'], 'running container create option: stat /usr/share/zoneinfo/Bogus/Zone: no such file or directory'],
      [['--label-file', '/nonexistent'], 'unable to process labels: open /nonexistent: no such file or directory'],
      [['--sdnotify', 'bogus'], 'invalid config provided: invalid argument: invalid sdnotify value "bogus": must be container, conmon or ignore'],
      [['--health-on-failure', 'bogus'], 'invalid on-failure action "bogus" for health check: supported actions are none,kill,restart,stop'],
      [['--image-volume', 'bogus'], 'invalid image volume mode "bogus" required value: bind, tmpfs, ignore'],
      [['--volumes-from', 'nosuchctr'], 'looking up container "nosuchctr" for volumes-from: no container with name or ID "nosuchctr" found: no such container'],
      [['--stop-timeout', 'x'], 'invalid argument "x" for "--stop-timeout" flag: strconv.ParseUint: parsing "x": invalid syntax'],
      [['--authfile', '/nonexistent/auth.json'], 'stat /nonexistent/auth.json: no such file or directory'],
      // conmon refuses it at start (126); here before anything is made.
      [['--log-opt', 'tag=x'], "k8s-file doesn't support --log-tag"],
    ];
    for (const [flags, message] of cases) {
      // podman reports --rm's conflict with any --restart before the policy's value (3f13c86).
      const r = await run(['run', ...(flags[0] === '--restart' ? [] : ['--rm']), ...flags, 'bb', 'true']);
      expect([r.exitCode, r.stdout, r.stderr], flags.join(' ')).toEqual([125, '', `Error: ${message}\n`]);
    }
    expect(await ok(['ps', '-aq'])).toBe('');
  });

  it('inspect: RestartPolicy as a Go struct, SdNotifyMode, IpcMode shareable for private/none, Cgroups default for no-conmon', async () => {
    await ok(['create', '--name', 'i1', '--restart', 'on-failure:3', '--sdnotify', 'ignore', '--ipc', 'private', '--cgroups', 'no-conmon', 'bb', 'true']);
    expect(await ok(['inspect', '--format', '{{.HostConfig.RestartPolicy}} {{.Config.SdNotifyMode}} {{.HostConfig.IpcMode}} {{.HostConfig.Cgroups}}', 'i1'])).toBe('{on-failure 3} ignore shareable default\n');
    const j = JSON.parse(await ok(['inspect', 'i1']))[0];
    expect([j.HostConfig.RestartPolicy, j.Config.sdNotifyMode]).toEqual([{ Name: 'on-failure', MaximumRetryCount: 3 }, 'ignore']);
    await ok(['create', '--name', 'i2', '--ipc', 'none', '--cgroups', 'disabled', 'bb', 'true']);
    expect(await ok(['inspect', '--format', '{{.HostConfig.IpcMode}} {{.HostConfig.Cgroups}} {{.HostConfig.RestartPolicy}}', 'i2'])).toBe('shareable disabled { 0}\n');
    await ok(['rm', 'i1', 'i2']);
  });

  it.runIf(rootlessV1)('cgroup v1 rootless: --memory-swappiness out of range only warns (limits dropped unchecked); --device-cgroup-rule says nothing', async () => {
    const s = await run(['run', '--rm', '--memory-swappiness', '200', 'bb', 'echo', 'ran']);
    expect([s.exitCode, s.stdout, s.stderr]).toEqual([0, 'ran\n', V1_WARNING]);
    const d = await run(['run', '--rm', '--device-cgroup-rule', 'c 1:3 rwm', 'bb', 'echo', 'ran']);
    expect([d.exitCode, d.stdout, d.stderr]).toEqual([0, 'ran\n', '']);
    const bad = await run(['run', '--rm', '--device-cgroup-rule', 'bad', 'bb', 'true']);
    expect(bad.exitCode).toBe(125);
  });
});

describe('the development launcher', () => {
  const dev = path.resolve(import.meta.dirname, '../../dist/tsc-run-dev');
  it.runIf(fs.existsSync(dev))("passes --env-file to the command, not to Node (which takes it anywhere on its command line)", () => {
    const r = spawnSync(dev, ['run', '--env-file', '/nonexistent-env-file', '--help'], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
  });
});
