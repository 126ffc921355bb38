import { describe, expect, it } from 'vitest';
import { flagSpellings, glueDashValues } from '../../../src/cli/dash-values.js';
import type { CommandInfo, OptionInfo } from '../../../src/cli/help/command-info.js';

const opt = (name: string, type: OptionInfo['type'], short?: string): OptionInfo => ({ name, type, array: false, aliases: short ? [short] : [], describe: '', hidden: false, ...(short ? { short } : {}) });
const node = (options: OptionInfo[]): CommandInfo => ({ name: 'x', aliases: [], path: 'tsc-run x', short: '', long: '', useLine: '', examples: [], options, subcommands: [], hidden: false });

describe('glueDashValues (pflag: the word after a value flag is its value)', () => {
  const s = flagSpellings(node([opt('signal', 'string', 's'), opt('pull', 'string'), opt('tag', 'array', 't'), opt('all', 'boolean', 'a')]), node([opt('log-level', 'string')]));
  it('glues a dash word that is no flag', () => {
    expect(glueDashValues(['kill', '-s', '-INT', 'c'], s)).toEqual(['kill', '--signal=-INT', 'c']);
    expect(glueDashValues(['kill', '--signal', '-SIGUSR1', 'c'], s)).toEqual(['kill', '--signal=-SIGUSR1', 'c']);
    expect(glueDashValues(['--log-level', '-x', 'ps'], s)).toEqual(['--log-level=-x', 'ps']);
  });
  it('leaves known flags, plain words, `-` and everything after `--` alone', () => {
    expect(glueDashValues(['build', '--pull', '-t', 'x', '.'], s)).toEqual(['build', '--pull', '-t', 'x', '.']);
    expect(glueDashValues(['build', '--pull', '--all'], s)).toEqual(['build', '--pull', '--all']);
    expect(glueDashValues(['build', '--pull', '-at'], s)).toEqual(['build', '--pull', '-at']);
    expect(glueDashValues(['kill', '-s', 'INT', 'c'], s)).toEqual(['kill', '-s', 'INT', 'c']);
    expect(glueDashValues(['x', '-t', '-'], s)).toEqual(['x', '-t', '-']);
    expect(glueDashValues(['run', 'img', '--', 'kill', '-s', '-INT'], s)).toEqual(['run', 'img', '--', 'kill', '-s', '-INT']);
  });
});
