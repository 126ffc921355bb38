// Which module each top-level command word lives in, so that `tsc-run ps`
// loads ps and nothing else: the full table (commands/index.ts) pulls in
// every command's code, ~430 KB evaluated at every start. main.ts uses this
// for the command it runs; help, unknown words and anything it cannot place
// go through the full table as before. test/unit/cli/dispatch.test.ts keeps
// the two in step (a command missing here only loses the fast path).

import type { AnyCommand } from './help/command-info.js';

type Loader = () => Promise<AnyCommand>;

const build: Loader = () => import('./commands/build.js').then((m) => m.buildCommand);
const images = () => import('./commands/images.js');
const login = () => import('./commands/login.js');
const mount = () => import('./commands/mount.js');
const pause = () => import('./commands/pause.js');

/** Command word (name or alias) → its module's export. */
export const LAZY_COMMANDS: Readonly<Record<string, Loader>> = {
  version: () => import('./commands/version.js').then((m) => m.versionCommand),
  build,
  buildx: () => import('./commands/build.js').then((m) => m.buildxCommand),
  import: () => import('./commands/import.js').then((m) => m.importCommand),
  save: () => import('./commands/save.js').then((m) => m.saveCommand),
  load: () => import('./commands/load.js').then((m) => m.loadCommand),
  pull: () => import('./commands/pull.js').then((m) => m.pullCommand),
  push: () => import('./commands/push.js').then((m) => m.pushCommand),
  manifest: () => import('./commands/manifest.js').then((m) => m.manifestCommand),
  login: () => login().then((m) => m.loginCommand),
  logout: () => login().then((m) => m.logoutCommand),
  run: () => import('./commands/run.js').then((m) => m.runCommand),
  create: () => import('./commands/create.js').then((m) => m.createCommand),
  start: () => import('./commands/start.js').then((m) => m.startCommand),
  attach: () => import('./commands/attach.js').then((m) => m.attachCommand),
  ps: () => import('./commands/ps.js').then((m) => m.psCommand),
  cp: () => import('./commands/cp.js').then((m) => m.cpCommand),
  diff: () => import('./commands/diff.js').then((m) => m.diffCommand),
  commit: () => import('./commands/commit.js').then((m) => m.commitCommand),
  export: () => import('./commands/export.js').then((m) => m.exportCommand),
  mount: () => mount().then((m) => m.mountCommand),
  unmount: () => mount().then((m) => m.unmountCommand),
  umount: () => mount().then((m) => m.unmountCommand),
  container: () => import('./commands/container.js').then((m) => m.containerCommand),
  inspect: () => import('./commands/inspect.js').then((m) => m.inspectCommand),
  stop: () => import('./commands/stop.js').then((m) => m.stopCommand),
  kill: () => import('./commands/kill.js').then((m) => m.killCommand),
  rm: () => import('./commands/rm.js').then((m) => m.rmCommand),
  wait: () => import('./commands/wait.js').then((m) => m.waitCommand),
  restart: () => import('./commands/restart.js').then((m) => m.restartCommand),
  logs: () => import('./commands/logs.js').then((m) => m.logsCommand),
  rename: () => import('./commands/rename.js').then((m) => m.renameCommand),
  port: () => import('./commands/port.js').then((m) => m.portCommand),
  exec: () => import('./commands/exec.js').then((m) => m.execCommand),
  pause: () => pause().then((m) => m.pauseCommand),
  unpause: () => pause().then((m) => m.unpauseCommand),
  top: () => import('./commands/top.js').then((m) => m.topCommand),
  stats: () => import('./commands/stats.js').then((m) => m.statsCommand),
  events: () => import('./commands/events.js').then((m) => m.eventsCommand),
  unshare: () => import('./commands/unshare.js').then((m) => m.unshareCommand),
  info: () => import('./commands/info.js').then((m) => m.infoCommand),
  search: () => import('./commands/search.js').then((m) => m.searchCommand),
  'auto-update': () => import('./commands/refused.js').then((m) => m.autoUpdateCommand),
  machine: () => import('./commands/machine.js').then((m) => m.machineCommand),
  init: () => import('./commands/refused.js').then((m) => m.initCommand),
  update: () => import('./commands/update.js').then((m) => m.updateCommand),
  system: () => import('./commands/system.js').then((m) => m.systemCommand),
  image: () => images().then((m) => m.imageCommand),
  images: () => images().then((m) => m.imagesCommand),
  rmi: () => images().then((m) => m.rmiCommand),
  tag: () => images().then((m) => m.tagCommand),
  untag: () => images().then((m) => m.untagCommand),
  history: () => images().then((m) => m.historyCommand),
  volume: () => import('./commands/volume.js').then((m) => m.volumeCommand),
  compose: () => import('./commands/compose.js').then((m) => m.composeCommand),
  secret: () => import('./commands/secret.js').then((m) => m.secretCommand),
  healthcheck: () => import('./commands/healthcheck.js').then((m) => m.healthcheckCommand),
  network: () => import('./commands/network.js').then((m) => m.networkCommand),
  pod: () => import('./commands/pod.js').then((m) => m.podCommand),
  kube: () => import('./commands/kube.js').then((m) => m.kubeCommand),
  play: () => import('./commands/play.js').then((m) => m.playGroupCommand),
  generate: () => import('./commands/generate.js').then((m) => m.generateGroupCommand),
  completion: () => import('./commands/completion.js').then((m) => m.completionCommand),
};

/** The command word as splitTrailingCommand finds it: after global flags (and the values of those that take one). */
export function commandWord(argv: readonly string[], globalValueFlags: ReadonlySet<string>): string | undefined {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--') {
    const a = argv[i]!;
    i += a.startsWith('--') && !a.includes('=') && globalValueFlags.has(a) ? 2 : 1;
  }
  return argv[i] === '--' ? undefined : argv[i];
}

/** The module of a top-level command word; undefined when the word is not one. */
export function loadCommand(word: string | undefined): Promise<AnyCommand> | undefined {
  return word !== undefined && Object.hasOwn(LAZY_COMMANDS, word) ? LAZY_COMMANDS[word]!() : undefined;
}
