// Shell completion's pure parts: how the typed words are walked down the
// real command table, which flags are offered, image name forms, the
// directive names cobra prints, and paths merged from layer directories.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootInfo } from '../../../src/cli/main.js';
import type { CommandInfo } from '../../../src/cli/help/command-info.js';
import { argKinds, flagCandidates, planCompletion } from '../../../src/cli/completion/plan.js';
import { imageCandidates } from '../../../src/cli/completion/candidates.js';
import { directiveNames } from '../../../src/cli/completion/directive.js';
import { listRootPaths } from '../../../src/cli/completion/rootfs-paths.js';
import { completionScript, SHELLS } from '../../../src/cli/completion/scripts.js';

let root: CommandInfo;
beforeAll(async () => {
  root = await rootInfo();
});

describe('planCompletion', () => {
  it('names subcommands of the program and of a group', () => {
    const top = planCompletion(root, ['']);
    expect(top.kind).toBe('subcommands');
    const net = planCompletion(root, ['network', '']);
    expect(net.kind === 'subcommands' && net.node.path).toBe('tsc-run network');
  });

  it('skips global flags and their values on the way to the command', () => {
    const t = planCompletion(root, ['--root', '/x', '--log-level=debug', 'rm', '']);
    expect(t.kind).toBe('arg');
    if (t.kind === 'arg') expect([t.node.path, t.token, t.index]).toEqual(['tsc-run rm', expect.stringContaining('CONTAINER'), 0]);
  });

  it('offers flag names, and a flag value after a value flag (also --flag=)', () => {
    const flags = planCompletion(root, ['rm', '-a', '--']);
    expect(flags.kind).toBe('flags');
    if (flags.kind === 'flags') {
      const offered = flagCandidates(flags.node, '--', flags.given).map((c) => c.value);
      expect(offered).toContain('--force');
      expect(offered).not.toContain('--all'); // given already
      expect(offered.every((f) => f.startsWith('--'))).toBe(true);
    }
    const v = planCompletion(root, ['run', '--network', '']);
    expect(v.kind === 'flag-value' && v.flag.name).toBe('network');
    const eq = planCompletion(root, ['run', '--pull=mi']);
    expect(eq.kind === 'flag-value' && [eq.flag.name, eq.prefix, eq.toComplete]).toEqual(['pull', '--pull=', 'mi']);
    const compose = planCompletion(root, ['compose', '-f', 'a.yml', '--file=b.yml', '-pproj', 'up', '']);
    expect(compose.kind === 'arg' && [...compose.flagValues]).toEqual([['file', ['a.yml', 'b.yml']], ['project-name', ['proj']]]);
    expect(compose.kind === 'arg' && argKinds(compose.token, compose.node, compose.index, compose.args)).toEqual(['service']);
    const short = planCompletion(root, ['run', '-v', '']);
    expect(short.kind === 'flag-value' && short.flag.name).toBe('volume');
  });

  it('a single dash offers one-letter forms too; hidden flags never', () => {
    const t = planCompletion(root, ['ps', '-']);
    if (t.kind !== 'flags') throw new Error(t.kind);
    const offered = flagCandidates(t.node, '-', t.given).map((c) => c.value);
    expect(offered).toEqual(expect.arrayContaining(['--all', '-a', '--quiet', '-q']));
    expect(offered).not.toContain('--trunc');
  });

  it('after the image of run, words are the container\'s command, not flags', () => {
    const t = planCompletion(root, ['run', '--rm', 'img', '-']);
    expect(t.kind).toBe('arg');
    if (t.kind === 'arg') expect(argKinds(t.token, t.node, t.index, t.args)).toEqual(['image-path']);
    const dd = planCompletion(root, ['images', '--', '']);
    expect(dd.kind === 'arg' && argKinds(dd.token, dd.node, dd.index, dd.args)).toEqual(['image']);
  });

  it('classifies usage-line arguments, and nothing past the last one', () => {
    const kindsOf = (words: string[]) => {
      const t = planCompletion(root, words);
      return t.kind === 'arg' ? argKinds(t.token, t.node, t.index, t.args) : t.kind;
    };
    expect(kindsOf(['pod', 'rm', ''])).toEqual(['pod']);
    expect(kindsOf(['volume', 'inspect', 'a', ''])).toEqual(['volume']);
    expect(kindsOf(['cp', ''])).toEqual(['container-path']);
    expect(kindsOf(['rename', 'a', 'b', ''])).toEqual([]);
    expect(kindsOf(['help', ''])).toBe('subcommands');
  });
});

