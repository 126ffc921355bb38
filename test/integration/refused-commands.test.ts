// Podman commands tsc-run does not carry are refused with their reason and
// exit 125, whatever flags a script passes (not "unknown flag"); rootless
// checkpoint/restore with podman's own message. Their help still prints.

import { describe, expect, it } from 'vitest';
import { emptyStore, isRoot, tscRun } from '../harness/index.js';

const CASES: Array<[string[], RegExp]> = [
  [['container', 'checkpoint', '-a', '--leave-running'], /^Error: checkpointing a container requires root\n$/],
  [['container', 'restore', '--all'], /^Error: restoring a container requires root\n$/],
  [['system', 'service', '--time', '0'], /^Error: tsc-run has no API service: it is daemonless by design/],
  [['system', 'connection', 'ls'], /^Error: tsc-run has no remote mode/],
  [['machine', 'init'], /^Error: tsc-run runs containers on this Linux host directly/],
  [['image', 'scp', 'img', 'host::'], /^Error: image scp talks to podman on other hosts over ssh/],
  [['image', 'sign', '--sign-by', 'me', 'img'], /^Error: tsc-run does not create image signatures/],
  [['auto-update', '--dry-run'], /^Error: auto-update restarts the systemd units/],
  [['init', 'c'], /^Error: tsc-run sets a container up when it starts/],
  [['container', 'init', '--all'], /^Error: tsc-run sets a container up when it starts/],
  [['container', 'clone', 'c'], /^Error: container clone is not supported by tsc-run/],
  [['generate', 'spec', 'c'], /^Error: tsc-run has no specgen API/],
];

describe('refused commands (test user)', () => {
  it('each says why, on one line, exit 125', async () => {
    const sb = await emptyStore('refused');
    try {
      for (const [args, message] of CASES) {
        const r = await tscRun(args, { sandbox: sb });
        expect(r.exitCode, args.join(' ')).toBe(125);
        expect(r.stderr, args.join(' ')).toMatch(message);
        expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
        expect(r.stdout).toBe('');
      }
      const help = await tscRun(['container', 'checkpoint', '--help'], { sandbox: sb });
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain('Usage:\n  tsc-run container checkpoint CONTAINER [CONTAINER...]');
    } finally {
      await sb.cleanup();
    }
  });
});

describe.runIf(isRoot())('refused commands (root)', () => {
  it('checkpoint as root names CRIU', async () => {
    const sb = await emptyStore('refused-root', 'root');
    try {
      const r = await tscRun(['container', 'checkpoint', 'x'], { sandbox: sb });
      expect(r).toMatchObject({ exitCode: 125, stderr: expect.stringMatching(/^Error: checkpointing needs CRIU/) });
    } finally {
      await sb.cleanup();
    }
  });
});
