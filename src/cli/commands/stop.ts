// `tsc-run stop [options] CONTAINER...`: the stop signal, up to -t seconds,
// then SIGKILL; prints each container as given (full ids with -a/-l).

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface StopArgs extends GlobalArgs {
  containers?: string[];
  cidfile?: string[];
  filter?: string[];
  all?: boolean;
  ignore?: boolean;
  latest?: boolean;
  time?: string;
}

/** -t/--time: pflag's uint, with its words for anything else (a sign, a fraction, text). */
export function parseTimeFlag(v: string | readonly string[] | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = String(Array.isArray(v) ? v[v.length - 1] : v); // given twice: the last, as pflag
  if (!/^\d+$/.test(s)) throw new UsageError(`invalid argument ${JSON.stringify(s)} for "-t, --time" flag: strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

export const stopCommand: CommandModule<GlobalArgs, StopArgs> = {
  command: 'stop [containers..]',
  describe: 'Stop one or more containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run stop [options] CONTAINER [CONTAINER...]\n\nStop one or more containers')
      .option('cidfile', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Read the container ID from the file' , ...({ goType: 'stringArray' } as object) })
      .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Filter output based on conditions given' })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Stop all running containers' })
      .option('ignore', { alias: 'i', type: 'boolean', describe: 'Ignore errors when a specified container is missing' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      // --timeout: podman's hidden other spelling (TimeoutAliasFlags), for stop only.
      .option('time', { alias: ['t', 'timeout'], type: 'string', goType: 'uint', requiresArg: true, describe: 'Seconds to wait for stop before killing the container (default 10)' }),
  handler: async (argv) => {
    const time = parseTimeFlag(argv.time);
    const { checkTargetArgs, readCidFiles, resolveTargets, forEachTarget } = await import('../../runtime/container/container-targets.js');
    const names = [...(argv.containers ?? []).map(String), ...readCidFiles((argv.cidfile ?? []).map(String), argv.ignore)];
    const { lifecycleContext } = await import('../../runtime/container/lifecycle-context.js');
    const { stopContainer } = await import('../../runtime/container/container-stop.js');
    const { warn } = await import('../warn.js');
    // Only --cidfile files that --ignore skipped: nothing to do.
    if (!names.length && argv.cidfile?.length) return;
    checkTargetArgs(names, argv);
    const ctx = lifecycleContext(rootsOf(argv), warn);
    const targets = await resolveTargets(ctx.store, names, { ...argv, runRoot: ctx.runRoot });
    await forEachTarget(targets, async (t) => {
      await stopContainer(ctx, t.rec.id, time);
      process.stdout.write(`${t.label}\n`);
    });
  },
};