describe('candidates and output', () => {
  it('image names: full names with nothing typed; short forms and the ID once typed', () => {
    const imgs = [{ id: 'abcdef0123456789', names: ['localhost/app:1', 'quay.io/ns/tool:2'] }];
    expect(imageCandidates(imgs, '').map((c) => c.value)).toEqual(['localhost/app:1', 'quay.io/ns/tool:2']);
    expect(imageCandidates(imgs, 'a').map((c) => c.value)).toEqual(['app:1', 'app']);
    expect(imageCandidates(imgs, 'ab').map((c) => c.value)).toEqual(['abcdef012345']);
    expect(imageCandidates(imgs, 'ns/').map((c) => c.value)).toEqual(['ns/tool:2', 'ns/tool']);
  });

  it('directive names as cobra prints them', () => {
    expect(directiveNames(0)).toBe('ShellCompDirectiveDefault');
    expect(directiveNames(6)).toBe('ShellCompDirectiveNoSpace, ShellCompDirectiveNoFileComp');
  });

  it('every script calls __complete, or __completeNoDesc without descriptions', () => {
    for (const s of SHELLS) {
      expect(completionScript(s, 'tsc-run', true)).toContain(' __complete ');
      expect(completionScript(s, 'tsc-run', false)).toContain(' __completeNoDesc ');
    }
  });
});

describe('listRootPaths', () => {
  let tmp: string;
  let upper: string;
  let lower: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'compl-'));
    upper = path.join(tmp, 'upper');
    lower = path.join(tmp, 'lower');
    for (const d of ['etc/ssl', 'usr/lib/x', 'emptydir', 'root']) fs.mkdirSync(path.join(lower, d), { recursive: true });
    fs.writeFileSync(path.join(lower, 'etc/os-release'), '');
    fs.writeFileSync(path.join(lower, 'etc/gone'), '');
    fs.writeFileSync(path.join(lower, 'etc/.hidden'), '');
    fs.symlinkSync('usr/lib', path.join(lower, 'lib'));
    fs.symlinkSync('/usr/lib', path.join(lower, 'abs'));
    fs.mkdirSync(path.join(upper, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(upper, 'etc/new'), '');
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const layers = () => ({ dirs: [upper, lower] });

  it('merges the layers, marks directories, and opens a lone directory', async () => {
    expect(await listRootPaths(layers(), '')).toEqual(['/abs/', '/emptydir/', '/etc/', '/lib/', '/root/', '/usr/']);
    expect(await listRootPaths(layers(), '/etc')).toEqual(['/etc/', '/etc/gone', '/etc/new', '/etc/os-release', '/etc/ssl/']);
    expect(await listRootPaths(layers(), '/etc/os-')).toEqual(['/etc/os-release']);
    expect(await listRootPaths(layers(), '/etc/.')).toEqual(['/etc/.hidden']);
    expect(await listRootPaths(layers(), '/emptydir')).toEqual(['/emptydir/']);
  });

  it('resolves symlinks inside the root and never climbs above it', async () => {
    expect(await listRootPaths(layers(), '/lib/')).toEqual(['/lib/x/']);
    expect(await listRootPaths(layers(), '/abs/')).toEqual(['/abs/x/']);
    expect(await listRootPaths(layers(), '../../e')).toEqual(['../../emptydir/', '../../etc/']);
    fs.symlinkSync('../../../../../../../../', path.join(upper, 'up'));
    expect(await listRootPaths(layers(), '/up/r')).toEqual(['/up/root/']);
  });

  it.runIf(process.getuid?.() === 0)('a 0:0 character device in an upper layer hides the name below (needs root for mknod)', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('mknod', [path.join(upper, 'etc/gone'), 'c', '0', '0']);
    expect(await listRootPaths(layers(), '/etc/g')).toEqual([]);
  });
});
