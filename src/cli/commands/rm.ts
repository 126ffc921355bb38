// `tsc-run rm [options] CONTAINER...`: remove containers; a running one only
// with -f (stopped first). Exit 1 when a name matches nothing, 2 when a
// container is running, as podman.

import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { parseTimeFlag } from './stop.js';

interface RmArgs extends GlobalArgs {
  containers?: string[];
  cidfile?: string[];
  filter?: string[];
  all?: boolean;
  force?: boolean;
  ignore?: boolean;
  latest?: boolean;
  time?: string;
  volumes?: boolean;
  depend?: boolean;
}

export const rmCommand: CommandModule<GlobalArgs, RmArgs> = {
  command: 'rm [containers..]',
  describe: 'Remove one or more containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run rm [options] CONTAINER [CONTAINER...]\n\nRemove one or more containers')
      .option('cidfile', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Read the container ID from the file' , ...({ goType: 'stringArray' } as object) })
      .option('filter', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Filter output based on conditions given' })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all containers' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Force removal of a running or unusable container' })
      .option('ignore', { alias: 'i', type: 'boolean', describe: 'Ignore errors when a specified container is missing' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      .option('time', { alias: 't', type: 'string', goType: 'uint', requiresArg: true, describe: 'Seconds to wait for stop before killing the container (default 10)' })
      .option('volumes', { alias: 'v', type: 'boolean', describe: 'Remove anonymous volumes associated with the container' })
      .option('depend', { type: 'boolean', describe: 'Remove container and all containers that depend on the selected container' }),
  handler: async (argv) => {
    const time = parseTimeFlag(argv.time);
    const { checkTargetArgs, readCidFiles, resolveTargets, forEachTarget } = await import('../../runtime/container/container-targets.js');
    const names = [...(argv.containers ?? []).map(String), ...readCidFiles((argv.cidfile ?? []).map(String), argv.ignore || argv.force)];
    const { lifecycleContext } = await import('../../runtime/container/lifecycle-context.js');
    const { removeContainer } = await import('../../runtime/container/container-remove.js');
    const { NoSuchContainerError } = await import('../../storage/containers.js');
    const { warn } = await import('../warn.js');
    // Only --cidfile files that --ignore skipped: nothing to do.
    if (!names.length && argv.cidfile?.length) return;
    checkTargetArgs(names, argv);
    const ctx = lifecycleContext(rootsOf(argv), warn);
    // podman: -f also ignores names that match nothing.
    let targets = await resolveTargets(ctx.store, names, { ...argv, ignore: argv.ignore || argv.force, missingExitCode: 1, runRoot: ctx.runRoot });
    const all = await ctx.store.list();
    const dependents = (id: string) => all.filter((c) => c.config.requires?.includes(id));
    if (argv.depend) {
      // Dependents first (podman prints every removed container's full id).
      const order: typeof targets = [];
      const seen = new Set<string>();
      const visit = (rec: (typeof all)[number]) => {
        if (seen.has(rec.id)) return;
        seen.add(rec.id);
        for (const d of dependents(rec.id)) visit(d);
        order.push({ label: rec.id, rec });
      };
      for (const t of targets) visit(t.rec);
      targets = order;
    }
    const removing = new Set(targets.map((t) => t.rec.id));
    await forEachTarget(targets, async (t) => {
      // A pod's infra: its members depend on it, but podman's refusal names the pod (container-remove.ts).
      const blocking = t.rec.config.pause && t.rec.pod ? [] : dependents(t.rec.id).filter((d) => !removing.has(d.id));
      if (blocking.length) {
        const { TscRunError } = await import('../../errors.js');
        throw new TscRunError(`container ${t.rec.id} has dependent containers which must be removed before it: ${blocking.map((d) => d.id).join(', ')}: container already exists`);
      }
      try {
        if ((argv.all || argv.depend) && t.rec.config.pause && t.rec.pod) {
          // podman's rm -a and rm --depend remove a pod's infra with what depends on it: here, the whole pod (RemoveDepend).
          const { removePodOf } = await import('../../pod/pod-lifecycle.js');
          await removePodOf(rootsOf(argv), t.rec.pod, { force: argv.force === true, timeout: time }, warn);
        } else await removeContainer(ctx, t.rec.id, { force: argv.force === true, timeout: time, volumes: argv.volumes === true });
      } catch (err) {
        // Removed by someone else meanwhile (an --rm cleanup): gone is what was asked for.
        if (!(err instanceof NoSuchContainerError)) throw err;
      }
      process.stdout.write(`${t.label}\n`);
    });
  },
};
