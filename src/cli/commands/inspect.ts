// `tsc-run inspect [--type T] NAME...` (containers and images) and
// `container inspect NAME...`: podman's JSON or a Go template per object.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface InspectArgs extends GlobalArgs {
  names?: string[];
  format?: string;
  latest?: boolean;
  size?: boolean;
  type?: string;
}

const TYPES = ['image', 'container', 'pod', 'network', 'volume', 'all'] as const;

function inspectModule(command: string, containersOnly: boolean): CommandModule<GlobalArgs, InspectArgs> {
  return {
    command,
    describe: containersOnly ? 'Display the configuration of a container' : 'Display the configuration of object denoted by ID',
    builder: (y) => {
      const b = y
        .usage(`Usage: tsc-run ${containersOnly ? 'container inspect [options] CONTAINER [CONTAINER...]' : 'inspect [options] {CONTAINER|IMAGE|POD|NETWORK|VOLUME} [...]'}`)
        .option('format', {
          alias: 'f',
          type: 'string',
          requiresArg: true,
          // A string flag given twice: the last one wins, as pflag (podman's 010-images.bats).
          coerce: (v: string | string[]) => (Array.isArray(v) ? v[v.length - 1]! : v),
          describe: 'Format the output to a Go template or json',
        })
        .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
        .option('size', { alias: 's', type: 'boolean', describe: 'Display total file size' });
      return containersOnly ? b : b.option('type', { alias: 't', type: 'string', requiresArg: true, default: 'all', describe: 'Specify inspect-object type' });
    },
    handler: async (argv) => {
      const names = (argv.names ?? []).map(String);
      const type = containersOnly ? 'container' : String(argv.type ?? 'all');
      if (!(TYPES as readonly string[]).includes(type)) {
        throw new UsageError(`invalid type ${JSON.stringify(type)}: must be "image", "container", "pod", "network", "volume", or "all"`);
      }
      if (!names.length && !argv.latest) throw new UsageError('no names or ids specified');
      if (names.length && argv.latest) throw new UsageError('--latest and containers cannot be used together');
      const { inspectText } = await import('../../runtime/views/container-inspect.js');
      const { ContainerStore } = await import('../../storage/containers.js');
      const roots = rootsOf(argv);
      const out = await inspectText(roots, new ContainerStore(roots.dataRoot), {
        names,
        type: type as (typeof TYPES)[number],
        format: argv.format,
        size: argv.size === true,
        latest: argv.latest === true,
      });
      process.stdout.write(out.text);
      if (out.error) throw out.error;
    },
  };
}

export const inspectCommand = inspectModule('inspect [names..]', false);
export const containerInspectCommand = inspectModule('inspect [names..]', true);
