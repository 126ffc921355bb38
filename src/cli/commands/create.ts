// `tsc-run create [options] IMAGE [COMMAND [ARG...]]`: store a new container
// (state created) and print its full id; `start` runs it.

import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { CREATE_VALUE_FLAGS, parseAttach, prepareCreate, withCreateFlags, writeCidfile, type CreateArgs } from './container-flags.js';

export const createCommand: CommandModule<GlobalArgs, CreateArgs> & {
  trailing: { positionalsBefore: number; valueFlags: string[] };
} = {
  command: 'create [image] [command..]',
  describe: 'Create but do not start a container',
  trailing: { positionalsBefore: 1, valueFlags: CREATE_VALUE_FLAGS },
  builder: (y) => withCreateFlags(y.usage('Usage: tsc-run create [options] IMAGE [COMMAND [ARG...]]\n\nCreate but do not start a container'), 'create'),
  handler: async (argv) => {
    const roots = rootsOf(argv);
    // -a: the streams a later `start --attach` carries (Docker's meaning; podman 4.3 drops them).
    const attach = parseAttach(argv.attach);
    const prepared = await prepareCreate(argv, roots, { detach: true });
    if (attach) prepared.config = { ...prepared.config, attach: (['stdin', 'stdout', 'stderr'] as const).filter((k) => attach[k]) };
    const { createContainer } = await import('../../runtime/container/container-create.js');
    const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
    const treeOps = helperTreeOps();
    const c = await createContainer({ ...prepared, dataRoot: roots.dataRoot, treeOps });
    await writeCidfile(prepared.cidfile, c.id);
    process.stdout.write(`${c.id}\n`);
  },
};
