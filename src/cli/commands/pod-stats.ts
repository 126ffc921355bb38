// `tsc-run pod stats [options] [POD...]`: resource use of the containers of
// pods (src/pod/pod-stats.ts), every second until Ctrl-C, or once with
// --no-stream. No pod named: every pod, as podman.

import type { CommandModule } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface PodStatsArgs extends GlobalArgs {
  pods?: string[];
  all?: boolean;
  format?: string;
  latest?: boolean;
  'no-reset'?: boolean;
  'no-stream'?: boolean;
}

/** podman re-reads every second (it has no --interval here). */
const INTERVAL_MS = 1000;

export const podStatsCommand: CommandModule<GlobalArgs, PodStatsArgs> = {
  command: 'stats [pods..]',
  describe: 'Display a live stream of resource usage statistics for the containers in one or more pods',
  builder: (y) =>
    y
      .usage("Usage: tsc-run pod stats [options] [POD...]\n\nDisplay the containers' resource-usage statistics of one or more running pod")
      .option('all', { alias: 'a', type: 'boolean', describe: 'Provide stats for all pods' })
      .option('format', { type: 'string', requiresArg: true, describe: 'Pretty-print container statistics to JSON or using a Go template' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest pod tsc-run is aware of' })
      .option('no-reset', { type: 'boolean', describe: 'Disable resetting the screen when streaming' })
      .option('no-stream', { type: 'boolean', describe: 'Disable streaming stats and only pull the first result' })
      // --no-stream and --no-reset are flags of their own, not negations.
      .parserConfiguration({ 'boolean-negation': false }),
  handler: async (argv) => {
    const names = (argv.pods ?? []).map(String);
    if ([argv.all, argv.latest, names.length > 0].filter(Boolean).length > 1) throw new UsageError('--all, --latest and arguments cannot be used together');
    const roots = rootsOf(argv);
    const { resolvePods } = await import('../../pod/pod-lifecycle.js');
    const { podStatsReports, renderPodStats } = await import('../../pod/pod-stats.js');
    const { isJsonFormat } = await import('../../format/is-json.js');
    const json = argv.format !== undefined && isJsonFormat(argv.format);
    const format = argv.format !== undefined && !json ? argv.format : undefined;
    const pick = () => {
      try {
        return resolvePods(roots, names, { all: !argv.latest && names.length === 0, latest: argv.latest === true });
      } catch (err) {
        if (err instanceof TscRunError && !(err instanceof UsageError)) throw new TscRunError(`unable to get list of pods: ${err.message}`);
        throw err;
      }
    };
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      for (;;) {
        const text = renderPodStats(await podStatsReports(roots, pick()), { format, json });
        // podman 4.3 clears the screen before every table, --no-stream too, unless --no-reset.
        if (!json && !argv['no-reset']) process.stdout.write('\x1b[2J\x1b[1;1H');
        process.stdout.write(text);
        if (argv['no-stream']) return;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, INTERVAL_MS);
          abort.signal.addEventListener('abort', () => {
            clearTimeout(t);
            resolve();
          });
        });
        if (abort.signal.aborted) return;
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
