// Commands tsc-run refuses, side by side with podman 4.3. `machine`: the same group and subcommands in
// help, usage + exit 125 for the bare group and unknown subcommands, and
// each subcommand refused with one line and exit 125 (tsc-run runs on the
// Linux host directly; there is no VM to manage).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess, STD_PATH, tscRun, type ProcResult } from '../harness/index.js';

const podmanHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-machine-podman-'));
afterAll(() => fs.rmSync(podmanHome, { recursive: true, force: true }));

function podman(args: readonly string[]): Promise<ProcResult> {
  return runProcess('podman', args, { env: { HOME: podmanHome, XDG_RUNTIME_DIR: podmanHome, PATH: STD_PATH, LANG: 'C.UTF-8' } });
}

/** The names under `Available Commands:`. */
function available(text: string): string[] {
  const block = text.split('Available Commands:\n')[1] ?? '';
  return block.split('\n\n')[0]!.split('\n').map((l) => l.trim().split(/\s+/)[0]!).filter(Boolean);
}

const SUBCOMMANDS = ['info', 'init', 'inspect', 'list', 'rm', 'set', 'ssh', 'start', 'stop'];

describe('machine as podman lists it', () => {
  it('help lists the same subcommands, and the program lists machine', async () => {
    const [ours, theirs] = await Promise.all([tscRun(['machine', '--help']), podman(['machine', '--help'])]);
    expect(ours.exitCode).toBe(0);
    expect(available(theirs.stdout)).toEqual(SUBCOMMANDS);
    expect(available(ours.stdout)).toEqual(SUBCOMMANDS);
    const top = await tscRun(['--help']);
    expect(top.stdout).toMatch(/^ {2}machine {5}Manage a virtual machine$/m);
  });

  it('bare group: its help on stdout, missing command, exit 125', async () => {
    const [ours, theirs] = await Promise.all([tscRun(['machine']), podman(['machine'])]);
    expect(theirs.exitCode).toBe(125);
    expect(ours.exitCode).toBe(125);
    expect(available(ours.stdout)).toEqual(SUBCOMMANDS);
    expect(ours.stderr).toBe("Error: missing command 'tsc-run machine COMMAND'\n");
  });

  it('an unknown subcommand: unrecognized command, exit 125', async () => {
    const [ours, theirs] = await Promise.all([tscRun(['machine', 'nosuch']), podman(['machine', 'nosuch'])]);
    expect(theirs.exitCode).toBe(125);
    expect(ours.exitCode).toBe(125);
    expect(ours.stderr).toMatch(/^Error: unrecognized command `tsc-run machine nosuch`/);
  });

  it('each subcommand has its own help and is refused with one line, exit 125, whatever its flags', async () => {
    for (const s of SUBCOMMANDS) {
      const help = await tscRun(['machine', s, '--help']);
      expect(help.exitCode, s).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage:\\n {2}tsc-run machine ${s}\\b`, 'm'));
      const r = await tscRun(['machine', s, '--now']);
      expect(r.exitCode, s).toBe(125);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('Error: tsc-run runs containers on this Linux host directly and manages no virtual machine\n');
    }
    // podman's alias of list.
    expect((await tscRun(['machine', 'ls'])).exitCode).toBe(125);
  });
});

describe('system service: podman\'s checks of the URI before the refusal', () => {
  // Only URIs podman rejects: a valid one would start podman's service.
  for (const args of [['localhost:9292'], ['myunix.sock'], [':foo'], ['a', 'b'], ['Unix+x:/a']]) {
    it(`system service ${args.join(' ')}`, async () => {
      const [ours, theirs] = await Promise.all([tscRun(['system', 'service', ...args]), podman(['system', 'service', ...args])]);
      expect(theirs.exitCode).toBe(125);
      expect(ours.exitCode).toBe(125);
      expect(ours.stderr).toBe(theirs.stderr);
    });
  }

  it('a valid URI (or none) is refused with the reason', async () => {
    for (const args of [[], ['unix:///tmp/x.sock'], ['tcp://127.0.0.1:1']]) {
      const r = await tscRun(['system', 'service', ...args]);
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toBe('Error: tsc-run has no API service: it is daemonless by design; drive it through its command line\n');
    }
  });
});

describe('refused commands check their argument count first, in cobra\'s words (bats 015-help)', () => {
  const cases = [
    ['auto-update', 'x'], ['machine', 'info', 'x'], ['machine', 'list', 'x'], ['machine', 'init', 'a', 'b'], ['machine', 'rm', 'a', 'b'],
    ['machine', 'stop', 'a', 'b'], ['container', 'clone'], ['container', 'clone', 'a', 'b', 'c', 'd'], ['generate', 'spec'],
    ['generate', 'spec', 'a', 'b'], ['image', 'scp'], ['image', 'sign'],
  ];
  for (const args of cases) {
    it(args.join(' '), async () => {
      const [ours, theirs] = await Promise.all([tscRun(args), podman(args)]);
      expect(theirs.exitCode).toBe(125);
      expect(ours.exitCode).toBe(125);
      expect(ours.stderr).toBe(theirs.stderr.replace(/podman/g, 'tsc-run'));
    });
  }
});

describe('flags after an unknown command word, as podman (bats 300-cli-parsing)', () => {
  for (const args of [['bad', '--invalid'], ['bad', '-x'], ['system', 'bad', '--invalid'], ['bad', '--help', '--invalid'], ['bad', '--log-level', 'error']]) {
    it(args.join(' '), async () => {
      const [ours, theirs] = await Promise.all([tscRun(args), podman(args)]);
      expect(ours.exitCode).toBe(theirs.exitCode);
      // podman spreads its suggestions over several lines where ours keeps one: the same start.
      expect(ours.stderr.split('\n')[0]!.startsWith(theirs.stderr.replace(/podman/g, 'tsc-run').split('\n')[0]!)).toBe(true);
    });
  }

  it('--help after an unknown command word: that node\'s help, exit 0', async () => {
    const [ours, theirs] = await Promise.all([tscRun(['system', 'bad', '--help']), podman(['system', 'bad', '--help'])]);
    expect(theirs.exitCode).toBe(0);
    expect(ours.exitCode).toBe(0);
    expect(ours.stdout).toMatch(/^Usage:\n {2}tsc-run system \[command\]$/m);
  });
});

describe('completion is hidden as podman hides it (bats 015-help)', () => {
  it('not listed in help nor completed, still runs with its own help', async () => {
    const [ours, theirs] = await Promise.all([tscRun(['--help']), podman(['--help'])]);
    expect(available(theirs.stdout)).not.toContain('completion');
    expect(available(ours.stdout)).not.toContain('completion');
    expect((await tscRun(['__completeNoDesc', 'comp'])).stdout).not.toMatch(/^completion$/m);
    const help = await tscRun(['completion', '--help']);
    expect(help.stdout).toMatch(/^Usage:\n {2}tsc-run completion \[options\] \{bash\|zsh\|fish\|powershell\}$/m);
    expect((await tscRun(['completion', 'bash'])).exitCode).toBe(0);
  });
});
