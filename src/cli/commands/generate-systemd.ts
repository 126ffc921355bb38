// `tsc-run generate systemd CONTAINER`: podman 4.3's flags; the unit is
// built in src/runtime/views/systemd-unit.ts.

import type { CommandModule } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface SystemdArgs extends GlobalArgs {
  target?: string;
  extra?: string[];
  after?: string[];
  'container-prefix'?: string;
  env?: string[];
  files?: boolean;
  format?: string;
  name?: boolean;
  new?: boolean;
  'no-header'?: boolean;
  header?: boolean;
  'pod-prefix'?: string;
  requires?: string[];
  'restart-policy'?: string;
  'restart-sec'?: number;
  separator?: string;
  'start-timeout'?: number;
  'stop-timeout'?: number;
  time?: number;
  template?: boolean;
  wants?: string[];
}

const strings = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;

function uint(v: number | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || v < 0) throw new UsageError(`invalid argument "${String(v)}" for "--${flag}" flag: strconv.ParseUint: parsing "${String(v)}": invalid syntax`);
  return v;
}

export const generateSystemdCommand: CommandModule<GlobalArgs, SystemdArgs> = {
  command: 'systemd [target] [extra..]',
  describe: 'Generate systemd units.',
  builder: (y) =>
    y
      .usage('Usage: tsc-run generate systemd [options] {CONTAINER|POD}\n\nGenerate systemd units for a pod or container.\n  The generated units can later be controlled via systemctl(1).')
      .example('tsc-run generate systemd CTR', '')
      .example('tsc-run generate systemd --new --time 10 CTR', '')
      .example('tsc-run generate systemd --files --name POD', '')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('after', { ...strings, describe: 'Add dependencies order to the generated unit file' })
      .option('container-prefix', { type: 'string', requiresArg: true, default: 'container', describe: 'Systemd unit name prefix for containers' })
      .option('env', { ...strings, alias: 'e', describe: 'Set environment variables to the systemd unit files' })
      .option('files', { alias: 'f', type: 'boolean', describe: 'Generate .service files instead of printing to stdout' })
      .option('format', { type: 'string', requiresArg: true, describe: 'Print the created units in specified format (json)' })
      .option('name', { alias: 'n', type: 'boolean', describe: 'Use container/pod names instead of IDs' })
      .option('new', { type: 'boolean', describe: 'Create a new container or pod instead of starting an existing one' })
      .option('no-header', { type: 'boolean', describe: 'Skip header generation' })
      .option('header', { type: 'boolean', hidden: true }) // yargs reads --no-header as header=false
      .option('pod-prefix', { type: 'string', requiresArg: true, default: 'pod', describe: 'Systemd unit name prefix for pods' })
      .option('requires', { ...strings, describe: 'Similar to wants, but declares stronger requirement dependencies' })
      .option('restart-policy', { type: 'string', requiresArg: true, default: 'on-failure', describe: 'Systemd restart-policy' })
      .option('restart-sec', { type: 'number', requiresArg: true, describe: 'Systemd restart-sec' })
      .option('separator', { type: 'string', requiresArg: true, default: '-', describe: 'Systemd unit name separator between name/id and prefix' })
      .option('start-timeout', { type: 'number', requiresArg: true, describe: 'Start timeout override' })
      .option('stop-timeout', { type: 'number', requiresArg: true, default: 10, describe: 'Stop timeout override' })
      .option('time', { alias: 't', type: 'number', requiresArg: true, hidden: true }) // podman's older spelling
      .option('template', { type: 'boolean', describe: 'Make it a template file and use %i and %I specifiers. Working only for containers' })
      .option('wants', { ...strings, describe: 'Add (weak) requirement dependencies to the generated unit file' }),
  handler: async (argv) => {
    const given = [argv.target, ...(argv.extra ?? [])].filter((a) => a !== undefined);
    if (given.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${given.length}`);
    const flagGiven = (f: string) => process.argv.some((a) => a === `--${f}` || a.startsWith(`--${f}=`));
    const [{ generateSystemd, emitUnits, unitContainerOf }, { podForUnits, podUnits }, { selfCommand }, { VERSION }, { CREATE_VALUE_FLAGS }, { warn }] = await Promise.all([
      import('../../runtime/views/generate-systemd.js'),
      import('../../pod/pod-systemd.js'),
      import('../../runtime/container/container-start.js'),
      import('../../version.js'),
      import('./container-flags.js'),
      import('../warn.js'),
    ]);
    const o = {
      useName: argv.name === true,
      // podman 4.3: --template implies --new; only an explicit --new=false refuses it.
      new: argv.new === true || (argv.template === true && !flagGiven('new')),
      noHeader: argv['no-header'] === true || argv.header === false,
      containerPrefix: argv['container-prefix'] ?? 'container',
      separator: argv.separator ?? '-',
      // Only a given --restart-policy overrides what --new reads from the container's --restart.
      restartPolicy: flagGiven('restart-policy') ? argv['restart-policy'] : undefined,
      restartSec: uint(argv['restart-sec'], 'restart-sec'),
      startTimeout: uint(argv['start-timeout'], 'start-timeout'),
      // podman's -t default of 10 applies only when given; otherwise the container's own stop timeout.
      stopTimeout: argv.time !== undefined ? uint(argv.time, 'time') : flagGiven('stop-timeout') ? uint(argv['stop-timeout'], 'stop-timeout') : undefined,
      template: argv.template === true,
      wants: (argv.wants ?? []).map(String),
      after: (argv.after ?? []).map(String),
      requires: (argv.requires ?? []).map(String),
      env: (argv.env ?? []).map(String),
      files: argv.files === true,
      format: argv.format,
    };
    if (o.format !== undefined && o.format !== 'json') throw new TscRunError(`unknown --format argument: ${o.format}`);
    const roots = rootsOf(argv);
    const pod = await podForUnits(roots, String(given[0]));
    const out = pod
      ? emitUnits(await podUnits(roots, pod, { ...o, podPrefix: argv['pod-prefix'] ?? 'pod' }, { executable: selfCommand(), version: VERSION, unitContainerOf, valueFlags: new Set(CREATE_VALUE_FLAGS), warn }), o)
      : await generateSystemd(roots, String(given[0]), o, new Set(CREATE_VALUE_FLAGS), warn);
    process.stdout.write(out);
  },
};
