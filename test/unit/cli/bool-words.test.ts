// pflag's bool words (strconv.ParseBool) read before yargs: `--rm=1` is true.

import { beforeAll, describe, expect, it } from 'vitest';
import { rootInfo } from '../../../src/cli/main.js';
import type { CommandInfo } from '../../../src/cli/help/command-info.js';
import { mayHaveBoolWord, pflagBoolWords } from '../../../src/cli/bool-words.js';

let root: CommandInfo;
let run: CommandInfo;
beforeAll(async () => {
  root = await rootInfo();
  run = root.subcommands.find((c) => c.name === 'run')!;
});

describe('pflag bool words', () => {
  it('rewrites 1/t/T/TRUE/True and 0/f/F/FALSE/False for bool flags only', () => {
    const r = pflagBoolWords(['run', '--rm=1', '-i=T', '--tty=False', '--name=1', '--noout=t', 'img'], root, run);
    expect(r).toEqual({ argv: ['run', '--rm=true', '-i=true', '--tty=false', '--name=1', '--noout=true', 'img'] });
  });

  it('leaves a container\'s command line alone and refuses words pflag refuses', () => {
    expect(pflagBoolWords(['run', 'img', '--', '--rm=yes'], root, run)).toEqual({ argv: ['run', 'img', '--', '--rm=yes'] });
    expect(pflagBoolWords(['run', '--rm=yes', '--tty=no', 'img'], root, run).invalid).toEqual({ flag: '--rm', value: 'yes' });
  });

  it('is needed only when a --flag=WORD other than true/false comes before --', () => {
    expect(mayHaveBoolWord(['run', '--rm', '--name=x', 'img'])).toBe(true);
    expect(mayHaveBoolWord(['run', '--rm=true', 'img', '--', '--x=1'])).toBe(false);
    expect(mayHaveBoolWord(['ps', '-a'])).toBe(false);
  });
});
