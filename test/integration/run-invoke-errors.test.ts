// A command that cannot be run, in podman 4.3's words (compared here with
// podman over crun; the runtime's name is ours): 127 with `executable file
// `X` not found in $PATH: No such file or directory: OCI runtime attempted to
// invoke a command that was not found`, 126 with `open executable:
// Permission denied: OCI permission denied`; start says which container, 125.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

const notFound = (x: string) => `tsc-run-helper: executable file \`${x}\` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found`;
const denied = 'tsc-run-helper: open executable: Permission denied: OCI permission denied';

describe('commands that cannot be run (rootless)', () => {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });

  beforeAll(async () => {
    sb = await busyboxSandbox('run-invoke-errors', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it('run, exec and start: podman\'s messages and codes', async () => {
    for (const [cmd, code, msg] of [
      ['nosuchcmd', 127, notFound('nosuchcmd')],
      ['/no/such/command', 127, notFound('/no/such/command')],
      ['./rel', 127, notFound('./rel')],
      ['/etc', 126, denied],
      ['/etc/passwd', 126, denied],
    ] as const) {
      const r = await run(['run', '--rm', 'bb', cmd]);
      expect([cmd, r.exitCode, r.stdout, r.stderr]).toEqual([cmd, code, '', `Error: ${msg}\n`]);
    }
    const id = (await run(['create', 'bb', 'nosuchcmd'])).stdout.trim();
    const s = await run(['start', id]);
    expect([s.exitCode, s.stderr]).toEqual([125, `Error: unable to start container "${id}": ${notFound('nosuchcmd')}\n`]);
    expect((await run(['inspect', '--format', '{{.State.Status}}', id])).stdout).toBe('created\n');
  });
});
