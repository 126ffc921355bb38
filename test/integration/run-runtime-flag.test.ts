// --runtime-flag as podman 4.3 treats it (compared here with podman and
// crun): the flags go to the OCI runtime whenever it is invoked, so commands
// that never invoke it (ps, create, inspect) run, and those that do fail
// with the runtime's complaint: run 126, start 125, exec 255, kill and stop
// 125. Our runtime, the helper, takes no flags at all.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

describe('--runtime-flag (rootless)', () => {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });
  const bad = (args: string[]) => run(['--runtime-flag', 'invalidflag', ...args]);
  const complaint = "tsc-run-helper: unrecognized option '--invalidflag'";

  beforeAll(async () => {
    sb = await busyboxSandbox('run-runtime-flag', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it('commands that do not invoke the runtime run; run, start, exec, kill and stop fail as podman\'s do', async () => {
    expect((await bad(['ps', '-a'])).exitCode).toBe(0);
    const created = await bad(['create', '--name', 'c1', 'bb', 'true']);
    expect(created.exitCode, created.stderr).toBe(0);
    const id = (await run(['inspect', '--format', '{{.Id}}', 'c1'])).stdout.trim();

    const r = await bad(['run', '--rm', 'bb', 'echo', 'never']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([126, '', `Error: OCI runtime error: ${complaint}\n`]);
    const s = await bad(['start', 'c1']);
    expect([s.exitCode, s.stdout, s.stderr]).toEqual([125, '', `Error: unable to start container "${id}": OCI runtime error: ${complaint}\n`]);
    expect((await run(['inspect', '--format', '{{.State.Status}}', 'c1'])).stdout).toBe('created\n');

    const live = (await run(['run', '-d', '--name', 'c2', 'bb', 'sleep', '100'])).stdout.trim();
    const e = await bad(['exec', 'c2', 'true']);
    expect([e.exitCode, e.stderr]).toEqual([255, `Error: OCI runtime error: ${complaint}\n`]);
    for (const cmd of [['kill', 'c2'], ['stop', '-t', '0', 'c2']]) {
      const k = await bad(cmd);
      expect([k.exitCode, k.stderr]).toEqual([125, `Error: sending signal to container ${live}: ${complaint}\n`]);
    }
    expect((await run(['inspect', '--format', '{{.State.Status}}', 'c2'])).stdout).toBe('running\n');
    // Without the flag all is as usual; a flag given as --X is passed on as ----X, as podman does.
    expect((await run(['rm', '-f', '-t', '0', 'c1', 'c2'])).exitCode).toBe(0);
    const dashed = await run(['--runtime-flag=--foo', 'run', '--rm', 'bb', 'true']);
    expect([dashed.exitCode, dashed.stderr]).toEqual([126, "Error: OCI runtime error: tsc-run-helper: unrecognized option '----foo'\n"]);
  });
});
