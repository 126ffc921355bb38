import { describe, expect, it } from 'vitest';
import type { CommandModule } from 'yargs';
import { describeCommand, describeRoot } from '../../../src/cli/help/command-info.js';
import { flagTable, helpText } from '../../../src/cli/help/render.js';
import { route } from '../../../src/cli/help/route.js';
import { commandGroup } from '../../../src/cli/command-group.js';

const ls: CommandModule = {
  command: 'ls [extra..]',
  aliases: ['list'],
  describe: 'List volumes',
  builder: (y) =>
    y
      .usage('Usage: tsc-run volume ls [options]\n\nList all available volumes.')
      .option('filter', { alias: 'f', type: 'string', array: true, describe: 'Filter volume output' })
      .option('format', { type: 'string', describe: 'Format volume output using Go template' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print volume output in quiet mode' })
      .option('secret', { type: 'boolean', hidden: true, describe: 'x' }),
  handler: () => {},
};
const create: CommandModule = {
  command: 'create [name]',
  describe: 'Create a new volume',
  builder: (y) => y.option('driver', { type: 'string', default: 'local', describe: 'Specify volume driver name' }),
  handler: () => {},
};
const hostname: CommandModule = {
  command: 'run <image> [command..]',
  describe: 'Run a command in a new container',
  builder: (y) => y.option('hostname', { alias: 'h', type: 'string', describe: 'Set container hostname' }),
  handler: () => {},
};
const volume = commandGroup({ name: 'volume', describe: 'Manage volumes', long: 'Volumes are created in and can be shared between containers', subcommands: [create, ls] });
const root = describeRoot('tsc-run', 'Manage pods, containers and images', [volume, hostname], (y) =>
  (y as { option: (n: string, o: object) => unknown }).option('root', { type: 'string', describe: 'Path to the root directory' }),
);
const values = new Set(['--root']);

describe('command info', () => {
  it('reads options, aliases, usage and subcommands without yargs', () => {
    const v = root.subcommands.find((c) => c.name === 'volume')!;
    expect(v.subcommands.map((s) => s.name)).toEqual(['create', 'ls']);
    const l = v.subcommands[1]!;
    expect(l).toMatchObject({ path: 'tsc-run volume ls', aliases: ['list'], useLine: 'tsc-run volume ls [options]', long: 'List all available volumes.' });
    expect(l.options.map((o) => [o.name, o.short, o.hidden])).toEqual([
      ['filter', 'f', false],
      ['format', undefined, false],
      ['quiet', 'q', false],
      ['secret', undefined, true],
    ]);
    expect(describeCommand(create, 'tsc-run volume').useLine).toBe('tsc-run volume create [options] [NAME]');
  });

  it('puts a reused module\'s usage line where it is, as cobra does (`load` as `image load`)', () => {
    const load: CommandModule = { command: 'load', aliases: ['ld'], describe: 'Load', builder: (y) => y.usage('Usage: tsc-run load [options]\n\nLoads.'), handler: () => {} };
    expect(describeCommand(load, 'tsc-run image').useLine).toBe('tsc-run image load [options]');
    expect(describeCommand(load, 'tsc-run').useLine).toBe('tsc-run load [options]');
    // A usage line about another command is left as written.
    const other: CommandModule = { command: 'x', describe: 'X', builder: (y) => y.usage('Usage: tsc-run images [options]'), handler: () => {} };
    expect(describeCommand(other, 'tsc-run image').useLine).toBe('tsc-run images [options]');
  });
});

describe('help layout (podman 4.3)', () => {
  it('aligns the flag table as pflag does, hides hidden flags, prints defaults', () => {
    const l = root.subcommands[0]!.subcommands[1]!;
    expect(flagTable(l.options)).toBe(
      '  -f, --filter strings   Filter volume output\n' +
        '      --format string    Format volume output using Go template\n' +
        '  -q, --quiet            Print volume output in quiet mode\n',
    );
    expect(flagTable(root.subcommands[0]!.subcommands[0]!.options)).toBe('      --driver string   Specify volume driver name (default "local")\n');
  });
  it('prints a group with its commands and cobra trailing blank line', () => {
    const v = root.subcommands.find((c) => c.name === 'volume')!;
    expect(helpText(v)).toBe(
      'Manage volumes\n\nDescription:\n  Volumes are created in and can be shared between containers\n\nUsage:\n  tsc-run volume [command]\n\n' +
        'Available Commands:\n  create      Create a new volume\n  ls          List volumes\n\n',
    );
  });
  it('prints the root with help among the commands and the global options', () => {
    const t = helpText(root, true);
    expect(t.startsWith('Manage pods, containers and images\n\nUsage:\n  tsc-run [options] [command]\n\nAvailable Commands:\n  help        Help about any command\n  run ')).toBe(true);
    expect(t.endsWith('Options:\n      --root string   Path to the root directory\n')).toBe(true);
  });
});

describe('routing before yargs', () => {
  it('finds help for any depth, through global flags and after other flags', () => {
    expect(route(['--help'], root, values)).toMatchObject({ kind: 'help', isRoot: true });
    expect(route(['help'], root, values)).toMatchObject({ kind: 'help', isRoot: true });
    expect(route(['help', 'volume', 'ls'], root, values)).toMatchObject({ kind: 'help', command: { path: 'tsc-run volume ls' } });
    expect(route(['--root', '/x', 'volume', '-h'], root, values)).toMatchObject({ kind: 'help', command: { path: 'tsc-run volume' } });
    expect(route(['volume', 'list', '-q', '--help'], root, values)).toMatchObject({ kind: 'help', command: { path: 'tsc-run volume ls' } });
    expect(route(['help', 'nosuch'], root, values)).toEqual({ kind: 'unknown-topic', topic: 'nosuch' });
  });
  it('leaves -h to a command that defines it, and a container command line alone', () => {
    expect(route(['run', '-h', 'box', 'img'], root, values)).toEqual({ kind: 'run' });
    expect(route(['run', 'img', '--', 'ls', '--help'], root, values)).toEqual({ kind: 'run' });
    expect(route(['run', '--help'], root, values)).toMatchObject({ kind: 'help' });
  });
  it('refuses unknown commands and bare groups', () => {
    expect(route([], root, values)).toMatchObject({ kind: 'missing', isRoot: true });
    expect(route(['volume'], root, values)).toMatchObject({ kind: 'missing', command: { path: 'tsc-run volume' } });
    expect(route(['volume', 'nosuch'], root, values)).toMatchObject({ kind: 'unknown', message: expect.stringMatching(/^unrecognized command `tsc-run volume nosuch`/) });
    expect(route(['rn'], root, values)).toMatchObject({ kind: 'unknown', message: expect.stringContaining('did you mean `run`?') });
    expect(route(['volume', 'ls', 'x'], root, values)).toEqual({ kind: 'run' });
  });
  it('after an unknown command word, as cobra: an unknown flag first, then --help, then the unknown command', () => {
    expect(route(['bad', '--invalid'], root, values)).toEqual({ kind: 'bad-flag', message: 'unknown flag: --invalid', helpPath: 'tsc-run' });
    expect(route(['volume', 'bad', '-x'], root, values)).toEqual({ kind: 'bad-flag', message: "unknown shorthand flag: 'x' in -x", helpPath: 'tsc-run volume' });
    expect(route(['bad', '--help', '--invalid'], root, values)).toMatchObject({ kind: 'bad-flag' });
    expect(route(['bad', '--root', '/x'], root, values)).toMatchObject({ kind: 'unknown' });
    expect(route(['bad', '--root=/x', '--', '--invalid'], root, values)).toMatchObject({ kind: 'unknown' });
    expect(route(['bad', '--help'], root, values)).toMatchObject({ kind: 'help', isRoot: true });
    expect(route(['volume', 'bad', '-h'], root, values)).toMatchObject({ kind: 'help', command: { path: 'tsc-run volume' } });
  });
});
