// `tsc-run run [options] IMAGE [COMMAND [ARG...]]`: create and run a
// container in the foreground, exiting with its exit code (podman's
// 125/126/127 for failures of the engine or the command). Not yet: detached
// containers, a tty, stdin attach.

import type { CommandModule } from 'yargs';
import { ChildExit, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface RunArgs extends GlobalArgs {
  image?: string;
  command?: string[];
  '--'?: Array<string | number>;
  rm?: boolean;
  name?: string;
  env?: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  hostname?: string;
  network?: string;
  detach?: boolean;
  tty?: boolean;
  interactive?: boolean;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** The network modes that work today; podman's others are refused, not ignored. */
export function parseNetwork(value: string | undefined): 'host' | 'none' {
  // Until pasta/slirp4netns exist, a rootless container shares the host's network by default.
  if (value === undefined || value === 'host') return 'host';
  if (value === 'none') return 'none';
  throw new UsageError(`--network ${value} is not supported yet: use none or host`);
}

export const runCommand: CommandModule<GlobalArgs, RunArgs> & {
  trailing: { positionalsBefore: number; valueFlags: string[] };
} = {
  command: 'run [image] [command..]',
  describe: 'Run a command in a new container',
  trailing: {
    positionalsBefore: 1,
    valueFlags: ['-e', '--env', '--name', '-w', '--workdir', '-u', '--user', '--entrypoint', '--hostname', '--network', '--net'],
  },
  builder: (y) =>
    y
      .usage('Usage: tsc-run run [options] IMAGE [COMMAND [ARG...]]\n\nRun a command in a new container')
      .positional('image', { type: 'string', describe: 'Image name or id' })
      .positional('command', { type: 'string', array: true, describe: 'Command and arguments (default: the image\'s)' })
      .option('rm', { type: 'boolean', describe: 'Remove container and any anonymous unnamed volume associated with the container after exit' })
      .option('name', { type: 'string', requiresArg: true, describe: 'Assign a name to the container' })
      .option('env', { alias: 'e', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Set environment variables in container' })
      .option('workdir', { alias: 'w', type: 'string', requiresArg: true, describe: 'Working directory inside the container' })
      .option('user', { alias: 'u', type: 'string', requiresArg: true, describe: 'Username or UID (format: <name|uid>[:<group|gid>])' })
      .option('entrypoint', { type: 'string', requiresArg: true, describe: 'Overwrite the default ENTRYPOINT of the image' })
      .option('hostname', { type: 'string', requiresArg: true, describe: 'Set container hostname' })
      .option('network', { alias: 'net', type: 'string', requiresArg: true, describe: 'Connect a container to a network (host, none)' })
      .option('detach', { alias: 'd', type: 'boolean', describe: 'Run container in background and print container ID (not supported yet)' })
      .option('tty', { alias: 't', type: 'boolean', describe: 'Allocate a pseudo-TTY for container (not supported yet)' })
      .option('interactive', { alias: 'i', type: 'boolean', describe: 'Keep STDIN open even if not attached (not supported yet)' }),
  handler: async (argv) => {
    if (argv.image === undefined) throw new UsageError('requires at least 1 arg(s), only received 0');
    for (const [flag, on] of [['--detach', argv.detach], ['--tty', argv.tty], ['--interactive', argv.interactive]] as const) {
      if (on) throw new UsageError(`${flag} is not supported yet: tsc-run runs containers in the foreground with the terminal passed through`);
    }
    if (argv.name !== undefined && !NAME_RE.test(argv.name)) {
      throw new UsageError(`container name ${JSON.stringify(argv.name)} is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument`);
    }
    const network = parseNetwork(argv.network);
    const roots = rootsOf(argv);
    const { resolveContainerStorage } = await import('../../runtime/container-rootfs.js');
    const storage = await resolveContainerStorage({ roots, flagDriver: argv['storage-driver'], storageOpts: argv['storage-opt'] });
    const { runForeground } = await import('../../runtime/run-foreground.js');
    const code = await runForeground({
      dataRoot: roots.dataRoot,
      storage,
      image: String(argv.image),
      name: argv.name,
      flags: {
        command: [...(argv.command ?? []), ...(argv['--'] ?? [])].map(String),
        entrypoint: argv.entrypoint,
        env: (argv.env ?? []).map(String),
        workdir: argv.workdir,
        user: argv.user,
      },
      hostname: argv.hostname,
      network,
      autoRemove: argv.rm === true,
    });
    if (code !== 0) throw new ChildExit(code);
  },
};
