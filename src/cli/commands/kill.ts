// `tsc-run kill [-s SIGNAL] CONTAINER...`: signal running containers
// (default SIGKILL); prints each as given.

import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface KillArgs extends GlobalArgs {
  containers?: string[];
  cidfile?: string[];
  all?: boolean;
  latest?: boolean;
  signal?: string;
}

export const killCommand: CommandModule<GlobalArgs, KillArgs> = {
  command: 'kill [containers..]',
  describe: 'Kill one or more running containers with a specific signal',
  builder: (y) =>
    y
      .usage('Usage: tsc-run kill [options] CONTAINER [CONTAINER...]\n\nKill one or more running containers with a specific signal')
      .option('cidfile', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Read the container ID from the file' , ...({ goType: 'stringArray' } as object) })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Signal all running containers' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      .option('signal', { alias: 's', type: 'string', requiresArg: true, default: 'KILL', describe: 'Signal to send to the container' }),
  handler: async (argv) => {
    const { parseKillSignal } = await import('../../runtime/container/container-signal.js');
    const signo = parseKillSignal(String(argv.signal ?? 'KILL'));
    const { checkTargetArgs, readCidFiles, resolveTargets, forEachTarget } = await import('../../runtime/container/container-targets.js');
    const names = [...(argv.containers ?? []).map(String), ...readCidFiles((argv.cidfile ?? []).map(String), false)];
    const { lifecycleContext } = await import('../../runtime/container/lifecycle-context.js');
    const { killContainer } = await import('../../runtime/container/container-kill.js');
    const { liveRecord } = await import('../../runtime/container/container-observe.js');
    const { warn } = await import('../warn.js');
    checkTargetArgs(names, argv);
    const ctx = lifecycleContext(rootsOf(argv), warn);
    let targets = await resolveTargets(ctx.store, names, argv);
    // -a: the running ones only.
    if (argv.all) targets = targets.filter((t) => liveRecord(ctx.runRoot, t.rec).state.status === 'running');
    await forEachTarget(targets, async (t) => {
      await killContainer(ctx.store, ctx.runRoot, t.rec.id, signo);
      process.stdout.write(`${t.label}\n`);
    });
  },
};
