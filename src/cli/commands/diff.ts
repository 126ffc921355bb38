// `tsc-run diff CONTAINER|IMAGE [CONTAINER|IMAGE]`, `container diff`, `image diff`:
// A/C/D lines, or `--format json` (podman's keys, five-space indent).

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface DiffArgs extends GlobalArgs {
  args?: string[];
  format?: string;
  latest?: boolean;
}

type Kind = 'all' | 'container' | 'image';

function diffModule(kind: Kind): CommandModule<GlobalArgs, DiffArgs> {
  const what = kind === 'all' ? '{CONTAINER|IMAGE}' : kind.toUpperCase();
  const prog = kind === 'all' ? 'diff' : `${kind} diff`;
  return {
    command: 'diff [args..]',
    describe: kind === 'image' ? "Inspect changes to the image's file systems" : "Inspect changes to the container's file systems",
    builder: (y) => {
      const b = y
        .usage(`Usage: tsc-run ${prog} [options] ${what} [${what}]\n\nDisplays changes on a ${kind === 'all' ? 'container or image' : kind}'s filesystem.`)
        .option('format', { type: 'string', requiresArg: true, describe: "Change the output format (json)" });
      return kind === 'image' ? b : b.option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' });
    },
    handler: async (argv) => {
      const args = (argv.args ?? []).map(String);
      if (argv.latest && args.length) throw new UsageError('--latest and containers cannot be used together');
      if (!argv.latest && args.length === 0) {
        throw new UsageError(kind === 'image' ? `"tsc-run ${prog}" requires a name or id` : `"tsc-run ${prog}" requires a name, id, or the "--latest" flag`);
      }
      if (args.length > 2) throw new UsageError(`accepts between 1 and 2 arg(s), received ${args.length}`);
      const format = argv.format;
      const { isJsonFormat } = await import('../../format/is-json.js');
      if (format !== undefined && format !== '' && !isJsonFormat(format)) throw new UsageError("only supported value for '--format' is 'json'");
      const { diffTargets } = await import('../../container-fs/diff-targets.js');
      const changes = await diffTargets(rootsOf(argv), kind, argv.latest ? undefined : args[0]!, args[1]);
      if (format !== undefined && format !== '') {
        const { changesJson } = await import('../../container-fs/changes.js');
        process.stdout.write(`${JSON.stringify(changesJson(changes), null, 5)}\n`);
        return;
      }
      process.stdout.write(changes.map((c) => `${c.kind} ${c.path}\n`).join(''));
    },
  };
}

export const diffCommand = diffModule('all');
export const containerDiffCommand = diffModule('container');
export const imageDiffCommand = diffModule('image');
