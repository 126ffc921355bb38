// `tsc-run rename CONTAINER NAME`.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface RenameArgs extends GlobalArgs {
  args?: string[];
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export const renameCommand: CommandModule<GlobalArgs, RenameArgs> = {
  command: 'rename [args..]',
  describe: 'Rename an existing container',
  builder: (y) => y.usage('Usage: tsc-run rename CONTAINER NAME\n\nRename an existing container'),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    if (args.length !== 2) throw new UsageError(`accepts 2 arg(s), received ${args.length}`);
    const [from, to] = args as [string, string];
    if (!NAME_RE.test(to)) throw new UsageError('names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument');
    const { ContainerStore } = await import('../../storage/containers.js');
    const store = new ContainerStore(rootsOf(argv).dataRoot);
    const rec = await store.lookup(from);
    const renamed = await store.rename(rec.id, to);
    const { emitContainer } = await import('../../events/emit.js');
    emitContainer(rootsOf(argv).dataRoot, renamed, 'rename');
  },
};
