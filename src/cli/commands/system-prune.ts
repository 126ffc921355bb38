// `tsc-run system prune`: stopped containers, then (with --volumes) unused
// volumes, then dangling images (-a: every image no container uses), in
// podman's order and with its headings and prompt. Networks join when the
// network commands land.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface PruneArgs extends GlobalArgs {
  all?: boolean;
  volumes?: boolean;
  force?: boolean;
  filter?: string[];
  extra?: string[];
}

/** podman's warning for system prune (cmd/podman/system/prune.go), without the lines for what we do not have. */
export function systemPrunePrompt(all: boolean, volumes: boolean): string {
  const lines = ['WARNING! This command removes:', '\t- all stopped containers', '\t- all networks not used by at least one container'];
  if (volumes) lines.push('\t- all volumes not used by at least one container');
  lines.push(all ? '\t- all images without at least one container associated with them' : '\t- all dangling images');
  return `${lines.join('\n')}\n\nAre you sure you want to continue? [y/N] `;
}

export const systemPruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune [extra..]',
  describe: 'Remove unused data',
  builder: (y) =>
    y
      .usage('Usage: tsc-run system prune [options]\n\nRemove unused data')
      .example('tsc-run system prune', '')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all unused data' })
      .option('filter', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: "Provide filter values (e.g. 'label=<key>=<value>')" })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Do not prompt for confirmation.  The default is false' })
      .option('volumes', { type: 'boolean', describe: 'Prune volumes' }),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError('`tsc-run system prune` takes no arguments');
    const filters = (argv.filter ?? []).map(String);
    // Checked before the question, so a bad filter never asks.
    const { parsePsFilters } = await import('../../runtime/views/ps-filter.js');
    parsePsFilters(filters, ['label', 'until']);
    if (!argv.force) {
      const { confirm } = await import('../prompt.js');
      if (!(await confirm(systemPrunePrompt(argv.all === true, argv.volumes === true)))) return;
    }
    const { runSystemPrune } = await import('./system-prune-run.js');
    await runSystemPrune(rootsOf(argv), { all: argv.all === true, volumes: argv.volumes === true, filters });
  },
};

interface ResetArgs extends GlobalArgs {
  force?: boolean;
  extra?: string[];
}

const RESET_PROMPT = `WARNING! This will remove:
        - all containers
        - all pods
        - all images
        - all networks
        - all build cache
        - all volumes
Are you sure you want to continue? [y/N] `;

export const systemResetCommand: CommandModule<GlobalArgs, ResetArgs> = {
  command: 'reset [extra..]',
  describe: 'Reset tsc-run storage',
  builder: (y) =>
    y
      .usage('Usage: tsc-run system reset [options]\n\nReset tsc-run storage back to default state\n\nAll containers will be stopped and removed, and all images, volumes, networks and container content will be removed.')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Do not prompt for confirmation' }),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError('`tsc-run system reset` takes no arguments');
    if (!argv.force) {
      const { confirm } = await import('../prompt.js');
      if (!(await confirm(RESET_PROMPT))) return;
    }
    const { runSystemReset } = await import('./system-reset-run.js');
    await runSystemReset(rootsOf(argv));
  },
};

interface MigrateArgs extends GlobalArgs {
  'new-runtime'?: string;
  extra?: string[];
}

/**
 * `system migrate`: podman restarts containers and its pause process after
 * an upgrade changed their format. Our records are read as they are and
 * there is no pause process, so there is nothing to move; the only runtime
 * a container can move to is the one it has.
 */
export const systemMigrateCommand: CommandModule<GlobalArgs, MigrateArgs> = {
  command: 'migrate [extra..]',
  describe: 'Migrate containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run system migrate [options]\n\nMigrate existing containers to a new version of tsc-run (nothing to migrate today).')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('new-runtime', { type: 'string', requiresArg: true, describe: 'Specify a new runtime for all containers' }),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError('`tsc-run system migrate` takes no arguments');
    if (argv['new-runtime'] !== undefined) {
      const { checkEngineFlags } = await import('../../host/engine-config.js');
      checkEngineFlags({ runtime: argv['new-runtime'] });
    }
  },
};

/** `system renumber`: podman reallocates its lock numbers; our locks are files named by what they guard. */
export const systemRenumberCommand: CommandModule<GlobalArgs, GlobalArgs & { extra?: string[] }> = {
  command: 'renumber [extra..]',
  describe: 'Migrate lock numbers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run system renumber\n\nMigrate lock numbers to handle a change in maximum number of locks (tsc-run locks are per object: nothing to renumber).')
      .positional('extra', { type: 'string', array: true, hidden: true }),
  handler: (argv) => {
    if (argv.extra?.length) throw new UsageError('`tsc-run system renumber` takes no arguments');
  },
};

interface CheckArgs extends GlobalArgs {
  repair?: boolean;
  quiet?: boolean;
  extra?: string[];
}

/** `system check [--repair]` (podman 5's, ours on top of 4.3): see system-check-run.ts. */
export const systemCheckCommand: CommandModule<GlobalArgs, CheckArgs> = {
  command: 'check [extra..]',
  describe: 'Check storage consistency',
  builder: (y) =>
    y
      .usage(
        'Usage: tsc-run system check [options]\n\nCheck storage for what a crash can leave: layers no image or container uses and unfinished unpacks, temp files of writes that never finished, containers recorded running whose monitor is gone, locks held by dead processes. With --repair, mend them.',
      )
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('repair', { alias: 'r', type: 'boolean', describe: 'Mend what is found: remove orphan layers and temp files, fold in dead containers\' exits, break stale locks' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print only what could not be repaired' }),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError('`tsc-run system check` takes no arguments');
    const { findProblems } = await import('./system-check-run.js');
    const { TscRunError } = await import('../../errors.js');
    const found = await findProblems(rootsOf(argv));
    const failed: string[] = [];
    for (const f of found) {
      let note = '';
      if (argv.repair) {
        try {
          await f.repair();
          note = ' (repaired)';
        } catch (err) {
          note = ` (not repaired: ${err instanceof Error ? err.message : String(err)})`;
          failed.push(f.what);
        }
      }
      if (!argv.quiet || note.startsWith(' (not')) process.stdout.write(`${f.kind}\t${f.what}\t${f.detail}${note}\n`);
    }
    if (found.length === 0 && !argv.quiet) process.stdout.write('No problems found\n');
    if (!argv.repair && found.length) throw new TscRunError(`${found.length} problem${found.length === 1 ? '' : 's'} found; \`tsc-run system check --repair\` mends them`);
    if (failed.length) throw new TscRunError(`${failed.length} problem${failed.length === 1 ? '' : 's'} could not be repaired`);
  },
};
