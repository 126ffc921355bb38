// Global flags shared by every command (podman's persistent flags).

import type { Argv } from 'yargs';
import { resolveRoots, type Roots } from '../config/paths.js';

export interface GlobalArgs {
  root?: string | undefined;
  runroot?: string | undefined;
  'storage-driver'?: string | undefined;
  'storage-opt'?: string[] | undefined;
  'log-level': string;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'panic'] as const;

export function withGlobalOptions<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y
    .option('root', { type: 'string', describe: 'Path to the root directory in which data, including images, is stored', global: true })
    .option('runroot', { type: 'string', describe: 'Path to the "run directory" where all state information is stored', global: true })
    .option('storage-driver', { type: 'string', describe: 'Select which storage driver is used to manage storage of images and containers (overlay, vfs)', global: true })
    .option('storage-opt', { type: 'string', array: true, nargs: 1, describe: 'Used to pass an option to the storage driver', global: true })
    .option('log-level', {
      type: 'string',
      choices: LOG_LEVELS,
      default: 'warn',
      describe: 'Log messages above specified level',
      global: true,
    }) as unknown as Argv<T & GlobalArgs>;
}

/** The data and runtime roots a command works on. */
export function rootsOf(argv: GlobalArgs): Roots {
  return resolveRoots({ root: argv.root, runroot: argv.runroot });
}

export function isDebug(argv: Pick<GlobalArgs, 'log-level'>): boolean {
  return argv['log-level'] === 'debug' || argv['log-level'] === 'trace';
}
