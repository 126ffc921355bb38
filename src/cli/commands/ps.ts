// `tsc-run ps` (also `container ls|list|ps`): podman's flags and output.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface PsArgs extends GlobalArgs {
  all?: boolean;
  external?: boolean;
  filter?: string[];
  format?: string;
  last?: number;
  latest?: boolean;
  'no-trunc'?: boolean;
  trunc?: boolean;
  noheading?: boolean;
  ns?: boolean;
  pod?: boolean;
  quiet?: boolean;
  size?: boolean;
  sort?: string;
  sync?: boolean;
  watch?: number;
}

const SORT_CHOICES = ['command', 'created', 'id', 'image', 'names', 'runningfor', 'size', 'status'];

function psModule(command: string, aliases: string[]): CommandModule<GlobalArgs, PsArgs> {
  return {
    command,
    aliases,
    describe: 'List containers',
    builder: (y) =>
      y
        .usage(`Usage: tsc-run ${command} [options]\n\nList containers`)
        .option('all', { alias: 'a', type: 'boolean', describe: 'Show all the containers, default is only running containers' })
        .option('external', { type: 'boolean', describe: 'Show containers in storage not controlled by tsc-run' })
        .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Filter output based on conditions given' })
        .option('format', { type: 'string', requiresArg: true, describe: 'Pretty-print containers to JSON or using a Go template' })
        .option('last', { alias: 'n', type: 'number', requiresArg: true, describe: 'Print the n last created containers (all states)' })
        .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
        .option('no-trunc', { type: 'boolean', describe: 'Display the extended information' })
        .option('trunc', { type: 'boolean', hidden: true }) // yargs reads --no-trunc as trunc=false
        .option('noheading', { type: 'boolean', describe: 'Do not print headers' })
        .option('ns', { type: 'boolean', describe: 'Display namespace information' })
        .option('pod', { alias: 'p', type: 'boolean', describe: 'Print the ID and name of the pod the containers are associated with' })
        .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print the numeric IDs of the containers only' })
        .option('size', { alias: 's', type: 'boolean', describe: 'Display the total file sizes' })
        .option('sort', { type: 'string', requiresArg: true, describe: `Sort output by: ${SORT_CHOICES.join(', ')}`, ...({ goType: 'choice' } as object) })
        .option('sync', { type: 'boolean', describe: 'Sync container state with OCI runtime (always done)' })
        .option('watch', { alias: 'w', type: 'string', requiresArg: true, describe: 'Watch the ps output on an interval in seconds', ...({ goType: 'uint' } as object) }) as never,
    handler: async (argv) => {
      const last = argv.last ?? -1;
      if (!Number.isInteger(last)) throw new UsageError(`invalid argument ${JSON.stringify(String(argv.last))} for "-n, --last" flag`);
      if (last >= 0 && argv.latest) throw new UsageError('last and latest are mutually exclusive');
      if (argv.quiet && (argv.size || argv.ns)) throw new UsageError('quiet conflicts with size and namespace');
      if (argv.size && argv.ns) throw new UsageError('size and namespace options conflict');
      if (argv.sort !== undefined && !SORT_CHOICES.includes(argv.sort)) {
        throw new UsageError(`invalid argument ${JSON.stringify(argv.sort)} for "--sort" flag: must be one of ${SORT_CHOICES.join(', ')}`);
      }
      const watchRaw = argv.watch === undefined ? '0' : String(argv.watch);
      if (!/^\d+$/.test(watchRaw)) throw new UsageError(`invalid argument ${JSON.stringify(watchRaw)} for "-w, --watch" flag: strconv.ParseUint: parsing ${JSON.stringify(watchRaw)}: invalid syntax`);
      const watch = Number(watchRaw);
      if (watch > 0 && argv.latest) throw new UsageError('the watch and latest flags cannot be used together');
      const { psText } = await import('../../runtime/views/container-list.js');
      const render = async () =>
        psText(rootsOf(argv), {
          all: argv.all === true,
          filters: (argv.filter ?? []).map(String),
          last,
          latest: argv.latest === true,
          noTrunc: argv['no-trunc'] === true || argv.trunc === false,
          quiet: argv.quiet === true,
          size: argv.size === true,
          format: argv.format,
          noHeading: argv.noheading === true,
          sort: argv.sort,
          pod: argv.pod === true,
          ns: argv.ns === true,
        });
      // --watch: podman clears the screen and prints the table again every N seconds until interrupted (not for JSON).
      if (watch > 0 && !(argv.format !== undefined && /^\s*json\s*$/i.test(argv.format))) {
        for (;;) {
          const text = await render();
          process.stdout.write(`\x1b[2J\x1b[1;1H${text}`);
          await new Promise((r) => setTimeout(r, watch * 1000));
        }
      }
      process.stdout.write(await render());
    },
  };
}

export const psCommand = psModule('ps', []);

/** `container list` (alias ls) and `container ps`: two commands in podman, one in effect. */
export const containerListCommand = psModule('list', ['ls']);
export const containerPsCommand = psModule('ps', []);
