// `tsc-run port [-a] CONTAINER [PORT[/PROTO]]`: published ports.

import type { CommandModule } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface PortArgs extends GlobalArgs {
  args?: string[];
  all?: boolean;
  latest?: boolean;
}

export const portCommand: CommandModule<GlobalArgs, PortArgs> = {
  command: 'port [args..]',
  describe: 'List port mappings or a specific mapping for the container',
  builder: (y) =>
    y
      .usage('Usage: tsc-run port [options] CONTAINER [PORT]\n\nList port mappings or a specific mapping for the container')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Display port information for all containers' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' }),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    const { parsePortQuery, portLines } = await import('../../runtime/views/port-view.js');
    const { resolveTargets } = await import('../../runtime/container/container-targets.js');
    const { liveRecord } = await import('../../runtime/container/container-observe.js');
    const { ContainerStore } = await import('../../storage/containers.js');
    const roots = rootsOf(argv);
    const store = new ContainerStore(roots.dataRoot);
    let names: string[];
    let portArg: string | undefined;
    if (argv.all || argv.latest) {
      if (args.length > 1) throw new UsageError('the port number can only be given for one container');
      names = [];
      portArg = args[0];
    } else {
      if (!args.length) throw new UsageError('you must supply a running container name or id');
      if (args.length > 2) throw new UsageError(`accepts between 1 and 2 arg(s), received ${args.length}`);
      names = [args[0]!];
      portArg = args[1];
    }
    const query = portArg === undefined ? undefined : parsePortQuery(portArg);
    let targets = await resolveTargets(store, names, { all: argv.all, latest: argv.latest });
    // -a: the running containers (podman lists only those).
    if (argv.all) targets = targets.filter((t) => liveRecord(roots.runRoot, t.rec).state.status === 'running');
    for (const t of targets) {
      const { lines, found } = portLines(t.rec.config.ports ?? [], query, argv.all ? `${t.rec.id.slice(0, 12)}\t` : '');
      for (const l of lines) process.stdout.write(`${l}\n`);
      if (query && !found && !argv.all) throw new TscRunError(`failed to find published port ${JSON.stringify(portArg)}`);
    }
  },
};
