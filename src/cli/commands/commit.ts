// `tsc-run commit [options] CONTAINER [IMAGE]` (also `container commit`).

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface CommitArgs extends GlobalArgs {
  args?: string[];
  author?: string;
  change?: string[];
  format?: string;
  iidfile?: string;
  'include-volumes'?: boolean;
  message?: string;
  pause?: boolean;
  quiet?: boolean;
  squash?: boolean;
}

export const commitCommand: CommandModule<GlobalArgs, CommitArgs> = {
  command: 'commit [args..]',
  describe: 'Create new image based on the changed container',
  builder: (y) =>
    y
      .usage('Usage: tsc-run commit [options] CONTAINER [IMAGE]\n\nCreate an image from a container\'s changes. Optionally tag the image created, set the author with the --author flag, set the commit message with the --message flag, and make changes to the instructions with the --change flag.')
      .option('author', { alias: 'a', type: 'string', requiresArg: true, describe: 'Set the author for the image committed' })
      .option('change', {
        alias: 'c',
        type: 'string',
        array: true,
        nargs: 1,
        requiresArg: true,
        describe: 'Apply the following possible instructions to the created image (default []): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | VOLUME | WORKDIR',
        ...({ goType: 'stringArray' } as object),
      })
      .option('format', { alias: 'f', type: 'string', default: 'oci', requiresArg: true, describe: '`format` of the image manifest and metadata' })
      .option('iidfile', { type: 'string', requiresArg: true, describe: '`file` to write the image ID to' })
      .option('include-volumes', { type: 'boolean', describe: 'Include container volumes as image volumes' })
      .option('message', { alias: 'm', type: 'string', requiresArg: true, describe: 'Set commit message for imported image' })
      .option('pause', { alias: 'p', type: 'boolean', default: false, describe: 'Pause container during commit' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress output' })
      .option('squash', { alias: 's', type: 'boolean', describe: 'squash newly built layers into a single new layer' }),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    if (args.length < 1 || args.length > 2) throw new UsageError(`accepts between 1 and 2 arg(s), received ${args.length}`);
    if (argv.squash) throw new UsageError('--squash is not supported: a commit adds exactly one layer');
    const roots = rootsOf(argv);
    const [{ commitContainer }, { progressFor }, { deferredProgress }] = await Promise.all([
      import('../../container-fs/commit.js'),
      import('../ui/progress/select.js'),
      import('../progress.js'),
    ]);
    const progress = deferredProgress(() => progressFor({ quiet: argv.quiet === true }));
    const image = await commitContainer({
      roots,
      container: args[0]!,
      image: args[1],
      author: argv.author,
      message: argv.message,
      changes: (argv.change ?? []).map(String),
      pause: argv.pause === true,
      includeVolumes: argv['include-volumes'] === true,
      format: argv.format ?? 'oci',
      progress,
    }).finally(() => progress.close?.());
    if (argv.iidfile !== undefined) {
      const fs = await import('node:fs');
      fs.writeFileSync(argv.iidfile, image.id);
    }
    const { ContainerStore } = await import('../../storage/containers.js');
    const { emitContainer } = await import('../../events/emit.js');
    const rec = await new ContainerStore(roots.dataRoot).lookup(args[0]!);
    emitContainer(roots.dataRoot, rec, 'commit');
    process.stdout.write(`${image.id}\n`);
  },
};
