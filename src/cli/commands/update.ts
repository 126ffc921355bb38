// `tsc-run update [options] CONTAINER`: podman 4.3's resource flags for an
// existing container. Without a flag it prints the container's id (podman
// does). Changing the limits of a container is not implemented: where
// rootless podman cannot either (a cgroup v1 host, like this project's
// build machine: its runtime fails to open the cgroup files, 125), the
// reason is the host's; with a delegated cgroup v2 subtree, the reason is
// ours (recreate the container with the new limits).

import type { CommandModule } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { withUpdateFlags, type CreateArgs } from './container-flags.js';

interface UpdateArgs extends GlobalArgs, CreateArgs {
  args?: string[];
}

export const updateCommand: CommandModule<GlobalArgs, UpdateArgs> = {
  command: 'update [args..]',
  describe: 'Update an existing container',
  builder: (y) => withUpdateFlags(y.usage('Usage: tsc-run update [options] CONTAINER\n\nUpdates the cgroup configuration of a given container')),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const fsSync = await import('node:fs');
    const { parseResourceFlags, anyResource } = await import('../../runtime/create-flags/resource-flags.js');
    // podman's parse errors first, as its flags are read before the container is looked up.
    const r = parseResourceFlags(argv, (p) => fsSync.existsSync(p));
    const roots = rootsOf(argv);
    const { ContainerStore } = await import('../../storage/containers.js');
    const rec = await new ContainerStore(roots.dataRoot).lookup(args[0]!);
    if (!anyResource(r)) {
      process.stdout.write(`${rec.id}\n`);
      return;
    }
    const { probeCgroups } = await import('../../host/cgroup-probe.js');
    const facts = probeCgroups(process.getuid!());
    if (process.getuid!() !== 0 && facts.layout !== 'unified' && !facts.delegation.delegated) {
      throw new TscRunError(`updating the resources of container ${rec.id}: resource limits are not supported on cgroups V1 rootless systems`);
    }
    throw new TscRunError(`updating the resources of container ${rec.id}: tsc-run cannot change the limits of an existing container; recreate it with them (run or create with --memory, --cpus, --pids-limit)`);
  },
};
