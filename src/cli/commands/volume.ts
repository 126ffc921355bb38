// `tsc-run volume ...`: podman's volume command family (create, ls|list,
// inspect, rm|remove, prune, exists). The work is in src/volume/.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { commandGroup } from '../command-group.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import type { VolumeContext } from '../../volume/volume-commands.js';

/** pflag's StringSlice: each value may hold several, comma-separated. */
function sliceValues(values: readonly unknown[] | undefined): string[] {
  return (values ?? []).flatMap((v) => String(v).split(',')).filter((v) => v !== '');
}

const strings = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;

async function context(argv: GlobalArgs): Promise<VolumeContext> {
  const roots = rootsOf(argv);
  const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
  return {
    roots,
    treeOps: helperTreeOps,
    removeContainer: async (id, timeout) => {
      const { lifecycleContext } = await import('../../runtime/container/lifecycle-context.js');
      const { removeContainer } = await import('../../runtime/container/container-remove.js');
      const { warn } = await import('../warn.js');
      await removeContainer(lifecycleContext(roots, warn), id, { force: true, timeout });
    },
  };
}

function noExtra(cmd: string, extra: readonly unknown[] | undefined): void {
  if (extra?.length) throw new UsageError(`\`tsc-run volume ${cmd}\` takes no arguments`);
}

interface CreateArgs extends GlobalArgs {
  name?: string;
  extra?: string[];
  driver?: string;
  label?: string[];
  opt?: string[];
  ignore?: boolean;
}

const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create [name] [extra..]',
  describe: 'Create a new volume',
  builder: (y) =>
    y
      .usage('Usage: tsc-run volume create [options] [NAME]\n\nCreates a new volume. If using the default driver, "local", the volume will be created on the host in the volumes directory under container storage.')
      .positional('name', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('driver', { type: 'string', requiresArg: true, describe: 'Specify volume driver name (default "local")' })
      .option('label', { ...strings, alias: 'l', describe: 'Set metadata for a volume (default [])' })
      .option('opt', { ...strings, alias: 'o', describe: 'Set driver specific options (default [])' })
      .option('ignore', { type: 'boolean', describe: "Don't fail if volume already exists" }),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError(`accepts at most 1 arg(s), received ${argv.extra.length + 1}`);
    const { volumeCreate } = await import('../../volume/volume-commands.js');
    process.stdout.write(
      await volumeCreate(await context(argv), {
        name: argv.name === undefined ? undefined : String(argv.name),
        driver: argv.driver,
        labels: sliceValues(argv.label),
        opts: (argv.opt ?? []).map(String),
        ignore: argv.ignore === true,
      }),
    );
  },
};

interface ListArgs extends GlobalArgs {
  extra?: string[];
  filter?: string[];
  format?: string;
  noheading?: boolean;
  quiet?: boolean;
}

const listCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: 'ls [extra..]',
  aliases: ['list'],
  describe: 'List volumes',
  builder: (y) =>
    y
      .usage('Usage: tsc-run volume ls [options]\n\nList all available volumes. The output of the volumes can be filtered and the output format can be changed to JSON or a user specified Go template.')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('filter', { ...strings, alias: 'f', describe: 'Filter volume output' })
      .option('format', { type: 'string', requiresArg: true, describe: 'Format volume output using Go template' })
      .option('noheading', { type: 'boolean', describe: 'Do not print headers' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print volume output in quiet mode' }),
  handler: async (argv) => {
    noExtra('ls', argv.extra);
    const { volumeList } = await import('../../volume/volume-commands.js');
    process.stdout.write(
      await volumeList(await context(argv), {
        filters: sliceValues(argv.filter),
        format: argv.format,
        quiet: argv.quiet === true,
        noHeading: argv.noheading === true,
      }),
    );
  },
};

interface InspectArgs extends GlobalArgs {
  names?: string[];
  all?: boolean;
  format?: string;
}

const inspectCommand: CommandModule<GlobalArgs, InspectArgs> = {
  command: 'inspect [names..]',
  describe: 'Display detailed information on one or more volumes',
  builder: (y) =>
    y
      .usage('Usage: tsc-run volume inspect [options] VOLUME [VOLUME...]\n\nDisplay detailed information on one or more volumes.')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Inspect all volumes' })
      .option('format', { alias: 'f', type: 'string', requiresArg: true, describe: 'Format volume output using Go template (default "json")' }),
  handler: async (argv) => {
    const { volumeInspect } = await import('../../volume/volume-commands.js');
    const out = await volumeInspect(await context(argv), (argv.names ?? []).map(String), { all: argv.all === true, format: argv.format });
    process.stdout.write(out.text);
    if (out.error) throw out.error;
  },
};

interface RmArgs extends GlobalArgs {
  names?: string[];
  all?: boolean;
  force?: boolean;
  time?: number;
}

const rmCommand: CommandModule<GlobalArgs, RmArgs> = {
  command: 'rm [names..]',
  aliases: ['remove'],
  describe: 'Remove one or more volumes',
  builder: (y) =>
    y
      .usage('Usage: tsc-run volume rm [options] VOLUME [VOLUME...]\n\nRemove one or more existing volumes.')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all volumes' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Remove a volume by force, even if it is being used by a container' })
      .option('time', { alias: 't', type: 'number', requiresArg: true, describe: 'Seconds to wait for running containers to stop before killing the container (default 10)' }),
  handler: async (argv) => {
    const { volumeRemove } = await import('../../volume/volume-commands.js');
    await volumeRemove(
      await context(argv),
      (argv.names ?? []).map(String),
      { all: argv.all === true, force: argv.force === true, timeout: argv.time },
      (n) => process.stdout.write(`${n}\n`),
    );
  },
};

interface PruneArgs extends GlobalArgs {
  extra?: string[];
  filter?: string[];
  force?: boolean;
}

const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune [extra..]',
  describe: 'Remove all unused volumes',
  builder: (y) =>
    y
      .usage('Usage: tsc-run volume prune [options]\n\nVolumes that are not currently owned by a container will be removed.')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('filter', { ...strings, describe: "Provide filter values (e.g. 'label=<key>=<value>')" })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Do not prompt for confirmation' }),
  handler: async (argv) => {
    noExtra('prune', argv.extra);
    const { pruneCandidates, volumePrune } = await import('../../volume/volume-commands.js');
    const ctx = await context(argv);
    const names = await pruneCandidates(ctx, (argv.filter ?? []).map(String));
    if (!argv.force) {
      const list = names.map((n) => `${n}\n`).join('');
      const question = `WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:\n${list}Are you sure you want to continue? [y/N] `;
      if (!(await (await import('../prompt.js')).confirm(question))) return;
    }
    await volumePrune(ctx, names, (n) => process.stdout.write(`${n}\n`));
  },
};

interface ExistsArgs extends GlobalArgs {
  args?: string[];
}

const existsCommand: CommandModule<GlobalArgs, ExistsArgs> = {
  command: 'exists [args..]',
  describe: 'Volume exists',
  builder: (y) => y.usage('Usage: tsc-run volume exists VOLUME\n\nIf the named volume exists in local storage, podman volume exists exits with 0, otherwise the exit code will be 1.'),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const { volumeExists } = await import('../../volume/volume-commands.js');
    if (!(await volumeExists(await context(argv), args[0]!))) process.exitCode = 1;
  },
};

interface ArchiveArgs extends GlobalArgs {
  args?: string[];
  output?: string;
}

function exactArgs(args: readonly unknown[] | undefined, n: number): string[] {
  const a = (args ?? []).map(String);
  if (a.length !== n) throw new UsageError(`accepts ${n} arg(s), received ${a.length}`);
  return a;
}

