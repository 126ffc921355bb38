// `tsc-run cp [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH` (also `container cp`).

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface CpArgs extends GlobalArgs {
  src?: string;
  dest?: string;
  extra?: string[];
  archive: boolean;
  overwrite?: boolean;
}

export const cpCommand: CommandModule<GlobalArgs, CpArgs> = {
  command: 'cp [src] [dest] [extra..]',
  describe: 'Copy files/folders between a container and the local filesystem',
  builder: (y) =>
    y
      .usage(
        'Usage: tsc-run cp [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH\n\n' +
          'Copy the contents of SRC_PATH to the DEST_PATH. "-" as SRC_PATH or DEST_PATH streams a tar archive from STDIN or to STDOUT.',
      )
      .positional('src', { type: 'string' })
      .positional('dest', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true })
      // yargs reads a lone `-` (a tar stream) as an empty flag unless told it takes one argument.
      .nargs('src', 1)
      .nargs('dest', 1)
      .option('archive', { alias: 'a', type: 'boolean', default: true, describe: 'Chown copied files to the primary uid/gid of the destination container.' })
      .option('overwrite', { type: 'boolean', describe: 'Allow to overwrite directories with non-directories and vice versa' })
      // podman's deprecated, hidden flags: accepted, no effect.
      .option('pause', { type: 'boolean', hidden: true })
      .option('extract', { type: 'boolean', hidden: true }),
  handler: async (argv) => {
    const args = [argv.src, argv.dest, ...(argv.extra ?? [])].filter((a) => a !== undefined).map(String);
    if (args.length !== 2) throw new UsageError(`accepts 2 arg(s), received ${args.length}`);
    const { copy } = await import('../../container-fs/cp.js');
    await copy({
      roots: rootsOf(argv),
      source: args[0]!,
      destination: args[1]!,
      archive: argv.archive,
      overwrite: argv.overwrite === true,
      stdin: process.stdin,
      stdout: process.stdout,
    });
  },
};
