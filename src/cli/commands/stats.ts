// `tsc-run stats [options] [CONTAINER...]`: live resource use of containers
// (CPU, memory, network, block I/O, tasks) from /proc; streams every
// interval until Ctrl-C, --no-stream prints one reading.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface StatsArgs extends GlobalArgs {
  containers?: string[];
  all?: boolean;
  format?: string;
  latest?: boolean;
  'no-reset'?: boolean;
  'no-stream'?: boolean;
  'no-trunc'?: boolean;
  interval?: number;
}

export const statsCommand: CommandModule<GlobalArgs, StatsArgs> = {
  command: 'stats [containers..]',
  describe: 'Display a live stream of container resource usage statistics',
  builder: (y) =>
    y
      .usage('Usage: tsc-run stats [options] [CONTAINER...]\n\nDisplay percentage of CPU, memory, network I/O, block I/O and PIDs for one or more containers.')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Show all containers. Only running containers are shown by default. The default is false' })
      .option('format', { type: 'string', requiresArg: true, describe: 'Pretty-print container statistics to JSON or using a Go template' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      .option('no-reset', { type: 'boolean', describe: 'Disable resetting the screen between intervals' })
      .option('no-stream', { type: 'boolean', describe: 'Disable streaming stats and only pull the first result, default setting is false' })
      .option('no-trunc', { type: 'boolean', describe: 'Do not truncate output' })
      .option('interval', { alias: 'i', type: 'number', default: 5, requiresArg: true, describe: 'Time in seconds between stats reports' })
      // --no-stream, --no-reset and --no-trunc are flags of their own, not negations.
      .parserConfiguration({ 'boolean-negation': false }),
  handler: async (argv) => {
    const names = (argv.containers ?? []).map(String);
    const opts = [argv.all, argv.latest, names.length > 0].filter(Boolean).length;
    if (opts > 1) throw new UsageError('--all, --latest and containers cannot be used together');
    const interval = Number(argv.interval ?? 5);
    if (!Number.isInteger(interval) || interval < 1) throw new UsageError('invalid interval, must be a positive number greater zero');
    const roots = rootsOf(argv);
    const { ContainerStore } = await import('../../storage/containers.js');
    const store = new ContainerStore(roots.dataRoot);
    let ids: string[] | undefined;
    if (argv.latest) {
      const { lastCreated } = await import('../../runtime/views/ps-view.js');
      ids = lastCreated(await store.list(), 1).map((r) => r.id);
    } else if (names.length) {
      ids = [];
      for (const n of names) ids.push((await store.lookup(n)).id);
    }
    const { isJsonFormat } = await import('../../format/is-json.js');
    const { containerStats } = await import('../../runtime/stats/container-stats.js');
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await containerStats(roots, {
        ids,
        all: argv.all === true,
        stream: argv['no-stream'] !== true,
        intervalMs: interval * 1000,
        noReset: argv['no-reset'] === true,
        noTrunc: argv['no-trunc'] === true,
        format: argv.format !== undefined && !isJsonFormat(argv.format) ? argv.format : undefined,
        json: argv.format !== undefined && isJsonFormat(argv.format),
        write: (t) => process.stdout.write(t),
        signal: abort.signal,
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
