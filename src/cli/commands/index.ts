// Every command family, one module each. Keep imports here light: heavy code
// (Ink, registry client, tar) is imported lazily inside handlers.

import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global.js';
import { versionCommand } from './version.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs modules differ in their own argv types
export const commands: Array<CommandModule<GlobalArgs, any>> = [
  versionCommand,
];
