// `tsc-run logs [options] CONTAINER...`: the container's log, each record to
// the stream it came from; -f follows until the container stops.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface LogsArgs extends GlobalArgs {
  containers?: string[];
  follow?: boolean;
  latest?: boolean;
  names?: boolean;
  since?: string;
  until?: string;
  tail?: number;
  timestamps?: boolean;
  color?: boolean;
}

export const logsCommand: CommandModule<GlobalArgs, LogsArgs> = {
  command: 'logs [containers..]',
  describe: 'Fetch the logs of one or more containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run logs [options] CONTAINER [CONTAINER...]\n\nFetch the logs of one or more containers')
      .option('follow', { alias: 'f', type: 'boolean', describe: 'Follow log output' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      .option('names', { alias: 'n', type: 'boolean', describe: 'Output the container name in the log' })
      .option('since', { type: 'string', requiresArg: true, describe: 'Show logs since TIMESTAMP' })
      .option('until', { type: 'string', requiresArg: true, describe: 'Show logs until TIMESTAMP' })
      .option('tail', { type: 'number', requiresArg: true, describe: 'Output the specified number of LINES at the end of the logs (default -1: all)' })
      .option('timestamps', { alias: 't', type: 'boolean', describe: 'Output the timestamps in the log' })
      .option('color', { type: 'boolean', describe: 'Output the containers with different colors in the log' }),
  handler: async (argv) => {
    const names = (argv.containers ?? []).map(String);
    if (!names.length && !argv.latest) throw new UsageError('specify at least one container name or ID to log');
    if (names.length && argv.latest) throw new UsageError('--latest and containers cannot be used together');
    if (argv.tail !== undefined && !Number.isInteger(argv.tail)) throw new UsageError(`invalid argument ${JSON.stringify(String(argv.tail))} for "--tail" flag`);
    const { parseInputTime } = await import('../../format/time-input.js');
    const since = argv.since === undefined ? undefined : parseInputTime(argv.since, true);
    const until = argv.until === undefined ? undefined : parseInputTime(argv.until, false);
    const { resolveTargets } = await import('../../runtime/container/container-targets.js');
    const { printLogs } = await import('../../runtime/monitor/log-reader.js');
    const { ContainerStore } = await import('../../storage/containers.js');
    const roots = rootsOf(argv);
    const ctx = { store: new ContainerStore(roots.dataRoot), dataRoot: roots.dataRoot, runRoot: roots.runRoot };
    const targets = await resolveTargets(ctx.store, names, { latest: argv.latest });
    const sinks = { stdout: (b: Buffer) => process.stdout.write(b), stderr: (b: Buffer) => process.stderr.write(b) };
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      // podman: with several containers every line says whose it is (--names: the name, else the short id).
      const prefix = (rec: (typeof targets)[number]['rec']) => (targets.length < 2 ? undefined : argv.names ? rec.name : rec.id.slice(0, 12));
      const run = (t: (typeof targets)[number]) =>
        printLogs(ctx, t.rec, { follow: argv.follow === true, since, until, tail: argv.tail, timestamps: argv.timestamps === true, name: prefix(t.rec) }, sinks, abort.signal);
      // Following several containers interleaves them as they write; otherwise one after another.
      if (argv.follow) await Promise.all(targets.map(run));
      else for (const t of targets) await run(t);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
