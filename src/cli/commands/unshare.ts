// `tsc-run unshare [CMD...]`: podman unshare (src/runtime/userns/unshare.ts).

import type { CommandModule } from 'yargs';
import { ChildExit, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';

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
        describe: 'Join the rootless network namespace used for netavark networking (not supported)',
      }),
  handler: async (argv) => {
    if (argv['rootless-netns']) {
      throw new UsageError('--rootless-netns is not supported: tsc-run keeps no shared rootless network namespace');
    }
    const cmd = [...(argv.command ?? []), ...(argv['--'] ?? [])].map(String);
    const { runUnshare } = await import('../../runtime/userns/unshare.js');
    const code = await runUnshare(cmd);
    if (code !== 0) throw new ChildExit(code);
  },
};
