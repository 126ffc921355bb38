// `stats` of containers whose pid namespace holds others' processes too:
// `--pid host` (the host's: every host process is in it), `--pid
// container:X` (the donor's and the joiner's), a pod's `--share +pid`. Each
// counts its own processes only (those in its mount namespace, where `exec`
// puts its processes too), as podman's cgroup-based stats counts them; as
// the test user and as root.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

function suite(as: As): void {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const pids = async (...names: string[]) => (await ok(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', ...names])).trim().split('\n').sort();

  beforeAll(async () => {
    sb = await busyboxSandbox(`stats-pid-share-${as}`, as);
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('--pid host: its own processes, not the host\'s; an exec\'d one counts', async () => {
    await ok(['run', '-d', '--name', 'hostpid', '--pid', 'host', 'bb', 'sleep', '1000']);
    expect(await pids('hostpid')).toEqual(['hostpid 1']);
    await ok(['exec', '-d', 'hostpid', 'sleep', '1001']);
    let got: string[] = [];
    for (let i = 0; i < 100 && !got.includes('hostpid 2'); i++) {
      got = await pids('hostpid');
      if (!got.includes('hostpid 2')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(got).toEqual(['hostpid 2']);
    // The host's processes are in its namespace: top lists them, stats does not count them.
    expect((await ok(['top', 'hostpid', 'pid'])).trim().split('\n').length).toBeGreaterThan(3);
  });

  it('--pid container: the donor and the joiner each count their own; a pod\'s +pid members too', async () => {
    await ok(['run', '-d', '--name', 'donor', 'bb', 'sleep', '1000']);
    await ok(['run', '-d', '--name', 'joiner', '--pid', 'container:donor', 'bb', 'sh', '-c', 'sleep 1001 & exec sleep 1002']);
    expect(await pids('donor', 'joiner')).toEqual(['donor 1', 'joiner 2']);
    await ok(['pod', 'create', '--name', 'pp', '--share', '+pid']);
    await ok(['run', '-d', '--pod', 'pp', '--name', 'pa', 'bb', 'sleep', '1003']);
    await ok(['run', '-d', '--pod', 'pp', '--name', 'pb', 'bb', 'sh', '-c', 'sleep 1004 & exec sleep 1005']);
    const infra = (await ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', 'pp'])).trim();
    expect(await pids('pa', 'pb', infra)).toEqual([`${(await ok(['inspect', '--format', '{{.Name}}', infra])).trim()} 1`, 'pa 1', 'pb 2'].sort());
  });
}

describe('stats of containers sharing a pid namespace (test user)', () => suite('user'));
describe.runIf(isRoot())('stats of containers sharing a pid namespace (root)', () => suite('root'));
