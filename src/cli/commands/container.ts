// `tsc-run container ...`: podman's container command family. run (and
// create, start, attach as they land) are the very modules of the top-level
// commands; the lifecycle commands are shared with their top-level names.
// To add one, append its module to `containerSubcommands`.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { attachCommand } from './attach.js';
import { cpCommand } from './cp.js';
import { createCommand } from './create.js';
import { commitCommand } from './commit.js';
import { containerDiffCommand } from './diff.js';
import { exportCommand } from './export.js';
import { containerMountCommand, containerUnmountCommand } from './mount.js';
import { containerInspectCommand } from './inspect.js';
import { killCommand } from './kill.js';
import { logsCommand } from './logs.js';
import { portCommand } from './port.js';
import { execCommand } from './exec.js';
import { pauseCommand, unpauseCommand } from './pause.js';
import { statsCommand } from './stats.js';
import { topCommand } from './top.js';
import { containerListCommand, containerPsCommand } from './ps.js';
import { refusedContainerSubcommands } from './refused.js';
import { runlabelCommand } from './runlabel.js';
import { renameCommand } from './rename.js';
import { restartCommand } from './restart.js';
import { rmCommand } from './rm.js';
import { runCommand } from './run.js';
import { startCommand } from './start.js';
import { stopCommand } from './stop.js';
import { updateCommand } from './update.js';
import { waitCommand } from './wait.js';

interface ExistsArgs extends GlobalArgs {
  args?: string[];
  external?: boolean;
}

/** `container exists NAME`: exit 0 if it exists, 1 if not; prints nothing. */
export const containerExistsCommand: CommandModule<GlobalArgs, ExistsArgs> = {
  command: 'exists [args..]',
  describe: 'Check if a container exists in local storage',
  builder: (y) =>
    y
      .usage('Usage: tsc-run container exists [options] CONTAINER')
      .option('external', { type: 'boolean', describe: 'Check external storage containers as well' }),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const { ContainerStore, NoSuchContainerError } = await import('../../storage/containers.js');
    try {
      await new ContainerStore(rootsOf(argv).dataRoot).lookup(args[0]!);
    } catch (err) {
      if (!(err instanceof NoSuchContainerError)) throw err;
      process.exitCode = 1;
    }
  },
};

interface PruneArgs extends GlobalArgs {
  filter?: string[];
  force?: boolean;
}

export const containerPruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune',
  describe: 'Remove all non running containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run container prune [options]\n\nRemove all non running containers')
      .option('filter', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: "Provide filter values (e.g. 'label=<key>=<value>')", ...({ goType: 'stringArray' } as object) })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Do not prompt for confirmation' }),
  handler: async (argv) => {
    const filters = (argv.filter ?? []).map(String);
    const { parsePsFilters } = await import('../../runtime/views/ps-filter.js');
    parsePsFilters(filters, ['label', 'until']);
    if (!argv.force && !(await (await import('../prompt.js')).confirm('WARNING! This will remove all non running containers.\nAre you sure you want to continue? [y/N] '))) return;
    const { pruneContainers } = await import('../../runtime/container/container-prune.js');
    const { lifecycleContext } = await import('../../runtime/container/lifecycle-context.js');
    const { warn } = await import('../warn.js');
    const r = await pruneContainers(lifecycleContext(rootsOf(argv), warn), filters);
    for (const id of r.removed) process.stdout.write(`${id}\n`);
    const { MultipleErrors, TscRunError } = await import('../../errors.js');
    const errors = r.errors.map((e) => (e instanceof TscRunError ? e : new TscRunError(e.message)));
    if (errors.length) throw errors.length === 1 ? errors[0]! : new MultipleErrors(errors);
  },
};

interface CleanupArgs extends GlobalArgs {
  containers?: string[];
  all?: boolean;
  latest?: boolean;
  rm?: boolean;
  rmi?: boolean;
  exec?: string;
}

/**
 * `container cleanup ID...`: what a detached monitor runs after its
 * container's final exit (hidden from --help): fold exit.json into the
 * record and remove --rm containers. Prints each container as given.
 */
