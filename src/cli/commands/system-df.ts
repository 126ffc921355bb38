// `tsc-run system df`: podman's disk usage report (images, containers,
// local volumes), summary or -v, --format json or a Go template.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface DfArgs extends GlobalArgs {
  verbose?: boolean;
  format?: string;
  extra?: string[];
}

export const dfCommand: CommandModule<GlobalArgs, DfArgs> = {
  command: 'df [extra..]',
  describe: 'Show tsc-run disk usage',
  builder: (y) =>
    y
      .usage('Usage: tsc-run system df [options]\n\nShow tsc-run disk usage')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('verbose', { alias: 'v', type: 'boolean', describe: 'Show detailed information on disk usage' })
      .option('format', { type: 'string', requiresArg: true, describe: 'Pretty-print images using a Go template' }),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError(`\`tsc-run system df\` takes no arguments`);
    if (argv.format !== undefined && argv.verbose) throw new UsageError('cannot combine --format and --verbose flags');
    const { systemDf } = await import('../../image/df.js');
    process.stdout.write(await systemDf(rootsOf(argv), { format: argv.format, verbose: argv.verbose === true }));
  },
};
