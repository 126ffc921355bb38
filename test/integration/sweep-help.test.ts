// The container commands' --help option tables beside podman 4.3's on this
// machine: flag names, shorthands and pflag type words (stringArray, uint,
// [a-Z], choice). A type word is a promise about parsing: stringArray values
// are never split at commas. The refused commands (checkpoint, restore,
// clone, init) list no flags: whatever is given, they refuse with the reason.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess, STD_PATH, tscRun } from '../harness/index.js';

const hasPodman = fs.existsSync('/usr/bin/podman');
const podmanHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-sweep-help-'));
afterAll(() => fs.rmSync(podmanHome, { recursive: true, force: true }));

const COMMANDS = [
  'ps', 'logs', 'inspect', 'stop', 'kill', 'rm', 'wait', 'start', 'restart', 'attach', 'exec', 'cp', 'diff', 'export', 'commit', 'port', 'top',
  'stats', 'rename', 'mount', 'unmount', 'pause', 'unpause', 'container prune', 'container exists', 'container cleanup', 'container list',
];
const TYPE = /^(string|strings|stringArray|int|uint|float|duration|choice|[A-Z_:]+|\[a-Z\])$/;

/** `-s --name type` of each row of a help's Options: table. */
function flagRows(help: string): string[] {
  const opts = help.split('\nOptions:\n')[1] ?? '';
  return opts
    .split('\n')
    .filter((l) => /^ {2}(-\w, | {4})--/.test(l))
    .map((l) => {
      const m = /^ {2}(?:-(\w), | {4})--(\S+)(?: (\S+))?/.exec(l)!;
      const type = m[3] && TYPE.test(m[3]) ? m[3] : '';
      return `${m[1] ? `-${m[1]} ` : ''}--${m[2]} ${type}`.trim();
    });
}

describe.runIf(hasPodman)('container commands: --help option tables as podman 4.3', () => {
  it.each(COMMANDS)('%s', async (cmd) => {
    const words = cmd.split(' ');
    const env = { HOME: podmanHome, XDG_RUNTIME_DIR: podmanHome, PATH: STD_PATH, LANG: 'C.UTF-8' };
    const [ours, theirs] = await Promise.all([tscRun([...words, '--help']), runProcess('podman', [...words, '--help'], { env })]);
    expect(ours.exitCode, ours.stderr).toBe(0);
    expect(flagRows(ours.stdout)).toEqual(flagRows(theirs.stdout));
  });
});
