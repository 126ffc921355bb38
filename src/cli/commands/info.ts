// `tsc-run info` (and `system info`): podman's host/store report. The host
// probing code is loaded only when the command runs.

import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { versionReport } from './version.js';

interface InfoArgs extends GlobalArgs {
  format?: string;
  debug?: boolean;
}

function builder(y: Argv<GlobalArgs>): Argv<InfoArgs> {
  return y
    .option('format', { alias: 'f', type: 'string', describe: 'Change the output format to JSON or a Go template' })
    .option('debug', { alias: 'D', type: 'boolean', describe: 'Display additional debug information (accepted for podman compatibility)' });
}

async function handler(argv: InfoArgs): Promise<void> {
  const { runInfo } = await import('../../host/info.js');
  const text = await runInfo(
    {
      roots: rootsOf(argv),
      flagDriver: argv['storage-driver'],
      storageOpts: argv['storage-opt'],
      version: versionReport().Client,
    },
    argv.format,
  );
  process.stdout.write(text);
}

export const infoCommand: CommandModule<GlobalArgs, InfoArgs> = {
  command: 'info',
  describe: 'Display tsc-run related system information',
  builder,
  handler,
};
