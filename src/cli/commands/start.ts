// `tsc-run start [-a] [-i] CONTAINER...`: start created or exited
// containers under a detached monitor and print each name as given; with
// -a (one container) run it in the foreground like `run`, exiting with its
// code; -i also feeds our stdin to it (a container created with -i).

import type { CommandModule } from 'yargs';
import { ChildExit, TscRunError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface StartArgs extends GlobalArgs {
  containers?: string[];
  attach?: boolean;
  interactive?: boolean;
  'sig-proxy'?: boolean;
  'detach-keys'?: string;
  all?: boolean;
  filter?: string[];
  latest?: boolean;
}

export const startCommand: CommandModule<GlobalArgs, StartArgs> = {
  command: 'start [containers..]',
  describe: 'Start one or more containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run start [options] CONTAINER [CONTAINER...]\n\nStart one or more containers')
      .positional('containers', { type: 'string', array: true, describe: 'Containers (names or ids)' })
      .option('all', { type: 'boolean', describe: 'Start all containers regardless of their state or configuration' })
      .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Filter output based on conditions given' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      .option('attach', { alias: 'a', type: 'boolean', describe: "Attach container's STDOUT and STDERR" })
      .option('interactive', { alias: 'i', type: 'boolean', describe: "Attach container's STDIN" })
      .option('sig-proxy', { type: 'boolean', describe: 'Proxy received signals to the process (default true if attaching, false otherwise)' })
      .option('detach-keys', { type: 'string', describe: 'Select the key sequence for detaching a container. Format is a single character [a-Z] or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_` (default "ctrl-p,ctrl-q")', ...({ goType: '[a-Z]' } as object) }),
  handler: async (argv) => {
    let names = (argv.containers ?? []).map(String);
    const roots0 = rootsOf(argv);
    const filters = argv.filter ?? [];
    const attach = argv.attach === true || argv.interactive === true;
    // podman's validateStart, in its order.
    if (names.length === 0 && !argv.latest && !argv.all && filters.length === 0) throw new UsageError('start requires at least one argument');
    if (argv.all && argv.latest) throw new UsageError('--all and --latest cannot be used together');
    if (names.length > 0 && argv.latest) throw new UsageError('--latest and containers cannot be used together');
    if (names.length > 1 && attach) throw new UsageError('you cannot start and attach multiple containers at once');
    if ((names.length > 0 || argv.latest) && argv.all) throw new UsageError('either start all containers or the container(s) provided in the arguments');
    if (attach && argv.all) throw new UsageError('you cannot start and attach all containers at once');
    for (const f of filters) if (!f.includes('=')) throw new UsageError(`invalid filter ${JSON.stringify(f)}`);
    if (argv.all || argv.latest || filters.length > 0) {
      const { resolveTargets } = await import('../../runtime/container/container-targets.js');
      const { ContainerStore: Store } = await import('../../storage/containers.js');
      const store0 = new Store(roots0.dataRoot);
      const picked = (await resolveTargets(store0, [], { all: argv.all, latest: argv.latest, filter: filters, runRoot: roots0.runRoot })).map((t) => t.rec);
      // Filters with names: the named containers that match (by full id or name, as podman).
      names = (names.length > 0 && filters.length > 0 ? picked.filter((r) => names.includes(r.id) || names.includes(r.name)) : picked).map((r) => r.id);
      if (names.length === 0) return;
      if (attach && names.length > 1) throw new UsageError('you cannot start and attach multiple containers at once');
    }
    if (names.length === 0) throw new UsageError('start requires at least one argument');
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
      // create -a: only the streams it named.
      const streams = c.config.attach ? { stdout: c.config.attach.includes('stdout'), stderr: c.config.attach.includes('stderr') } : undefined;
      // No output stream attached: podman prints the container's id instead.
      if (streams && !streams.stdout && !streams.stderr) process.stdout.write(`${c.id}\n`);
      const started = await startContainer({
        roots,
        container: c,
        treeOps,
        detach: false,
        attachStdin: argv.interactive === true && (!c.config.attach || c.config.attach.includes('stdin')),
        sigProxy: argv['sig-proxy'] !== false,
        streams,
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
        const started = await startContainer({ roots, container: c, treeOps, detach: true, attachStdin: false, sigProxy: true }).catch((err: unknown) => {
          // podman names the container whose command could not be started, and exits 125 (not run's 126/127).
          if (err instanceof TscRunError && (err.exitCode === 126 || err.exitCode === 127)) {
            throw new TscRunError(`unable to start container ${JSON.stringify(c.id)}: ${err.message}`, 125);
          }
          throw err;
        });
        // A container that already runs is left alone and not printed (podman).
        if (started instanceof AlreadyRunning) continue;
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
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what the last failed start threw, unchanged
    if (failure !== undefined) throw failure;
  },
};
