// `tsc-run mount [CONTAINER...]` and `unmount`/`umount CONTAINER...` (also
// under `container`): inside `tsc-run unshare` when rootless, as podman.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface MountArgs extends GlobalArgs {
  containers?: string[];
  all?: boolean;
  format?: string;
  latest?: boolean;
  'no-trunc'?: boolean;
}

export function mountModule(prog: string): CommandModule<GlobalArgs, MountArgs> {
  return {
    command: 'mount [containers..]',
    describe: "Mount a working container's root filesystem",
    builder: (y) =>
      y
        .usage(`Usage: tsc-run ${prog} [options] [CONTAINER...]\n\nMounts the specified containers and prints their mount points; lists the mounted containers without any.`)
        .option('all', { alias: 'a', type: 'boolean', describe: 'Mount all containers' })
        .option('format', { type: 'string', requiresArg: true, describe: 'Print the mounted containers in specified format (json)' })
        .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
        .option('no-trunc', { type: 'boolean', describe: 'Do not truncate output' }),
    handler: async (argv) => {
      const names = (argv.containers ?? []).map(String);
      if (argv.latest && names.length) throw new UsageError('--latest and containers cannot be used together');
      if (argv.all && names.length) throw new UsageError('--all and containers cannot be used together');
      const { checkMountAllowed, mountContainer, mountedContainers } = await import('../../container-fs/mount.js');
      checkMountAllowed(`tsc-run ${prog}`);
      const roots = rootsOf(argv);
      const { resolveTargets, forEachTarget } = await import('../../runtime/container/container-targets.js');
      const { ContainerStore } = await import('../../storage/containers.js');
      const { emitContainer } = await import('../../events/emit.js');
      if (names.length || argv.all || argv.latest) {
        const targets = await resolveTargets(new ContainerStore(roots.dataRoot), names, { all: argv.all, latest: argv.latest });
        await forEachTarget(targets, async (t) => {
          const m = await mountContainer(roots, t.rec);
          emitContainer(roots.dataRoot, t.rec, 'mount');
          process.stdout.write(`${m.path}\n`);
        });
        return;
      }
      const format = argv.format ?? '';
      const { isJsonFormat } = await import('../../format/is-json.js');
      if (format !== '' && !isJsonFormat(format)) throw new UsageError(`unknown --format argument: ${JSON.stringify(format)}`);
      const mounted = await mountedContainers(roots);
      if (format !== '') {
        const rows = mounted.map((m) => ({ id: m.id, Names: [m.name], mountpoint: m.path }));
        process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
        return;
      }
      process.stdout.write(mounted.map((m) => `${argv['no-trunc'] ? m.id : m.id.slice(0, 12)}  ${m.path}\n`).join(''));
    },
  };
}

interface UnmountArgs extends GlobalArgs {
  containers?: string[];
  all?: boolean;
  force?: boolean;
  latest?: boolean;
}

export function unmountModule(prog: string): CommandModule<GlobalArgs, UnmountArgs> {
  return {
    command: 'unmount [containers..]',
    aliases: ['umount'],
    describe: "Unmount working container's root filesystem",
    builder: (y) =>
      y
        .usage(`Usage: tsc-run ${prog} [options] CONTAINER [CONTAINER...]\n\nContainer storage increments a mount counter each time a container is mounted; the root filesystem is unmounted when it reaches zero.`)
        .option('all', { alias: 'a', type: 'boolean', describe: 'Unmount all of the currently mounted containers' })
        .option('force', { alias: 'f', type: 'boolean', describe: 'Force the complete unmount of the specified mounted containers' })
        .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' }),
    handler: async (argv) => {
      const names = (argv.containers ?? []).map(String);
      const { checkTargetArgs, resolveTargets, forEachTarget } = await import('../../runtime/container/container-targets.js');
      checkTargetArgs(names, argv);
      const roots = rootsOf(argv);
      const { unmountContainer, mountedContainers } = await import('../../container-fs/mount.js');
      const { ContainerStore } = await import('../../storage/containers.js');
      const { emitContainer } = await import('../../events/emit.js');
      const store = new ContainerStore(roots.dataRoot);
      // --all: the containers mounted here, not every container.
      const targets = argv.all
        ? await Promise.all((await mountedContainers(roots)).map(async (m) => ({ label: m.id, rec: await store.lookup(m.id) })))
        : await resolveTargets(store, names, { latest: argv.latest });
      await forEachTarget(targets, async (t) => {
        await unmountContainer(roots, t.rec, argv.force === true);
        emitContainer(roots.dataRoot, t.rec, 'unmount');
        process.stdout.write(`${t.label}\n`);
      });
    },
  };
}

export const mountCommand = mountModule('mount');
export const unmountCommand = unmountModule('unmount');
export const containerMountCommand = mountModule('container mount');
export const containerUnmountCommand = unmountModule('container unmount');
