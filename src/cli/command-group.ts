// A command group (`system`, `volume`, `network`, `pod`...): a word whose
// subcommands do the work. Declare one with
//
//   export const volumeCommand = commandGroup({
//     name: 'volume',
//     describe: 'Manage volumes',                       // its line in `Available Commands:`
//     long: 'Volumes are created in and can be shared between containers',  // `Description:`
//     subcommands: [createCommand, listCommand, ...],    // ordinary yargs command modules
//   });
//
// and add it to src/cli/commands/index.ts. Help, `tsc-run volume` alone
// (usage + exit 125) and unknown subcommands are answered before yargs by
// src/cli/help/route.ts from the same modules; the fallback below only
// catches what reaches yargs anyway.

import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import type { GlobalArgs } from './global.js';
import type { AnyCommand } from './help/command-info.js';

export interface GroupSpec {
  name: string;
  aliases?: string[];
  describe: string;
  long?: string;
  subcommands: AnyCommand[];
}

export function commandGroup(spec: GroupSpec): CommandModule<GlobalArgs, GlobalArgs> {
  const fallback: CommandModule<GlobalArgs, GlobalArgs & { subcommand?: string }> = {
    command: '* [subcommand]',
    describe: false,
    handler: (argv) => {
      const hint = `try 'tsc-run ${spec.name} --help' for more information`;
      if (argv.subcommand === undefined) throw new UsageError(`missing command 'tsc-run ${spec.name} COMMAND'`);
      throw new UsageError(`unrecognized command \`tsc-run ${spec.name} ${argv.subcommand}\`; ${hint}`);
    },
  };
  return {
    command: spec.name,
    ...(spec.aliases ? { aliases: spec.aliases } : {}),
    describe: spec.describe,
    builder: (y: Argv<GlobalArgs>) => {
      const withUsage = spec.long ? y.usage(`Usage: tsc-run ${spec.name}\n\n${spec.long}`) : y;
      return withUsage.command([...spec.subcommands, fallback] as CommandModule<GlobalArgs>[]);
    },
    handler: () => {},
  };
}
