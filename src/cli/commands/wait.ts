// `tsc-run wait [--condition STATE] CONTAINER...`: block until each
// container stops (or reaches STATE) and print its exit code (-1 for a
// state condition), as podman 4.3.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface WaitArgs extends GlobalArgs {
  containers?: string[];
  condition?: string[];
  interval?: string;
  latest?: boolean;
}

export const waitCommand: CommandModule<GlobalArgs, WaitArgs> = {
  command: 'wait [containers..]',
  describe: 'Block on one or more containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run wait [options] CONTAINER [CONTAINER...]\n\nBlock until one or more containers stop and then print their exit codes')
      .option('condition', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Condition to wait on' })
      .option('interval', { alias: 'i', type: 'string', requiresArg: true, default: '250ms', describe: 'Time Interval to wait before polling for completion' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' }),
  handler: async (argv) => {
    const names = (argv.containers ?? []).map(String);
    if (!names.length && !argv.latest) throw new UsageError('"tsc-run wait" requires a name, id, or the "--latest" flag');
    if (names.length && argv.latest) throw new UsageError('--latest and containers cannot be used together');
    const { parseConditions, waitContainer } = await import('../../runtime/container/container-wait.js');
    const { parseGoDuration } = await import('../../format/time-input.js');
    const conditions = parseConditions((argv.condition ?? []).map(String));
    const ns = parseGoDuration(String(argv.interval ?? '250ms'));
    if (ns === undefined || ns <= 0) throw new UsageError(`invalid interval ${JSON.stringify(argv.interval)}: must be a positive duration such as 250ms`);
    const { resolveTargets } = await import('../../runtime/container/container-targets.js');
    const { lifecycleContext } = await import('../../runtime/container/lifecycle-context.js');
    const { warn } = await import('../warn.js');
    const ctx = lifecycleContext(rootsOf(argv), warn);
    const targets = await resolveTargets(ctx.store, names, { latest: argv.latest });
    for (const t of targets) {
      const code = await waitContainer(ctx.store, ctx.runRoot, t.rec.id, conditions, ns / 1e6);
      process.stdout.write(`${code}\n`);
    }
  },
};