export const containerCleanupCommand: CommandModule<GlobalArgs, CleanupArgs> = {
  command: 'cleanup [containers..]',
  describe: false,
  builder: (y) =>
    y
      .usage('Usage: tsc-run container cleanup [options] CONTAINER [CONTAINER...]\n\nCleans up mount points and network stacks on one or more containers from the host.')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Cleans up all containers' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      .option('rm', { type: 'boolean', describe: 'After cleanup, remove the container entirely' })
      .option('rmi', { type: 'boolean', describe: 'After cleanup, remove the image entirely' })
      .option('exec', { type: 'string', requiresArg: true, describe: 'Clean up the given exec session instead of the container' }),
  handler: async (argv) => {
    const names = (argv.containers ?? []).map(String);
    if (argv.exec !== undefined) {
      // A detached exec session's exit command (runtime/exec/exec-container.ts).
      if (argv.all) throw new UsageError('exec and all options conflict');
      if (argv.rmi) throw new UsageError('exec and rmi options conflict');
      if (names.length !== 1) throw new UsageError('you must provide exactly one container with --exec');
      const { ContainerStore } = await import('../../storage/containers.js');
      const { cleanupExecSession } = await import('../../runtime/exec/exec-container.js');
      const roots = rootsOf(argv);
      await cleanupExecSession(roots, await new ContainerStore(roots.dataRoot).lookup(names[0]!), argv.exec);
      return;
    }
    const { checkTargetArgs, resolveTargets, forEachTarget } = await import('../../runtime/container/container-targets.js');
    const { lifecycleContext } = await import('../../runtime/container/lifecycle-context.js');
    const { cleanupContainer } = await import('../../runtime/container/container-cleanup.js');
    const { warn } = await import('../warn.js');
    checkTargetArgs(names, argv);
    const ctx = lifecycleContext(rootsOf(argv), warn);
    const targets = await resolveTargets(ctx.store, names, argv);
    await forEachTarget(targets, async (t) => {
      await cleanupContainer(ctx, t.rec.id, { rm: argv.rm === true });
      if (argv.rmi && t.rec.image) {
        // As podman: the image by the name the container was made from, as `rmi NAME` would (in use: rmi's error).
        const { removeContainerImage } = await import('../../image/image-commands.js');
        await removeContainerImage(rootsOf(argv), t.rec.imageName || t.rec.image, warn).catch(async (err: unknown) => {
          const { logrusLine } = await import('../warn.js');
          process.stderr.write(logrusLine('error', `Removing image: ${(err as Error).message}`, { terminal: process.stderr.isTTY === true }));
          // podman's cleanup exits 125 whatever rmi's own code would be.
          const { TscRunError } = await import('../../errors.js');
          throw new TscRunError((err as Error).message);
        });
      }
      process.stdout.write(`${t.label}\n`);
    });
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- subcommands differ in their own argv types
export const containerSubcommands: Array<CommandModule<GlobalArgs, any>> = [
  runCommand,
  createCommand,
  startCommand,
  attachCommand,
  containerListCommand,
  containerPsCommand,
  cpCommand,
  containerDiffCommand,
  commitCommand,
  exportCommand,
  containerMountCommand,
  containerUnmountCommand,
  containerInspectCommand,
  stopCommand,
  updateCommand,
  killCommand,
  rmCommand,
  waitCommand,
  restartCommand,
  logsCommand,
  renameCommand,
  portCommand,
  execCommand,
  pauseCommand,
  unpauseCommand,
  topCommand,
  statsCommand,
  containerExistsCommand,
  containerPruneCommand,
  containerCleanupCommand,
  runlabelCommand,
  ...refusedContainerSubcommands,
];

/** `container` alone, or a subcommand we do not have: podman's messages, exit 125. */
const unknownSubcommand: CommandModule<GlobalArgs, GlobalArgs & { subcommand?: string }> = {
  command: '* [subcommand]',
  describe: false,
  handler: (argv) => {
    const hint = "try 'tsc-run container --help' for more information";
    if (argv.subcommand === undefined) throw new UsageError(`missing command 'tsc-run container COMMAND'; ${hint}`);
    throw new UsageError(`unrecognized command \`tsc-run container ${argv.subcommand}\`; ${hint}`);
  },
};

/** Subcommands whose last arguments are a container's command line (see index.ts). */
const trailing = [runCommand, createCommand, execCommand, runlabelCommand, topCommand].map((c) => ({ ...c.trailing, names: [`container ${String(c.command).split(' ')[0]}`] }));

export const containerCommand: CommandModule<GlobalArgs, GlobalArgs> & { trailing: typeof trailing } = {
  command: 'container',
  describe: 'Manage containers',
  builder: (y) => y.command([...containerSubcommands, unknownSubcommand]),
  handler: () => {},
  trailing,
};
