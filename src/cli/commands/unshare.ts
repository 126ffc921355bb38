// `tsc-run unshare [CMD...]`: podman unshare (src/runtime/userns/unshare.ts).

import type { CommandModule } from 'yargs';
import { ChildExit } from '../../errors.js';
import { rootsOf, type GlobalArgs } from '../global.js';

interface UnshareArgs extends GlobalArgs {
  command?: string[];
  '--'?: Array<string | number>;
  'rootless-netns'?: boolean;
}

export const unshareCommand: CommandModule<GlobalArgs, UnshareArgs> & {
  trailing: { positionalsBefore: number; valueFlags: string[] };
} = {
  command: 'unshare [command..]',
  describe: 'Run a command in a modified user namespace',
  trailing: { positionalsBefore: 0, valueFlags: [] },
  builder: (y) =>
    y
      .usage('Usage: tsc-run unshare [options] [COMMAND [ARG...]]\n\nRuns a command in a modified user namespace.')
      .positional('command', { type: 'string', array: true, describe: 'Command to run (default: $SHELL)' })
      .option('rootless-netns', {
        alias: 'rootless-cni',
        type: 'boolean',
        describe: 'Join the rootless network namespace used for CNI and netavark networking',
      }),
  handler: async (argv) => {
    const cmd = [...(argv.command ?? []), ...(argv['--'] ?? [])].map(String);
    const { runUnshare, runUnshareRootlessNetns } = await import('../../runtime/userns/unshare.js');
    const code = argv['rootless-netns'] ? await runUnshareRootlessNetns(rootsOf(argv), cmd) : await runUnshare(cmd);
    if (code !== 0) throw new ChildExit(code);
  },
};
