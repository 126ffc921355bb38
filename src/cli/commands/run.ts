// `tsc-run run [options] IMAGE [COMMAND [ARG...]]`: create a container and
// run it under its monitor: in the foreground (our stdio is the container's,
// exit code = the container's; -i streams stdin, -t gives it a pty and our
// terminal goes raw; ctrl-p ctrl-q detaches) or with -d detached (prints
// the full id; the container outlives us). podman's 125/126/127 for
// failures of the engine or the command.

import type { CommandModule } from 'yargs';
import { ChildExit, UsageError } from '../../errors.js';
import fs from 'node:fs';
import type { Roots } from '../../config/paths.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { CREATE_VALUE_FLAGS, parseAttach, prepareCreate, withCreateFlags, writeCidfile, type CreateArgs } from './container-flags.js';

/** --preserve-fds N: fds 3..3+N-1 must be open in our process (podman's check and message). */
export function parsePreserveFds(value: string | undefined, init: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`invalid argument ${JSON.stringify(value)} for "--preserve-fds" flag: strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`);
  const n = Number(value);
  if (n === 0) return undefined;
  if (init) throw new UsageError('--preserve-fds and --init cannot be used together');
  // Node's own descriptors start right after the inherited ones, with libuv's epoll first: the inherited ones are below it.
  let firstOwn = Infinity;
  for (const f of fs.readdirSync('/proc/self/fd')) {
    const fd = Number(f);
    if (fd < 3 || fd >= firstOwn) continue;
    if (fs.readlinkSync(`/proc/self/fd/${f}`, { encoding: 'utf8' }) === 'anon_inode:[eventpoll]') firstOwn = fd;
  }
  for (let fd = 3; fd < 3 + n; fd++) {
    if (fd >= firstOwn) throw new UsageError(`file descriptor ${fd} is not available - the preserve-fds option requires that file descriptors must be passed`);
  }
  return n;
}

/** --rmi: after the container, its image goes unless a container still uses it (then podman's error line, exit status kept). */
async function removeImageAfterRun(roots: Roots, image: string): Promise<void> {
  const { ImageStore } = await import('../../storage/images.js');
  const { removeImage } = await import('../../image/remove.js');
  const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
  try {
    const img = await new ImageStore(roots.dataRoot).lookup(image);
    await removeImage({ dataRoot: roots.dataRoot, treeOps: helperTreeOps(), removeContainer: async () => {} }, img.id, false);
  } catch (err) {
    const { logrusLine } = await import('../warn.js');
    process.stderr.write(logrusLine('error', (err as Error).message, { terminal: process.stderr.isTTY === true }));
  }
}

export const runCommand: CommandModule<GlobalArgs, CreateArgs> & {
  trailing: { positionalsBefore: number; valueFlags: string[] };
} = {
  command: 'run [image] [command..]',
  describe: 'Run a command in a new container',
  trailing: { positionalsBefore: 1, valueFlags: CREATE_VALUE_FLAGS },
  builder: (y) =>
    withCreateFlags(y.usage('Usage: tsc-run run [options] IMAGE [COMMAND [ARG...]]\n\nRun a command in a new container'), 'run'),
  handler: async (argv) => {
    // podman 4.3 warns (and carries on) when -it is given an input that is no terminal.
    if (argv.tty === true && argv.interactive === true && process.stdin.isTTY !== true) {
      (await import('../warn.js')).warn('The input device is not a TTY. The --tty and --interactive flags might not work properly');
    }
    const roots = rootsOf(argv);
    const preserveFds = parsePreserveFds(argv['preserve-fds'], argv.init === true);
    const prepared = await prepareCreate(argv, roots, { detach: argv.detach === true });
    const onCreate = async (c: { id: string }) => writeCidfile(prepared.cidfile, c.id);
    if (argv.detach) {
      // podman checks the streams named by -a, then detaches all the same (it attaches nothing).
      parseAttach(argv.attach);
      const { runDetached } = await import('../../runtime/container/run-detached.js');
      const c = await runDetached({ ...prepared, onCreate, preserveFds });
      process.stdout.write(`${c.id}\n`);
      return;
    }
    const { runForeground } = await import('../../runtime/container/run-foreground.js');
    const attach = parseAttach(argv.attach);
    // Neither stdout nor stderr attached (-a stdin): podman prints the container's id instead.
    const quiet = attach !== undefined && !attach.stdout && !attach.stderr;
    const code = await runForeground({
      ...prepared,
      sigProxy: argv['sig-proxy'] !== false,
      onCreate: async (c) => {
        await onCreate(c);
        if (quiet) process.stdout.write(`${c.id}\n`);
      },
      attach,
      preserveFds,
    });
    if (argv.rmi) await removeImageAfterRun(roots, prepared.image);
    if (code !== 0) throw new ChildExit(code);
  },
};
