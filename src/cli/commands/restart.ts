// `tsc-run restart [options] CONTAINER...`: stop (if running) and start
// again; prints each container as given.

import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { parseTimeFlag } from './stop.js';

interface RestartArgs extends GlobalArgs {
  containers?: string[];
  cidfile?: string[];
  filter?: string[];
  all?: boolean;
  latest?: boolean;
  running?: boolean;
  time?: string;
}

export const restartCommand: CommandModule<GlobalArgs, RestartArgs> = {
  command: 'restart [containers..]',
  describe: 'Restart one or more containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run restart [options] CONTAINER [CONTAINER...]\n\nRestart one or more containers')
      .option('cidfile', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Read the container ID from the file' , ...({ goType: 'stringArray' } as object) })
      .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Filter output based on conditions given' })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Restart all containers' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      .option('running', { type: 'boolean', describe: 'Restart only running containers' })
      .option('time', { alias: 't', type: 'string', goType: 'uint', requiresArg: true, describe: 'Seconds to wait for stop before killing the container (default 10)' }),
  handler: async (argv) => {
    const time = parseTimeFlag(argv.time);
    const { checkTargetArgs, readCidFiles, resolveTargets, forEachTarget } = await import('../../runtime/container/container-targets.js');
    const names = [...(argv.containers ?? []).map(String), ...readCidFiles((argv.cidfile ?? []).map(String), false)];
    const { lifecycleContext } = await import('../../runtime/container/lifecycle-context.js');
    const { restartContainer } = await import('../../runtime/container/container-restart.js');
    const { liveRecord } = await import('../../runtime/container/container-observe.js');
    const { warn } = await import('../warn.js');
    checkTargetArgs(names, argv);
    const roots = rootsOf(argv);
    const ctx = lifecycleContext(roots, warn);
    let targets = await resolveTargets(ctx.store, names, { ...argv, runRoot: ctx.runRoot });
    if (argv.running) targets = targets.filter((t) => liveRecord(ctx.runRoot, t.rec).state.status === 'running');
    await forEachTarget(targets, async (t) => {
      await restartContainer(ctx, roots, t.rec.id, time);
      process.stdout.write(`${t.label}\n`);
    });
  },
};
