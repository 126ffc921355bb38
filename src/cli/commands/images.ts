// The image commands, podman's names and flags: `image ls|list`, `image
// inspect|history|tag|untag|rm|prune|exists` (and `image import|load|save`),
// with the top-level aliases `images`, `rmi`, `tag`, `untag`, `history`.
// To add an `image` subcommand (pull, push...), append its module to
// `imageSubcommands`.

import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { imageDiffCommand } from './diff.js';
import { importCommand } from './import.js';
import { loadCommand } from './load.js';
import { saveCommand } from './save.js';
import { buildCommand } from './build.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { imageSearchCommand } from './search.js';
import { imageTrustCommand } from './image-trust.js';
import { imageMountCommand, imageUnmountCommand } from './image-mount.js';
import { imageTreeCommand } from './image-tree.js';
import { refusedImageSubcommands } from './refused.js';

interface ListArgs extends GlobalArgs {
  image?: string;
  extra?: string[];
  all?: boolean;
  filter?: string[];
  format?: string;
  digests?: boolean;
  noheading?: boolean;
  'no-trunc'?: boolean;
  trunc?: boolean;
  quiet?: boolean;
  sort?: string;
  history?: boolean;
}

/** `--no-X` arrives as X=false (yargs' boolean negation), or as no-X when given as `--no-X=true`. */
function noTrunc(argv: { 'no-trunc'?: boolean; trunc?: boolean }): boolean {
  return argv['no-trunc'] === true || argv.trunc === false;
}

/** pflag's StringSlice: each value may hold several, comma-separated. */
function sliceValues(values: readonly unknown[] | undefined): string[] {
  return (values ?? []).flatMap((v) => String(v).split(',')).filter((v) => v !== '');
}

function listModule(command: string, aliases: string[]): CommandModule<GlobalArgs, ListArgs> {
  return {
    command: `${command} [image] [extra..]`,
    aliases,
    describe: 'List images in local storage',
    builder: (y) =>
      y
        .usage(`Usage: tsc-run ${command} [options] [IMAGE]\n\nLists images previously pulled to the system or created on the system.`)
        .positional('image', { type: 'string', describe: 'Show only images matching this reference' })
        .positional('extra', { type: 'string', array: true, hidden: true })
        .option('all', { alias: 'a', type: 'boolean', describe: 'Show all images (default hides intermediate images)' })
        .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Filter output based on conditions provided (default [])' })
        .option('format', { type: 'string', requiresArg: true, describe: 'Change the output format to JSON or a Go template' })
        .option('digests', { type: 'boolean', describe: 'Show digests' })
        .option('noheading', { alias: 'n', type: 'boolean', describe: 'Do not print column headings' })
        .option('no-trunc', { type: 'boolean', describe: 'Do not truncate output' })
        .option('trunc', { type: 'boolean', hidden: true }) // yargs reads --no-trunc as trunc=false
        .option('quiet', { alias: 'q', type: 'boolean', describe: 'Display only image IDs' })
        .option('sort', { type: 'string', requiresArg: true, describe: 'Sort by created, id, repository, size, tag' })
        .option('history', { type: 'boolean', describe: 'Display the image name history' }),
    handler: async (argv) => {
      const extra = argv.extra ?? [];
      if (extra.length) throw new UsageError(`accepts at most 1 arg(s), received ${extra.length + 1}`);
      const { listImages } = await import('../../image/list.js');
      process.stdout.write(
        await listImages({
          dataRoot: rootsOf(argv).dataRoot,
          image: argv.image === undefined ? undefined : String(argv.image),
          all: argv.all === true,
          filters: sliceValues(argv.filter),
          format: argv.format,
          quiet: argv.quiet === true,
          noTrunc: noTrunc(argv),
          digests: argv.digests === true,
          history: argv.history === true,
          noHeading: argv.noheading === true,
          sort: argv.sort,
        }),
      );
    },
  };
}

interface InspectArgs extends GlobalArgs {
  images?: string[];
  format?: string;
}

const inspectCommand: CommandModule<GlobalArgs, InspectArgs> = {
  command: 'inspect [images..]',
  describe: 'Display the configuration of an image',
  builder: (y) =>
    y
      .usage('Usage: tsc-run image inspect [options] IMAGE [IMAGE...]\n\nDisplays the low-level information of an image identified by name or ID.')
      .positional('images', { type: 'string', array: true })
      .option('format', { alias: 'f', type: 'string', requiresArg: true, describe: "Format the output to a Go template or json (default 'json')" }),
  handler: async (argv) => {
    const names = (argv.images ?? []).map(String);
    if (!names.length) throw new UsageError('no names or ids specified');
    const { inspectImages } = await import('../../image/inspect.js');
    const r = await inspectImages(rootsOf(argv).dataRoot, names, argv.format);
    process.stdout.write(r.text);
    if (r.error) throw r.error;
  },
};

