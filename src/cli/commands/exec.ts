// `tsc-run exec [options] CONTAINER COMMAND [ARG...]`: run a process in a
// running container (its namespaces, its security). Exit code as `run`: the
// command's, 125/126/127 for failures; -d prints the session id; -i feeds
// our stdin, -t gives it a pty of the container (our terminal goes raw
// with -it), the detach keys leave it running.

import type { CommandModule } from 'yargs';
import { ChildExit, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface ExecArgs extends GlobalArgs {
  container?: string;
  'preserve-fds'?: string;
  command?: string[];
  '--'?: string[];
  detach?: boolean;
  'detach-keys'?: string;
  env?: string[];
  'env-file'?: string[];
  interactive?: boolean;
  latest?: boolean;
  privileged?: boolean;
  tty?: boolean;
  user?: string;
  workdir?: string;
}

const EXEC_VALUE_FLAGS = ['--preserve-fds', '-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir', '--detach-keys'];

/** --preserve-fds N: run's check (fds 3..3+N-1 passed to us). */
async function inheritedFds(value: string | undefined): Promise<number | undefined> {
  if (value === undefined) return undefined;
  const { parsePreserveFds } = await import('./run.js');
  return parsePreserveFds(value, false);
}

export const execCommand: CommandModule<GlobalArgs, ExecArgs> & {
  trailing: { positionalsBefore: number; valueFlags: string[]; targetFlags: string[] };
} = {
  command: 'exec [container] [command..]',
  describe: 'Run a process in a running container',
  trailing: { positionalsBefore: 1, valueFlags: EXEC_VALUE_FLAGS, targetFlags: ['-l', '--latest'] },
  builder: (y) =>
    y
      .usage('Usage: tsc-run exec [options] CONTAINER [COMMAND [ARG...]]\n\nRun a process in a running container')
      .option('detach', { alias: 'd', type: 'boolean', describe: 'Run the exec session in detached mode (backgrounded)' })
      .option('detach-keys', { type: 'string', describe: 'Select the key sequence for detaching a container' })
      .option('env', { alias: 'e', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Set environment variables', ...({ goType: 'stringArray' } as object) })
      .option('env-file', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Read in a file of environment variables' })
      .option('interactive', { alias: 'i', type: 'boolean', describe: 'Keep STDIN open even if not attached' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      .option('preserve-fds', { type: 'string', requiresArg: true, describe: 'Pass N additional file descriptors to the container', ...({ goType: 'uint' } as object) })
      .option('privileged', { type: 'boolean', describe: 'Give the process extended Linux capabilities inside the container.  The default is false' })
      .option('tty', { alias: 't', type: 'boolean', describe: 'Allocate a pseudo-TTY. The default is false' })
      .option('user', { alias: 'u', type: 'string', requiresArg: true, describe: 'Sets the username or UID used and optionally the groupname or GID for the specified command' })
      .option('workdir', { alias: 'w', type: 'string', requiresArg: true, describe: 'Working directory inside the container' }),
  handler: async (argv) => {
    const trailing = (argv['--'] ?? []).map(String);
    const first = argv.container === undefined ? [] : [String(argv.container)];
    const rest = [...(argv.command ?? []).map(String), ...trailing];
    if (!argv.latest && first.length === 0) throw new UsageError('exec requires the name or ID of a container or the --latest flag');
    // With --latest every word is the command.
    const command = argv.latest ? [...first, ...rest] : rest;
    const roots = rootsOf(argv);
    const { ContainerStore } = await import('../../storage/containers.js');
    const store = new ContainerStore(roots.dataRoot);
    let container;
    if (argv.latest) {
      const { lastCreated } = await import('../../runtime/views/ps-view.js');
      container = lastCreated(await store.list(), 1)[0];
      if (!container) throw new UsageError('no containers to exec in');
    } else {
      container = await store.lookup(first[0]!);
    }
    const { execInContainer } = await import('../../runtime/exec/exec-container.js');
    const r = await execInContainer({
      roots,
      container,
      command,
      flags: {
        detach: argv.detach === true,
        interactive: argv.interactive === true,
        tty: argv.tty === true,
        env: (argv.env ?? []).map(String),
        envFiles: (argv['env-file'] ?? []).map(String),
        user: argv.user,
        workdir: argv.workdir,
        privileged: argv.privileged === true,
        detachKeys: argv['detach-keys'],
        preserveFds: await inheritedFds(argv['preserve-fds']),
      },
    });
    if ('sessionId' in r) process.stdout.write(`${r.sessionId}\n`);
    else if ('code' in r && r.code !== 0) throw new ChildExit(r.code);
  },
};
