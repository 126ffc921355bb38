// Every command family, one module each. Keep imports here light: heavy code
// (Ink, registry client, tar) is imported lazily inside handlers. A new
// top-level command also gets its line in src/cli/dispatch.ts (the table
// that loads only the command being run; a unit test checks the two agree).
//
// A command whose last arguments are a command line of its own (`run IMAGE
// CMD...`, `unshare CMD...`) adds a `trailing` property to its module, e.g.
//   export const runCommand = { command: 'run <image> [command..]', ...,
//     trailing: { positionalsBefore: 1, valueFlags: ['-e', '--env', ...] } };
// main.ts then inserts `--` where that command line starts, so its flags are
// not parsed as ours; read it from argv['--'] (see src/cli/trailing-command.ts).

import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global.js';
import { buildCommand, buildxCommand } from './build.js';
import { historyCommand, imageCommand, imagesCommand, rmiCommand, tagCommand, untagCommand } from './images.js';
import { importCommand } from './import.js';
import { infoCommand } from './info.js';
import { loadCommand } from './load.js';
import { manifestCommand } from './manifest.js';
import { loginCommand, logoutCommand } from './login.js';
import { containerCommand } from './container.js';
import { cpCommand } from './cp.js';
import { commitCommand } from './commit.js';
import { composeCommand } from './compose.js';
import { diffCommand } from './diff.js';
import { exportCommand } from './export.js';
import { mountCommand, unmountCommand } from './mount.js';
import { inspectCommand } from './inspect.js';
import { killCommand } from './kill.js';
import { logsCommand } from './logs.js';
import { portCommand } from './port.js';
import { eventsCommand } from './events.js';
import { execCommand } from './exec.js';
import { pauseCommand, unpauseCommand } from './pause.js';
import { statsCommand } from './stats.js';
import { topCommand } from './top.js';
import { psCommand } from './ps.js';
import { renameCommand } from './rename.js';
import { restartCommand } from './restart.js';
import { rmCommand } from './rm.js';
import { secretCommand } from './secret.js';
import { healthcheckCommand } from './healthcheck.js';
import { stopCommand } from './stop.js';
import { updateCommand } from './update.js';
import { waitCommand } from './wait.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { searchCommand } from './search.js';
import { refusedTopLevel } from './refused.js';
import { machineCommand } from './machine.js';
import { runCommand } from './run.js';
import { attachCommand } from './attach.js';
import { createCommand } from './create.js';
import { startCommand } from './start.js';
import { saveCommand } from './save.js';
import { systemCommand } from './system.js';
import { unshareCommand } from './unshare.js';
import { versionCommand } from './version.js';
import { volumeCommand } from './volume.js';
import { networkCommand } from './network.js';
import { podCommand } from './pod.js';
import { kubeCommand } from './kube.js';
import { playGroupCommand } from './play.js';
import { generateGroupCommand } from './generate.js';
import { completionCommand } from './completion.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs modules differ in their own argv types
export const commands: Array<CommandModule<GlobalArgs, any>> = [
  versionCommand,
  buildCommand,
  buildxCommand,
  importCommand,
  saveCommand,
  loadCommand,
  pullCommand,
  pushCommand,
  searchCommand,
  manifestCommand,
  loginCommand,
  logoutCommand,
  runCommand,
  createCommand,
  startCommand,
  attachCommand,
  psCommand,
  cpCommand,
  diffCommand,
  commitCommand,
  exportCommand,
  mountCommand,
  unmountCommand,
  containerCommand,
  inspectCommand,
  stopCommand,
  updateCommand,
  killCommand,
  rmCommand,
  waitCommand,
  restartCommand,
  logsCommand,
  renameCommand,
  portCommand,
  execCommand,
  pauseCommand,
  unpauseCommand,
  topCommand,
  statsCommand,
  eventsCommand,
  unshareCommand,
  infoCommand,
  systemCommand,
  imageCommand,
  imagesCommand,
  rmiCommand,
  tagCommand,
  untagCommand,
  historyCommand,
  volumeCommand,
  composeCommand,
  secretCommand,
  healthcheckCommand,
  networkCommand,
  podCommand,
  kubeCommand,
  playGroupCommand,
  generateGroupCommand,
  completionCommand,
  machineCommand,
  ...refusedTopLevel,
];
