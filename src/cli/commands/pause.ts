// `tsc-run pause|unpause [options] CONTAINER...`: stop (and let go on) every
// process of running containers; `paused` shows in ps -a and inspect.
// Prints each container as given (full ids for -a/-l).

import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface PauseArgs extends GlobalArgs {
  containers?: string[];
  cidfile?: string[];
  all?: boolean;
  latest?: boolean;
  filter?: string[];
}

function pauseFamily(verb: 'pause' | 'unpause'): CommandModule<GlobalArgs, PauseArgs> {
  const pausing = verb === 'pause';
  const describe = pausing ? 'Pause all the processes in one or more containers' : 'Unpause the processes in one or more containers';
  return {
    command: `${verb} [containers..]`,
    describe,
    builder: (y) =>
      y
        .usage(`Usage: tsc-run ${verb} [options] CONTAINER [CONTAINER...]\n\n${describe}`)
        .option('all', { alias: 'a', type: 'boolean', describe: pausing ? 'Pause all running containers' : 'Unpause all paused containers' })
        .option('cidfile', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Read the container ID from the file' , ...({ goType: 'stringArray' } as object) })
        .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Filter output based on conditions given' })
        .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' }),
    handler: async (argv) => {
      const { checkTargetArgs, readCidFiles, resolveTargets, forEachTarget } = await import('../../runtime/container/container-targets.js');
      const { liveRecord } = await import('../../runtime/container/container-observe.js');
      const { pauseContainer, unpauseContainer } = await import('../../runtime/pause/container-pause.js');
      const { ContainerStore } = await import('../../storage/containers.js');
      const names = [...(argv.containers ?? []).map(String), ...readCidFiles((argv.cidfile ?? []).map(String), false)];
      checkTargetArgs(names, argv);
      const roots = rootsOf(argv);
      const store = new ContainerStore(roots.dataRoot);
      let targets = await resolveTargets(store, names, { ...argv, runRoot: roots.runRoot });
      // -a: the containers the verb applies to.
      if (argv.all) targets = targets.filter((t) => liveRecord(roots.runRoot, t.rec).state.status === (pausing ? 'running' : 'paused'));
      await forEachTarget(targets, async (t) => {
        await (pausing ? pauseContainer : unpauseContainer)(store, roots.runRoot, t.rec.id);
        process.stdout.write(`${t.label}\n`);
      });
    },
  };
}

export const pauseCommand = pauseFamily('pause');
export const unpauseCommand = pauseFamily('unpause');
