// `tsc-run import [options] PATH [REFERENCE]`: a filesystem image from a
// tarball (file, URL or `-`), podman's flags, messages and output: copy
// progress on stderr, `sha256:<id>` on stdout.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface ImportArgs extends GlobalArgs {
  path?: string;
  reference?: string;
  extra?: string[];
  change?: string[];
  message?: string;
  quiet?: boolean;
  os?: string;
  arch?: string;
  variant?: string;
}

export const importCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'import [path] [reference] [extra..]',
  describe: 'Import a tarball to create a filesystem image',
  builder: (y) =>
    y
      .usage('Usage: tsc-run import [options] PATH [REFERENCE]\n\nCreate a container image from the contents of the specified tarball (.tar, .tar.gz, .tgz, .tar.zst).')
      .positional('path', { type: 'string', describe: 'Tarball: a file, an http(s) URL, or - for stdin' })
      .positional('reference', { type: 'string', describe: 'Name for the new image' })
      .positional('extra', { type: 'string', array: true, hidden: true })
      // yargs reads a lone `-` (stdin) as an empty flag unless told it takes one argument.
      .nargs('path', 1)
      .nargs('reference', 1)
      .option('change', {
        alias: 'c',
        type: 'string',
        array: true,
        nargs: 1, // one value per -c, so `-c X REF` leaves REF a positional
        requiresArg: true,
        describe: 'Apply the following possible instructions to the created image: CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | VOLUME | WORKDIR',
      })
      .option('message', { alias: 'm', type: 'string', requiresArg: true, describe: 'Set commit message for imported image' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress output' })
      .option('os', { type: 'string', requiresArg: true, describe: 'Set the OS of the imported image' })
      .option('arch', { type: 'string', requiresArg: true, describe: 'Set the architecture of the imported image' })
      .option('variant', { type: 'string', requiresArg: true, describe: 'Set the variant of the imported image' })
      .example('tsc-run import https://example.com/ctr.tar url-image', '')
      .example('cat ctr.tar | tsc-run import -q --message "importing ctr.tar" - image-imported', ''),
  handler: async (argv) => {
    const given = [argv.path, argv.reference, ...(argv.extra ?? [])].filter((a) => a !== undefined).length;
    if (given < 1 || given > 2) throw new UsageError(`accepts between 1 and 2 arg(s), received ${given}`);
    const [{ importImage }, { progressFor }] = await Promise.all([import('../../image/import.js'), import('../ui/progress/select.js')]);
    const { deferredProgress } = await import('../progress.js');
    const progress = deferredProgress(() => progressFor({ quiet: argv.quiet === true }));
    const image = await importImage({
      dataRoot: rootsOf(argv).dataRoot,
      source: String(argv.path),
      reference: argv.reference,
      changes: (argv.change ?? []).map(String),
      message: argv.message,
      os: argv.os,
      arch: argv.arch,
      variant: argv.variant,
      progress,
    }).finally(() => progress.close?.());
    const { emitImage } = await import('../../events/emit.js');
    emitImage(rootsOf(argv).dataRoot, 'import', image.id, image.names[0] ?? '');
    process.stdout.write(`sha256:${image.id}\n`);
  },
};
