// `tsc-run pod top [options] POD [FORMAT-DESCRIPTORS|ARGS...]`: the
// processes of a pod's running containers (src/pod/pod-top.ts). Its
// arguments after POD are descriptors, never our flags (`-eo user,pid`
// reaches the descriptor check as podman's does): see `trailing` in pod.ts.

import type { CommandModule } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface PodTopArgs extends GlobalArgs {
  args?: string[];
  '--'?: string[];
  latest?: boolean;
  'list-descriptors'?: boolean;
}

export const podTopCommand: CommandModule<GlobalArgs, PodTopArgs> = {
  command: 'top [args..]',
  describe: 'Display the running processes of containers in a pod',
  builder: (y) =>
    y
      .usage('Usage: tsc-run pod top [options] POD [FORMAT-DESCRIPTORS|ARGS...]\n\nDisplay the running processes of containers in a pod')
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest pod tsc-run is aware of' })
      .option('list-descriptors', { type: 'boolean', hidden: true, describe: 'List the supported format descriptors' }),
  handler: async (argv) => {
    if (argv['list-descriptors']) {
      const { descriptorNames } = await import('../../runtime/top/top-descriptors.js');
      process.stdout.write(`${descriptorNames().join('\n')}\n`);
      return;
    }
    const args = [...(argv.args ?? []), ...(argv['--'] ?? [])].map(String);
    if (!args.length && !argv.latest) throw new UsageError('you must provide the name or id of a running pod');
    const roots = rootsOf(argv);
    const { resolvePods } = await import('../../pod/pod-lifecycle.js');
    let pod;
    try {
      pod = resolvePods(roots, argv.latest ? [] : [args[0]!], { latest: argv.latest === true })[0]!;
    } catch (err) {
      if (err instanceof TscRunError && !(err instanceof UsageError)) throw new TscRunError(`unable to look up requested container: ${err.message}`);
      throw err;
    }
    const { podTop } = await import('../../pod/pod-top.js');
    process.stdout.write(await podTop(roots, pod, argv.latest ? args : args.slice(1)));
  },
};
