// `tsc-run compose ...`: the Compose Specification as docker compose v2
// implements it, built in. The project is loaded by src/compose/load.ts
// (before anything is created); each subcommand's work is in src/compose/.

import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global.js';
import { UsageError } from '../../errors.js';
import type { Project } from '../../compose/model.js';

export interface ComposeArgs extends GlobalArgs {
  file?: string[];
  'project-name'?: string;
  'project-directory'?: string;
  'env-file'?: string[];
  profile?: string[];
}

const strings = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;

function withComposeFlags<T>(y: Argv<T>): Argv<T & ComposeArgs> {
  return y
    .option('file', { ...strings, alias: 'f', describe: 'Compose configuration files', global: true })
    .option('project-name', { type: 'string', requiresArg: true, alias: 'p', describe: 'Project name', global: true })
    .option('project-directory', { type: 'string', requiresArg: true, describe: 'Specify an alternate working directory (default: the path of the, first specified, Compose file)', global: true })
    .option('env-file', { ...strings, describe: 'Specify an alternate environment file', global: true })
    .option('profile', { ...strings, describe: 'Specify a profile to enable', global: true }) as unknown as Argv<T & ComposeArgs>;
}

/** The project the flags and the environment describe; warnings to stderr as docker compose's. */
export async function loadFromArgs(argv: ComposeArgs): Promise<Project> {
  const { loadProject } = await import('../../compose/load.js');
  const fs = await import('node:fs');
  return loadProject({
    cwd: process.cwd(),
    files: argv.file?.map(String),
    projectName: argv['project-name'],
    projectDirectory: argv['project-directory'],
    envFiles: argv['env-file']?.map(String),
    profiles: argv.profile?.flatMap((p) => String(p).split(',')).filter(Boolean),
    env: process.env,
    readStdin: () => fs.readFileSync(0, 'utf8'),
    warn: (m) => process.stderr.write(`WARN[0000] ${m}\n`),
  });
}

interface ConfigArgs extends ComposeArgs {
  services?: boolean;
  volumes?: boolean;
  profiles?: boolean;
  images?: boolean;
  quiet?: boolean;
  format?: string;
  output?: string;
  hash?: string;
}

const configCommand: CommandModule<ComposeArgs, ConfigArgs> = {
  command: 'config [service..]',
  aliases: ['convert'],
  describe: 'Parse, resolve and render compose file in canonical format',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose config [OPTIONS] [SERVICE...]\n\nParse, resolve and render compose file in canonical format')
      .option('services', { type: 'boolean', describe: 'Print the service names, one per line.' })
      .option('volumes', { type: 'boolean', describe: 'Print the volume names, one per line.' })
      .option('profiles', { type: 'boolean', describe: 'Print the profile names, one per line.' })
      .option('images', { type: 'boolean', describe: 'Print the image names, one per line.' })
      .option('hash', { type: 'string', requiresArg: true, describe: 'Print the service config hash, one per line.' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only validate the configuration, don\'t print anything.' })
      .option('format', { type: 'string', requiresArg: true, choices: ['yaml', 'json'], default: 'yaml', describe: 'Format the output. Values: [yaml | json]' })
      .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'Save to file (default to stdout)' }),
  handler: async (argv) => {
    const project = await loadFromArgs(argv);
    const view = await import('../../compose/config-view.js');
    const wanted = (argv as { service?: string[] }).service ?? [];
    for (const s of wanted) if (!(s in project.services)) throw new UsageError(`no such service: ${s}`);
    if (wanted.length) {
      const { withServices } = await import('../../compose/select.js');
      Object.assign(project, withServices(project, wanted));
    }
    let out: string;
    if (argv.quiet) out = '';
    else if (argv.services) out = Object.keys(project.services).sort().map((s) => `${s}\n`).join('');
    else if (argv.volumes) out = Object.keys(project.volumes).map((s) => `${s}\n`).join('');
    else if (argv.profiles) out = view.projectProfiles(project).map((s) => `${s}\n`).join('');
    else if (argv.images) out = Object.keys(project.services).map((s) => `${view.serviceImage(project, s)}\n`).join('');
    else if (argv.hash !== undefined) {
      const { serviceHash } = await import('../../compose/labels.js');
      const names = argv.hash === '*' ? Object.keys(project.services) : argv.hash.split(',');
      out = names.map((n) => {
        if (!(n in project.services)) throw new UsageError(`no such service: ${n}`);
        return `${n} ${serviceHash(project.services[n]!)}\n`;
      }).join('');
    } else out = argv.format === 'json' ? view.configJson(project) : view.configYaml(project);
    if (argv.output !== undefined) {
      const fs = await import('node:fs/promises');
      await fs.writeFile(argv.output, out);
    } else process.stdout.write(out);
  },
};

const subcommands: Array<CommandModule<ComposeArgs, never>> = [configCommand as never];

export const composeCommand: CommandModule<GlobalArgs, ComposeArgs> = {
  command: 'compose',
  describe: 'Define and run multi-container applications',
  builder: (y) =>
    withComposeFlags(y.usage('Usage: tsc-run compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with tsc-run'))
      .command(subcommands)
      .demandCommand(1, "missing command 'tsc-run compose COMMAND'") as never,
  handler: () => {},
};
