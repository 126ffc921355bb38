// Help and usage in podman's layout, side by side with podman 4.3 on this
// machine: the same sections for the same commands, the same exit codes
// for bare groups and unknown commands. The built CLI as the test user.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess, STD_PATH, tscRun, type ProcResult } from '../harness/index.js';

// podman's help needs no storage, only a home and a runtime dir of its own (whoever runs the tests).
const podmanHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-help-podman-'));
afterAll(() => fs.rmSync(podmanHome, { recursive: true, force: true }));

function podman(args: readonly string[]): Promise<ProcResult> {
  return runProcess('podman', args, { env: { HOME: podmanHome, XDG_RUNTIME_DIR: podmanHome, PATH: STD_PATH, LANG: 'C.UTF-8' } });
}

/** Section titles as cobra prints them (`Usage:`, `Options:`...). */
function sections(text: string): string[] {
  return text.split('\n').filter((l) => /^[A-Z][A-Za-z ]*:$/.test(l));
}

describe('help in podman layout', () => {
  const cases: string[][] = [['--help'], ['help'], ['system', '--help'], ['volume', '-h'], ['help', 'volume'], ['ps', '--help'], ['volume', 'ls', '--help'], ['version', '--help'], ['info', '--help']];
  for (const args of cases) {
    it(`tsc-run ${args.join(' ')}`, async () => {
      const [ours, theirs] = await Promise.all([tscRun(args), podman(args)]);
      expect(theirs.exitCode).toBe(0);
      expect(ours.exitCode).toBe(0);
      expect(ours.stderr).toBe('');
      // podman lists examples where we may have none; every other section matches.
      const strip = (s: string[]) => s.filter((x) => x !== 'Examples:' && x !== 'Aliases:');
      expect(strip(sections(ours.stdout))).toEqual(strip(sections(theirs.stdout)));
      expect(ours.stdout).toMatch(/^Usage:\n {2}tsc-run /m);
    });
  }

  it('flag rows are aligned as pflag aligns them', async () => {
    const r = await tscRun(['volume', 'ls', '--help']);
    const rows = r.stdout.split('Options:\n')[1]!.split('\n').filter((l) => l.startsWith('  '));
    const cols = new Set(rows.map((l) => /^ {2}(?:-\w, | {4})--\S+(?: \S+)? +/.exec(l)![0].length));
    expect(cols.size).toBe(1);
    expect(rows.some((l) => /^ {2}-q, --quiet {2,}Print volume output in quiet mode$/.test(l))).toBe(true);
  });
});

describe('usage errors as podman', () => {
  const cases: string[][] = [[], ['system'], ['volume'], ['nosuch'], ['system', 'nosuch'], ['volume', 'nosuch'], ['ps', '--nosuch']];
  for (const args of cases) {
    it(`tsc-run ${args.join(' ')}`, async () => {
      const [ours, theirs] = await Promise.all([tscRun(args), podman(args)]);
      expect(ours.exitCode).toBe(theirs.exitCode);
      expect(ours.exitCode).toBe(125);
      const first = theirs.stderr.split('\n')[0]!.replace(/podman/g, 'tsc-run');
      // One error line (an unknown flag adds podman's See '... --help' line under it).
      expect(ours.stderr.split('\n').filter((l) => l && !/^See '[^']+ --help'$/.test(l))).toHaveLength(1);
      expect(ours.stderr.startsWith(first.replace(/`.*`/, '').split('`')[0]!.trim())).toBe(true);
      // A bare group (or the program) prints its help on stdout first, as podman.
      expect(ours.stdout === '').toBe(theirs.stdout === '');
    });
  }

  it('-h is --hostname where the command defines it, and a container command keeps --help', async () => {
    const r = await tscRun(['run', '--rm', 'nosuchimage:1', '--help']);
    expect(r.stdout).not.toContain('Usage:');
  });
});
