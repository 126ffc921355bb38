// `tsc-run run [options] IMAGE [COMMAND [ARG...]]`: create a container and
// run it under its monitor: in the foreground (our stdio is the container's,
// exit code = the container's; -i streams stdin, -t gives it a pty and our
// terminal goes raw; ctrl-p ctrl-q detaches) or with -d detached (prints
// the full id; the container outlives us). podman's 125/126/127 for
// failures of the engine or the command.

import type { CommandModule } from 'yargs';
import { ChildExit } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { CREATE_VALUE_FLAGS, prepareCreate, withCreateFlags, writeCidfile, type CreateArgs } from './container-flags.js';

export const runCommand: CommandModule<GlobalArgs, CreateArgs> & {
  trailing: { positionalsBefore: number; valueFlags: string[] };
} = {
  command: 'run [image] [command..]',
  describe: 'Run a command in a new container',
  trailing: { positionalsBefore: 1, valueFlags: CREATE_VALUE_FLAGS },
  builder: (y) =>
    withCreateFlags(y.usage('Usage: tsc-run run [options] IMAGE [COMMAND [ARG...]]\n\nRun a command in a new container'), 'run') as never,
  handler: async (argv) => {
    const roots = rootsOf(argv);
    const prepared = await prepareCreate(argv, roots, { detach: argv.detach === true });
    const onCreate = async (c: { id: string }) => writeCidfile(prepared.cidfile, c.id);
    if (argv.detach) {
      const { runDetached } = await import('../../runtime/container/run-detached.js');
      const c = await runDetached({ ...prepared, onCreate });
      process.stdout.write(`${c.id}\n`);
      return;
    }
    const { runForeground } = await import('../../runtime/container/run-foreground.js');
    const code = await runForeground({ ...prepared, sigProxy: argv['sig-proxy'] !== false, onCreate });
    if (code !== 0) throw new ChildExit(code);
  },
};
