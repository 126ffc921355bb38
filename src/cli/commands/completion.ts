// `tsc-run completion bash|zsh|fish|powershell`: the script a shell loads to
// complete tsc-run's commands, flags and the names of the user's containers,
// pods, images, networks, volumes and secrets. The scripts call the hidden
// `tsc-run __complete` (src/cli/completion/), whose output is cobra's, so
// podman's own completion tests run against it.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';

interface CompletionArgs extends GlobalArgs {
  shell?: string;
  extra?: string[];
  file?: string;
  'no-desc'?: boolean;
  desc?: boolean;
}

export const completionCommand: CommandModule<GlobalArgs, CompletionArgs> & { hidden: true } = {
  command: 'completion [shell] [extra..]',
  describe: 'Generate shell autocompletions',
  // podman 4.3 lists it neither in help nor in completions (cobra's default completion command, hidden).
  hidden: true,
  builder: (y) =>
    y
      .usage(
        'Usage: tsc-run completion [options] {bash|zsh|fish|powershell}\n\nGenerate shell autocompletions.\n  Valid arguments are bash, zsh, fish and powershell.\n  Each script says how to load it in its first lines.',
      )
      .example('tsc-run completion bash', '')
      .example('tsc-run completion zsh -f _tsc-run', '')
      .example('tsc-run completion fish --no-desc', '')
      .option('file', { alias: 'f', type: 'string', requiresArg: true, describe: 'Output the completion to file rather than stdout.' })
      .option('no-desc', { type: 'boolean', describe: "Don't include descriptions in the completion output." })
      .option('desc', { type: 'boolean', hidden: true }), // yargs reads --no-desc as desc=false
  handler: async (argv) => {
    const given = [argv.shell, ...(argv.extra ?? [])].filter((a): a is string => a !== undefined);
    if (given.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${given.length}`);
    const { SHELLS, completionScript } = await import('../completion/scripts.js');
    const shell = SHELLS.find((s) => s === given[0]);
    if (!shell) throw new UsageError(`invalid argument "${given[0]}" for "tsc-run completion"`);
    const text = completionScript(shell, 'tsc-run', !(argv['no-desc'] === true || argv.desc === false));
    if (argv.file === undefined || argv.file === '-') {
      process.stdout.write(text);
      return;
    }
    const { writeFileAtomic } = await import('../../storage/atomic-file.js');
    await writeFileAtomic(argv.file, text);
  },
};
