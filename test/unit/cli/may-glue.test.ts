// main() skips dash-values.js and the flag table unless glueDashValues
// could change the command line: the precheck must never say no where the
// glue would act. Checked against the glue itself on every line of up to 4
// words drawn from dash words, plain words and `--`, with a flag table in
// which every dash word is a value flag (the glue's widest case).

import { describe, expect, it } from 'vitest';
import { flagSpellings, glueDashValues } from '../../../src/cli/dash-values.js';
import type { CommandInfo, OptionInfo } from '../../../src/cli/help/command-info.js';
import { mayGlueDashValue } from '../../../src/cli/main.js';

const opt = (name: string, type: OptionInfo['type'], short?: string): OptionInfo => ({ name, type, array: false, aliases: short ? [short] : [], describe: '', hidden: false, ...(short ? { short } : {}) });
const node = (options: OptionInfo[]): CommandInfo => ({ name: 'x', aliases: [], path: 'tsc-run x', short: '', long: '', useLine: '', examples: [], options, subcommands: [], hidden: false });

describe('mayGlueDashValue', () => {
  it('is true wherever glueDashValues changes the line', () => {
    const s = flagSpellings(node([opt('signal', 'string', 's'), opt('name', 'string')]));
    const words = ['-s', '--signal', '--name', '-INT', '-x', '--zz', '-', '--', 'c', 'run'];
    let lines: string[][] = [[]];
    let changed = 0;
    for (let len = 1; len <= 4; len++) {
      lines = lines.flatMap((l) => words.map((w) => [...l, w]));
      for (const argv of lines) {
        const glued = glueDashValues(argv, s);
        if (glued.join('\0') !== argv.join('\0')) {
          changed++;
          expect(mayGlueDashValue(argv), argv.join(' ')).toBe(true);
        }
      }
    }
    expect(changed).toBeGreaterThan(100);
  });
  it('is false for everyday lines', () => {
    for (const l of [['ps', '-a'], ['run', '--rm', 'img', 'true'], ['run', 'img', '--', 'kill', '-s', '-INT'], ['images'], ['stop', '-t', '0', 'c']]) expect(mayGlueDashValue(l), l.join(' ')).toBe(false);
    expect(mayGlueDashValue(['kill', '-s', '-INT', 'c'])).toBe(true);
  });
});
