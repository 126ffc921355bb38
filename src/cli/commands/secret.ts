// `tsc-run secret ...`: podman's secret command family (create, ls|list,
// inspect, rm|remove, exists). The work is in src/secret/.

import type { CommandModule } from 'yargs';
import { ChildExit, UsageError, errnoText } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { commandGroup } from '../command-group.js';

const strings = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;

interface CreateArgs extends GlobalArgs {
  name?: string;
  file?: string;
  extra?: string[];
  driver?: string;
  'driver-opts'?: string[];
  env?: boolean;
  label?: string[];
}

async function readInput(source: string, env: boolean): Promise<Buffer> {
  if (env) {
    const v = process.env[source];
    if (v === undefined) throw new UsageError(`cannot create secret - environment variable ${source} is not set`);
    return Buffer.from(v);
  }
  const fs = await import('node:fs/promises');
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await fs.readFile(source);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`open ${source}: ${errnoText(e)}`);
  }
}

const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create [name] [file] [extra..]',
  describe: 'Create a new secret',
  builder: (y) =>
    y
      .usage('Usage: tsc-run secret create [options] NAME FILE|-\n\nCreate a secret. Input can be a path to a file or "-" (read from stdin). Default driver is file (unencrypted).')
      .example('tsc-run secret create mysecret /path/to/secret', '')
      .positional('name', { type: 'string' })
      .positional('file', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('driver', { alias: 'd', type: 'string', requiresArg: true, default: 'file', describe: 'Specify secret driver' })
      .option('driver-opts', { ...strings, describe: 'Specify driver specific options (default [])' })
      .option('env', { type: 'boolean', describe: 'Read secret data from environment variable' })
      .option('label', { ...strings, alias: 'l', describe: 'Specify labels on the secret' }),
  handler: async (argv) => {
    const n = [argv.name, argv.file, ...(argv.extra ?? [])].filter((x) => x !== undefined).length;
    if (n !== 2) throw new UsageError(`accepts 2 arg(s), received ${n}`);
    if (argv.driver !== 'file') throw new UsageError(`secret driver ${JSON.stringify(argv.driver)} is not supported by tsc-run: only "file"`);
    if (argv['driver-opts']?.length) throw new UsageError('--driver-opts: the file driver of tsc-run takes no options');
    const labels: Record<string, string> = {};
    for (const l of argv.label ?? []) {
      const s = String(l);
      const eq = s.indexOf('=');
      labels[eq < 0 ? s : s.slice(0, eq)] = eq < 0 ? '' : s.slice(eq + 1);
    }
    // yargs hands a lone `-` positional over as ''.
    const data = await readInput(argv.file === '' ? '-' : String(argv.file), argv.env === true);
    const { secretCreate } = await import('../../secret/secret-commands.js');
    process.stdout.write(await secretCreate(rootsOf(argv).dataRoot, String(argv.name), data, labels));
  },
};

interface LsArgs extends GlobalArgs {
  filter?: string[];
  format?: string;
  noheading?: boolean;
  quiet?: boolean;
  extra?: string[];
}

const lsCommand: CommandModule<GlobalArgs, LsArgs> = {
  command: 'ls [extra..]',
  aliases: ['list'],
  describe: 'List secrets',
  builder: (y) =>
    y
      .usage('Usage: tsc-run secret ls [options]\n\nList secrets')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('filter', { ...strings, alias: 'f', describe: 'Filter secret output' })
      .option('format', { type: 'string', requiresArg: true, describe: 'Format volume output using Go template' })
      .option('noheading', { type: 'boolean', describe: 'Do not print headers' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print secret IDs only' }),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError(`\`tsc-run secret ls\` takes no arguments`);
    const { secretList } = await import('../../secret/secret-commands.js');
    const filters = (argv.filter ?? []).flatMap((f) => String(f).split(','));
    process.stdout.write(await secretList(rootsOf(argv).dataRoot, { format: argv.format, noHeading: argv.noheading, quiet: argv.quiet, filters }));
  },
};

const inspectCommand: CommandModule<GlobalArgs, GlobalArgs & { names?: string[]; format?: string; pretty?: boolean }> = {
  command: 'inspect [names..]',
  describe: 'Inspect a secret',
  builder: (y) =>
    y
      .usage('Usage: tsc-run secret inspect [options] SECRET [SECRET...]\n\nDisplay detail information on one or more secrets')
      .positional('names', { type: 'string', array: true })
      .option('format', { alias: 'f', type: 'string', requiresArg: true, describe: 'Format inspect output using Go template' })
      .option('pretty', { type: 'boolean', describe: 'Print inspect output in human-readable format' }),
  handler: async (argv) => {
    const names = (argv.names ?? []).map(String);
    if (!names.length) throw new UsageError('requires at least 1 arg(s), only received 0');
    const { secretInspect } = await import('../../secret/secret-commands.js');
    const r = await secretInspect(rootsOf(argv).dataRoot, names, { format: argv.format, pretty: argv.pretty });
    process.stdout.write(r.text);
    if (r.error) throw r.error;
  },
};

const rmCommand: CommandModule<GlobalArgs, GlobalArgs & { names?: string[]; all?: boolean }> = {
  command: 'rm [names..]',
  aliases: ['remove'],
  describe: 'Remove one or more secrets',
  builder: (y) =>
    y
      .usage('Usage: tsc-run secret rm [options] SECRET [SECRET...]\n\nRemove one or more secrets')
      .positional('names', { type: 'string', array: true })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all secrets' }),
  handler: async (argv) => {
    const { secretRemove } = await import('../../secret/secret-commands.js');
    const r = await secretRemove(rootsOf(argv).dataRoot, (argv.names ?? []).map(String), argv.all === true);
    process.stdout.write(r.text);
    if (r.error) throw r.error;
  },
};

const existsCommand: CommandModule<GlobalArgs, GlobalArgs & { name?: string }> = {
  command: 'exists [name]',
  describe: 'Check if a secret exists in local storage',
  builder: (y) => y.usage('Usage: tsc-run secret exists SECRET\n\nCheck if a secret exists in local storage').positional('name', { type: 'string' }),
  handler: async (argv) => {
    if (argv.name === undefined) throw new UsageError('accepts 1 arg(s), received 0');
    const { secretExists } = await import('../../secret/secret-commands.js');
    if (!(await secretExists(rootsOf(argv).dataRoot, argv.name))) throw new ChildExit(1);
  },
};

export const secretCommand = commandGroup({
  name: 'secret',
  describe: 'Manage secrets',
  long: 'Manage secrets',
  subcommands: [createCommand, inspectCommand, lsCommand, rmCommand, existsCommand],
});
