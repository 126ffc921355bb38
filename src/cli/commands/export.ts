// `tsc-run export [-o FILE] CONTAINER` (also `container export`).

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface ExportArgs extends GlobalArgs {
  args?: string[];
  output?: string;
}

export const exportCommand: CommandModule<GlobalArgs, ExportArgs> = {
  command: 'export [args..]',
  describe: "Export a container's filesystem contents as a tar archive",
  builder: (y) =>
    y
      .usage("Usage: tsc-run export [options] CONTAINER\n\nExports container's filesystem contents as a tar archive and saves it on the local machine.")
      .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'Write to a specified file (default: stdout, which must be redirected)' }),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const { exportContainer } = await import('../../container-fs/export.js');
    await exportContainer({ roots: rootsOf(argv), container: args[0]!, output: argv.output, stdout: process.stdout });
  },
};