interface HistoryArgs extends GlobalArgs {
  image?: string;
  extra?: string[];
  format?: string;
  human?: boolean;
  'no-trunc'?: boolean;
  trunc?: boolean;
  quiet?: boolean;
}

function historyModule(): CommandModule<GlobalArgs, HistoryArgs> {
  return {
    command: 'history [image] [extra..]',
    describe: 'Show history of a specified image',
    builder: (y) =>
      y
        .usage('Usage: tsc-run history [options] IMAGE\n\nDisplays the history of an image.')
        .positional('image', { type: 'string' })
        .positional('extra', { type: 'string', array: true, hidden: true })
        .option('format', { type: 'string', requiresArg: true, describe: 'Change the output to JSON or a Go template' })
        .option('human', { alias: 'H', type: 'boolean', default: true, describe: 'Display sizes and dates in human readable format' })
        .option('no-trunc', { alias: 'notruncate', type: 'boolean', describe: 'Do not truncate the output' })
        .option('trunc', { type: 'boolean', hidden: true })
        .option('quiet', { alias: 'q', type: 'boolean', describe: 'Display the numeric IDs only' }),
    handler: async (argv) => {
      const given = [argv.image, ...(argv.extra ?? [])].filter((a) => a !== undefined).length;
      if (given !== 1) throw new UsageError(`accepts 1 arg(s), received ${given}`);
      const { imageHistory } = await import('../../image/history.js');
      process.stdout.write(
        await imageHistory({
          dataRoot: rootsOf(argv).dataRoot,
          image: String(argv.image),
          format: argv.format,
          human: argv.human !== false,
          noTrunc: noTrunc(argv),
          quiet: argv.quiet === true,
        }),
      );
    },
  };
}

interface NamesArgs extends GlobalArgs {
  image?: string;
  names?: string[];
}

function namesPositionals(y: Argv<GlobalArgs>): Argv<NamesArgs> {
  return y.positional('image', { type: 'string' }).positional('names', { type: 'string', array: true });
}

const tagCommand: CommandModule<GlobalArgs, NamesArgs> = {
  command: 'tag [image] [names..]',
  describe: 'Add an additional name to a local image',
  builder: (y) => namesPositionals(y.usage('Usage: tsc-run tag IMAGE TARGET_NAME [TARGET_NAME...]\n\nAdds one or more additional names to locally-stored image.')),
  handler: async (argv) => {
    const names = (argv.names ?? []).map(String);
    const given = (argv.image === undefined ? 0 : 1) + names.length;
    if (given < 2) throw new UsageError(`requires at least 2 arg(s), only received ${given}`);
    const { tagImage } = await import('../../image/tag.js');
    await tagImage(rootsOf(argv).dataRoot, String(argv.image), names);
  },
};

const untagCommand: CommandModule<GlobalArgs, NamesArgs> = {
  command: 'untag [image] [names..]',
  describe: 'Remove a name from a local image',
  builder: (y) => namesPositionals(y.usage('Usage: tsc-run untag IMAGE [IMAGE...]\n\nRemoves one or more names from a locally-stored image.')),
  handler: async (argv) => {
    if (argv.image === undefined) throw new UsageError('requires at least 1 arg(s), only received 0');
    const { untagImage } = await import('../../image/tag.js');
    await untagImage(rootsOf(argv).dataRoot, String(argv.image), (argv.names ?? []).map(String));
  },
};

interface RmArgs extends GlobalArgs {
  images?: string[];
  all?: boolean;
  force?: boolean;
  ignore?: boolean;
  'no-prune'?: boolean;
  prune?: boolean;
}

