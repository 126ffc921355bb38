// `tsc-run attach [--no-stdin] [--sig-proxy] [--detach-keys K] CONTAINER`:
// attach to a running container's monitor; exits with the container's code
// when it exits, 0 after a detach (ctrl-p ctrl-q by default).

import type { CommandModule } from 'yargs';
import { ChildExit, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface AttachArgs extends GlobalArgs {
  container?: string;
  'no-stdin'?: boolean;
  'sig-proxy'?: boolean;
  'detach-keys'?: string;
  latest?: boolean;
}

export const attachCommand: CommandModule<GlobalArgs, AttachArgs> = {
  command: 'attach [container]',
  describe: 'Attach to a running container',
  builder: (y) =>
    y
      .usage('Usage: tsc-run attach [options] CONTAINER\n\nAttach to a running container')
      .positional('container', { type: 'string', describe: 'Container (name or id)' })
      .option('no-stdin', { type: 'boolean', describe: 'Do not attach STDIN. The default is false' })
      .option('sig-proxy', { type: 'boolean', default: true, describe: 'Proxy received signals to the container process (non-TTY mode only)' })
      .option('detach-keys', { type: 'string', describe: 'Select the key sequence for detaching a container. Format is a single character [a-Z] or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_` (default "ctrl-p,ctrl-q")', ...({ goType: '[a-Z]' } as object) })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' })
      .parserConfiguration({ 'boolean-negation': false }),
  handler: async (argv) => {
    if (argv.latest && argv.container !== undefined) throw new UsageError('--latest and containers cannot be used together');
    if (argv.container === undefined && !argv.latest) throw new UsageError('attach requires the name or ID of a container');
    const roots = rootsOf(argv);
    const { ContainerStore } = await import('../../storage/containers.js');
    const { liveRecord } = await import('../../runtime/container/container-observe.js');
    const store = new ContainerStore(roots.dataRoot);
    let found;
    if (argv.latest) {
      const { lastCreated } = await import('../../runtime/views/ps-view.js');
      found = lastCreated(await store.list(), 1)[0];
      if (!found) throw new UsageError('no containers to attach to');
    } else found = await store.lookup(String(argv.container));
    const rec = liveRecord(roots.runRoot, found);
    if (rec.state.status !== 'running') throw new UsageError('you can only attach to running containers');
    if (argv['detach-keys'] !== undefined) {
      const { parseDetachKeys } = await import('../../runtime/container/run-options.js');
      parseDetachKeys(argv['detach-keys']);
    }
    const { attachContainer } = await import('../../runtime/monitor/attach-client.js');
    const { emitContainer } = await import('../../events/emit.js');
    emitContainer(roots.dataRoot, rec, 'attach');
    const code = await attachContainer({
      roots,
      container: rec,
      stdin: argv['no-stdin'] !== true,
      sigProxy: argv['sig-proxy'] !== false,
      detachKeys: argv['detach-keys'],
    });
    if (code !== 0) throw new ChildExit(code);
  },
};
