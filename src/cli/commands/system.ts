// `tsc-run system ...`: podman's system command family. To add a
// subcommand (df, prune, check...), write its module and append it to
// `systemSubcommands`.

import type { CommandModule } from 'yargs';
import { commandGroup } from '../command-group.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { infoCommand } from './info.js';
import { dfCommand } from './system-df.js';
import { refusedSystemSubcommands } from './refused.js';
import { systemCheckCommand, systemMigrateCommand, systemPruneCommand, systemRenumberCommand, systemResetCommand } from './system-prune.js';

interface DoctorArgs extends GlobalArgs {
  format?: string;
}

export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check every host prerequisite of rootless containers and print how to fix what is missing',
  builder: (y) => y.option('format', { alias: 'f', type: 'string', describe: 'Change the output format to JSON or a Go template' }),
  handler: async (argv) => {
    const { runDoctor } = await import('../../host/doctor.js');
    const r = await runDoctor({ roots: rootsOf(argv), flagDriver: argv['storage-driver'], storageOpts: argv['storage-opt'] }, argv.format);
    process.stdout.write(r.text);
    // The report already says what failed; no extra `Error:` line.
    if (!r.passed) process.exitCode = 125;
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- subcommands differ in their own argv types
export const systemSubcommands: Array<CommandModule<GlobalArgs, any>> = [
  infoCommand,
  doctorCommand,
  dfCommand,
  systemPruneCommand,
  systemResetCommand,
  systemMigrateCommand,
  systemRenumberCommand,
  systemCheckCommand,
  ...refusedSystemSubcommands,
];

export const systemCommand = commandGroup({ name: 'system', describe: 'Manage tsc-run', subcommands: systemSubcommands });
