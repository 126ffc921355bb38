// `tsc-run healthcheck run CTR`: run a container's healthcheck now (prints
// nothing when it passes; `unhealthy` and exit 1 when not, as podman 4.3). The checks on a timer are run by a
// small process of ours started with the container (`healthcheck loop`,
// hidden), not by systemd.

import type { CommandModule } from 'yargs';
import { ChildExit, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { commandGroup } from '../command-group.js';

function healthContext(argv: GlobalArgs) {
  const roots = rootsOf(argv);
  return { dataRoot: roots.dataRoot, runRoot: roots.runRoot, globals: ['--root', roots.dataRoot, '--runroot', roots.runRoot] };
}

const runCommand: CommandModule<GlobalArgs, GlobalArgs & { container?: string; extra?: string[] }> = {
  command: 'run [container] [extra..]',
  describe: 'Run the health check of a container',
  builder: (y) =>
    y
      .usage('Usage: tsc-run healthcheck run CONTAINER\n\nRun the health check of a container')
      .example('tsc-run healthcheck run mywebapp', '')
      .positional('container', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true }),
  handler: async (argv) => {
    const n = (argv.container === undefined ? 0 : 1) + (argv.extra?.length ?? 0);
    if (n !== 1) throw new UsageError(`accepts 1 arg(s), received ${n}`);
    const { runHealthcheck } = await import('../../health/health-run.js');
    const st = await runHealthcheck(healthContext(argv), argv.container!);
    // podman 4.3 (cmd/podman/healthcheck/run.go): silent unless unhealthy.
    if (st.Status === 'unhealthy') {
      process.stdout.write(`${st.Status}\n`);
      throw new ChildExit(1);
    }
  },
};

const loopCommand: CommandModule<GlobalArgs, GlobalArgs & { id?: string }> = {
  command: 'loop <id>',
  describe: false,
  builder: (y) => y.positional('id', { type: 'string' }),
  handler: async (argv) => {
    const { healthLoop } = await import('../../health/health-loop.js');
    await healthLoop(healthContext(argv), String(argv.id));
  },
};

export const healthcheckCommand = commandGroup({
  name: 'healthcheck',
  describe: 'Manage health checks on containers',
  long: 'Run health checks on containers',
  subcommands: [runCommand, loopCommand],
});