function rmModule(command: string, aliases: string[]): CommandModule<GlobalArgs, RmArgs> {
  return {
    command: `${command} [images..]`,
    aliases,
    describe: 'Remove one or more images from local storage',
    builder: (y) =>
      y
        .usage(`Usage: tsc-run ${command === 'rm' ? 'image rm' : command} [options] IMAGE [IMAGE...]\n\nRemoves one or more previously pulled or locally created images.`)
        .positional('images', { type: 'string', array: true })
        .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all images' })
        .option('force', { alias: 'f', type: 'boolean', describe: 'Force Removal of the image' })
        .option('ignore', { alias: 'i', type: 'boolean', describe: 'Ignore errors if a specified image does not exist' })
        .option('no-prune', { type: 'boolean', describe: 'Do not remove dangling images' })
        .option('prune', { type: 'boolean', hidden: true }), // yargs reads --no-prune as prune=false
    handler: async (argv) => {
      const names = (argv.images ?? []).map(String);
      if (!names.length && !argv.all) throw new UsageError('image name or ID must be specified');
      if (names.length && argv.all) throw new UsageError('when using the --all switch, you may not pass any images names or IDs');
      const [{ runRmi }, { warn }] = await Promise.all([import('../../image/image-commands.js'), import('../warn.js')]);
      await runRmi(rootsOf(argv), {
        names,
        all: argv.all === true,
        force: argv.force === true,
        ignore: argv.ignore === true,
        noPrune: argv['no-prune'] === true || argv.prune === false,
      }, warn);
    },
  };
}

interface PruneArgs extends GlobalArgs {
  all?: boolean;
  external?: boolean;
  filter?: string[];
  force?: boolean;
}

const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune',
  describe: 'Remove unused images',
  builder: (y) =>
    y
      .usage('Usage: tsc-run image prune [options]\n\nRemoves dangling or unused images from local storage.')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all images not in use by containers, not just dangling ones' })
      .option('external', { type: 'boolean', describe: 'Remove images even when they are used by external containers (e.g., by build containers)' })
      .option('filter', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: "Provide filter values (e.g. 'label=<key>=<value>')" })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Do not prompt for confirmation' }),
  handler: async (argv) => {
    const [{ runImagePrune }, { warn }, { confirm }] = await Promise.all([
      import('../../image/image-commands.js'),
      import('../warn.js'),
      import('../prompt.js'),
    ]);
    await runImagePrune(rootsOf(argv), { all: argv.all === true, force: argv.force === true, filters: (argv.filter ?? []).map(String) }, warn, confirm);
  },
};

interface ExistsArgs extends GlobalArgs {
  image?: string;
  extra?: string[];
}

const existsCommand: CommandModule<GlobalArgs, ExistsArgs> = {
  command: 'exists [image] [extra..]',
  describe: 'Check if an image exists in local storage',
  builder: (y) =>
    y
      .usage('Usage: tsc-run image exists IMAGE\n\nIf the named image exists in local storage, exit 0; otherwise exit 1.')
      .positional('image', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true }),
  handler: async (argv) => {
    const given = [argv.image, ...(argv.extra ?? [])].filter((a) => a !== undefined).length;
    if (given !== 1) throw new UsageError(`accepts 1 arg(s), received ${given}`);
    const { imageExists } = await import('../../image/image-commands.js');
    if (!(await imageExists(rootsOf(argv).dataRoot, String(argv.image)))) process.exitCode = 1;
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- subcommands differ in their own argv types
export const imageSubcommands: Array<CommandModule<GlobalArgs, any>> = [
  listModule('list', ['ls']),
  inspectCommand,
  historyModule(),
  imageDiffCommand,
  tagCommand,
  untagCommand,
  rmModule('rm', []),
  pruneCommand,
  existsCommand,
  importCommand,
  loadCommand,
  saveCommand,
  buildCommand,
  pullCommand,
  pushCommand,
  imageSearchCommand,
  imageTreeCommand,
  imageTrustCommand,
  imageMountCommand,
  imageUnmountCommand,
  ...refusedImageSubcommands,
];

/** `image` alone, or a subcommand we do not have: podman's messages, exit 125. */
const unknownSubcommand: CommandModule<GlobalArgs, GlobalArgs & { subcommand?: string }> = {
  command: '* [subcommand]',
  describe: false,
  handler: (argv) => {
    const hint = "try 'tsc-run image --help' for more information";
    if (argv.subcommand === undefined) throw new UsageError(`missing command 'tsc-run image COMMAND'; ${hint}`);
    throw new UsageError(`unrecognized command \`tsc-run image ${argv.subcommand}\`; ${hint}`);
  },
};

export const imageCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'image',
  describe: 'Manage images',
  builder: (y) => y.command([...imageSubcommands, unknownSubcommand]),
  handler: () => {},
};

// Top-level aliases, as podman has them.
export const imagesCommand = listModule('images', []);
export const rmiCommand = rmModule('rmi', []);
export const historyCommand = historyModule();
export { tagCommand, untagCommand };