const exportCommand: CommandModule<GlobalArgs, ArchiveArgs> = {
  command: 'export [args..]',
  describe: 'Export volumes',
  builder: (y) =>
    y
      .usage('Usage: tsc-run volume export [options] VOLUME\n\ntsc-run volume export\n\nAllow content of volume to be exported into external tar.')
      .example('tsc-run volume export myvol --output myvol.tar', '')
      .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'Write to a specified file (default: stdout, which must be redirected) (default "/dev/stdout")' }),
  handler: async (argv) => {
    const [name] = exactArgs(argv.args, 1);
    const { exportVolume } = await import('../../volume/volume-archive.js');
    await exportVolume(rootsOf(argv).dataRoot, name!, argv.output, process.stdout);
  },
};

interface ImportArgs extends GlobalArgs {
  volume?: string;
  source?: string;
  extra?: string[];
}

const importCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'import [volume] [source] [extra..]',
  describe: 'Import a tarball contents into a tsc-run volume',
  builder: (y) =>
    y
      .usage('Usage: tsc-run volume import VOLUME [SOURCE]\n\nImports contents into a tsc-run volume from specified tarball (.tar, .tar.gz, .tgz, .tar.zst, .tar.xz); - reads standard input.')
      .example('tsc-run volume import my_vol /home/user/import.tar', '')
      .example('cat ctr.tar | tsc-run volume import my_vol -', '')
      .positional('volume', { type: 'string' })
      .positional('source', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true })
      // yargs reads a lone `-` (standard input) as an empty flag unless told it takes one argument.
      .nargs('volume', 1)
      .nargs('source', 1),
  handler: async (argv) => {
    const args = [argv.volume, argv.source, ...(argv.extra ?? [])].filter((a) => a !== undefined).map(String);
    const [name, source] = exactArgs(args, 2);
    const { importVolume } = await import('../../volume/volume-archive.js');
    await importVolume(rootsOf(argv).dataRoot, name!, source!, process.stdin);
  },
};

const mountCommand: CommandModule<GlobalArgs, ArchiveArgs> = {
  command: 'mount [args..]',
  describe: 'Mount volume',
  builder: (y) =>
    y
      .usage('Usage: tsc-run volume mount NAME\n\nMount a volume and return the mountpoint (rootless: inside tsc-run unshare, as podman).')
      .example('tsc-run volume mount myvol', ''),
  handler: async (argv) => {
    const [name] = exactArgs(argv.args, 1);
    const { mountVolume } = await import('../../volume/volume-archive.js');
    process.stdout.write(`${await mountVolume(rootsOf(argv).dataRoot, name!)}\n`);
  },
};

const unmountCommand: CommandModule<GlobalArgs, ArchiveArgs> = {
  command: 'unmount [args..]',
  aliases: ['umount'],
  describe: 'Unmount volume',
  builder: (y) => y.usage('Usage: tsc-run volume unmount NAME\n\nUnmount a volume (a local volume without mount options is never mounted: nothing to do).').example('tsc-run volume unmount myvol', ''),
  handler: async (argv) => {
    const [name] = exactArgs(argv.args, 1);
    const { unmountVolume } = await import('../../volume/volume-archive.js');
    await unmountVolume(rootsOf(argv).dataRoot, name!);
  },
};

const reloadCommand: CommandModule<GlobalArgs, ArchiveArgs> = {
  command: 'reload [args..]',
  describe: 'reload all volumes from volume plugins',
  builder: (y) => y.usage('Usage: tsc-run volume reload\n\nCheck all configured volume plugins and update the libpod database with all available volumes (tsc-run has no volume plugins: nothing to reload).'),
  handler: (argv) => {
    exactArgs(argv.args, 0);
  },
};

export const volumeSubcommands = [createCommand, listCommand, inspectCommand, rmCommand, pruneCommand, existsCommand, exportCommand, importCommand, mountCommand, unmountCommand, reloadCommand];

export const volumeCommand = commandGroup({
  name: 'volume',
  describe: 'Manage volumes',
  long: 'Volumes are created in and can be shared between containers',
  subcommands: volumeSubcommands,
});
