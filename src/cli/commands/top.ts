// `tsc-run top [options] CONTAINER [FORMAT-DESCRIPTORS...]`: the processes of
// a running container, ps-style (podman's psgo descriptors; default USER PID
// PPID %CPU ELAPSED TTY TIME COMMAND).

import type { CommandModule } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface TopArgs extends GlobalArgs {
  args?: string[];
  '--'?: string[];
  latest?: boolean;
  'list-descriptors'?: boolean;
}

export const topCommand: CommandModule<GlobalArgs, TopArgs> & { trailing: { positionalsBefore: number; valueFlags: string[]; targetFlags: string[] } } = {
  command: 'top [args..]',
  describe: 'Display the running processes of a container',
  // As podman (flags not interspersed): after the container, every word is a descriptor or a ps(1) argument (`top c -ef`).
  trailing: { positionalsBefore: 1, valueFlags: [], targetFlags: ['-l', '--latest'] },
  builder: (y) =>
    y
      .usage('Usage: tsc-run top [options] CONTAINER [FORMAT-DESCRIPTORS|ARGS...]\n\nDisplay the running processes of a container')
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      .option('list-descriptors', { type: 'boolean', hidden: true, describe: 'List the supported format descriptors' }),
  handler: async (argv) => {
    if (argv['list-descriptors']) {
      const { descriptorNames } = await import('../../runtime/top/top-descriptors.js');
      process.stdout.write(`${descriptorNames().join('\n')}\n`);
      return;
    }
    const args = [...(argv.args ?? []), ...(argv['--'] ?? [])].map(String);
    if (!args.length && !argv.latest) throw new UsageError('you must provide the name or id of a running container');
    const roots = rootsOf(argv);
    const { ContainerStore } = await import('../../storage/containers.js');
    const store = new ContainerStore(roots.dataRoot);
    let rec;
    let descriptors: string[];
    if (argv.latest) {
      const { lastCreated } = await import('../../runtime/views/ps-view.js');
      rec = lastCreated(await store.list(), 1)[0];
      if (!rec) throw new UsageError('no containers to show');
      descriptors = args;
    } else {
      const { NoSuchContainerError } = await import('../../storage/containers.js');
      rec = await store.lookup(args[0]!).catch((err: unknown) => {
        throw err instanceof NoSuchContainerError ? new TscRunError(`unable to look up requested container: ${err.message}`, undefined, { cause: err }) : err;
      });
      descriptors = args.slice(1);
    }
    const { containerTop } = await import('../../runtime/top/container-top.js');
    process.stdout.write(await containerTop(roots, rec, descriptors));
  },
};
