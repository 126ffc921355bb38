// `tsc-run start [-a] [-i] CONTAINER...`: start created or exited
// containers under a detached monitor and print each name as given; with
// -a (one container) run it in the foreground like `run`, exiting with its
// code; -i also feeds our stdin to it (a container created with -i).

import type { CommandModule } from 'yargs';
import { ChildExit, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface StartArgs extends GlobalArgs {
  containers?: string[];
  attach?: boolean;
  interactive?: boolean;
  'sig-proxy'?: boolean;
  'detach-keys'?: string;
}

export const startCommand: CommandModule<GlobalArgs, StartArgs> = {
  command: 'start [containers..]',
  describe: 'Start one or more containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run start [options] CONTAINER [CONTAINER...]\n\nStart one or more containers')
      .positional('containers', { type: 'string', array: true, describe: 'Containers (names or ids)' })
      .option('attach', { alias: 'a', type: 'boolean', describe: "Attach container's STDOUT and STDERR" })
      .option('interactive', { alias: 'i', type: 'boolean', describe: "Attach container's STDIN" })
      .option('sig-proxy', { type: 'boolean', describe: 'Proxy received signals to the process (default true if attaching, false otherwise)' })
      .option('detach-keys', { type: 'string', describe: 'Select the key sequence for detaching a container' }) as never,
  handler: async (argv) => {
    const names = (argv.containers ?? []).map(String);
    if (names.length === 0) throw new UsageError('start requires at least one argument');
    const attach = argv.attach === true || argv.interactive === true;
    if (attach && names.length > 1) throw new UsageError('you cannot start and attach multiple containers at once');
    if (argv['sig-proxy'] && !attach) throw new UsageError('you cannot use sig-proxy without --attach');
    const roots = rootsOf(argv);
    const { ContainerStore } = await import('../../storage/containers.js');
    const { AlreadyRunning, startContainer } = await import('../../runtime/container/container-start.js');
    const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
    const store = new ContainerStore(roots.dataRoot);
    const treeOps = helperTreeOps();

    if (attach) {
      let c = await store.lookup(names[0]!);
      if (argv['detach-keys'] !== undefined) {
        const { parseDetachKeys } = await import('../../runtime/container/run-options.js');
        parseDetachKeys(argv['detach-keys']);
        c = { ...c, config: { ...c.config, detachKeys: argv['detach-keys'] } };
      }
      const started = await startContainer({
        roots,
        container: c,
        treeOps,
        detach: false,
        attachStdin: argv.interactive === true,
        sigProxy: argv['sig-proxy'] !== false,
      });
      if (started instanceof AlreadyRunning) {
        // podman attaches to a running container here.
        const { attachContainer } = await import('../../runtime/monitor/attach-client.js');
        const code = await attachContainer({ roots, container: started.record, stdin: argv.interactive === true, sigProxy: argv['sig-proxy'] !== false });
        if (code !== 0) throw new ChildExit(code);
        return;
      }
      const { awaitForeground } = await import('../../runtime/container/run-foreground.js');
      let r: { code: number; detached: boolean };
      try {
        r = await awaitForeground(roots, c.id, started, c.autoRemove ? { treeOps } : undefined);
      } finally {
        started.done();
      }
      if (r.code !== 0) throw new ChildExit(r.code);
      return;
    }

    let failure: unknown;
    for (const name of names) {
      try {
        const c = await store.lookup(name);
        await startContainer({ roots, container: c, treeOps, detach: true, attachStdin: false, sigProxy: true });
        process.stdout.write(`${name}\n`);
      } catch (err) {
        // podman reports every failure and exits with the last one's code.
        if (failure !== undefined) {
          const { reportError } = await import('../exit.js');
          reportError(failure);
        }
        failure = err;
      }
    }
    if (failure !== undefined) throw failure;
  },
};
