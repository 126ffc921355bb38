// `tsc-run compose ...`: the Compose Specification as docker compose v2
// implements it, built in. The project is loaded by src/compose/load.ts
// (before anything is created); each subcommand's work is in src/compose/.

import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global.js';
import { UsageError } from '../../errors.js';
import type { Project } from '../../compose/model.js';
import type { ComposeContext } from '../../compose/engine/up.js';
import { rootsOf } from '../global.js';
import { ChildExit } from '../../errors.js';
import { useColor } from '../../compose/log-prefix.js';
import { moreComposeCommands } from './compose-more.js';
import { parallelLimit } from '../../compose/engine/limit.js';

export interface ComposeArgs extends GlobalArgs {
  file?: string[];
  'project-name'?: string;
  'project-directory'?: string;
  'env-file'?: string[];
  profile?: string[];
  ansi?: string;
  progress?: string;
  'dry-run'?: boolean;
  parallel?: string;
  compatibility?: boolean;
  'all-resources'?: boolean;
  verbose?: boolean;
  'no-ansi'?: boolean;
  workdir?: string;
}

const strings = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;

function withComposeFlags<T>(y: Argv<T>): Argv<T & ComposeArgs> {
  return y
    .option('file', { ...strings, alias: 'f', describe: 'Compose configuration files', global: true })
    .option('project-name', { type: 'string', requiresArg: true, alias: 'p', describe: 'Project name', global: true })
    .option('project-directory', { type: 'string', requiresArg: true, describe: 'Specify an alternate working directory (default: the path of the, first specified, Compose file)', global: true })
    .option('env-file', { ...strings, describe: 'Specify an alternate environment file', global: true })
    .option('profile', { ...strings, describe: 'Specify a profile to enable', global: true })
    .option('dry-run', { type: 'boolean', describe: 'Execute command in dry run mode', global: true })
    .option('progress', { type: 'string', requiresArg: true, describe: 'Set type of progress output (auto, tty, plain, json, quiet)', global: true })
    .option('ansi', { type: 'string', requiresArg: true, choices: ['never', 'always', 'auto'], default: 'auto', describe: 'Control when to print ANSI control characters ("never"|"always"|"auto")', global: true })
    .option('parallel', { type: 'string', requiresArg: true, default: '-1', describe: 'Control max parallelism, -1 for unlimited', global: true })
    .option('compatibility', { type: 'boolean', describe: 'Run compose in backward compatibility mode', global: true })
    .option('all-resources', { type: 'boolean', describe: 'Include all resources, even those not used by services', global: true })
    .option('verbose', { type: 'boolean', hidden: true, describe: 'Show more output', global: true })
    .option('no-ansi', { type: 'boolean', hidden: true, describe: 'Do not print ANSI control characters (DEPRECATED)', global: true })
    .option('workdir', { type: 'string', requiresArg: true, hidden: true, describe: 'DEPRECATED! USE --project-directory INSTEAD.', global: true }) as unknown as Argv<T & ComposeArgs>;
}

/** Whether a global flag was given on the command line (an environment default applies only when not). */
function given(flag: string): boolean {
  return process.argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
}

/**
 * The global flags' environment defaults and docker compose's checks of
 * them, before any subcommand runs: COMPOSE_ANSI, COMPOSE_PROGRESS,
 * COMPOSE_ENV_FILES, COMPOSE_PARALLEL_LIMIT (checked), the deprecated
 * --no-ansi and --workdir.
 */
export function prepareComposeGlobals(argv: ComposeArgs): void {
  const env = process.env;
  if (argv['no-ansi']) {
    if (argv.ansi !== undefined && argv.ansi !== 'auto') throw new UsageError('cannot specify DEPRECATED "--no-ansi" and "--ansi". Please use only "--ansi"');
    argv.ansi = 'never';
    process.stderr.write("option '--no-ansi' is DEPRECATED ! Please use '--ansi' instead.\n");
  }
  if (env.COMPOSE_ANSI !== undefined && !given('ansi') && !argv['no-ansi']) argv.ansi = env.COMPOSE_ANSI;
  if (argv.progress === undefined && env.COMPOSE_PROGRESS) argv.progress = env.COMPOSE_PROGRESS;
  if (argv.workdir !== undefined) {
    if (argv['project-directory'] !== undefined) throw new UsageError('cannot specify DEPRECATED "--workdir" and "--project-directory". Please use only "--project-directory" instead');
    argv['project-directory'] = argv.workdir;
    process.stderr.write("option '--workdir' is DEPRECATED at root level! Please use '--project-directory' instead.\n");
  }
  if (argv['env-file'] === undefined && env.COMPOSE_ENV_FILES) argv['env-file'] = env.COMPOSE_ENV_FILES.split(',').filter(Boolean);
  parallelLimitOf(argv);
}

/** --parallel N (COMPOSE_PARALLEL_LIMIT when not given); -1 or 0: no limit. */
function parallelLimitOf(argv: ComposeArgs): number {
  return parallelLimit(given('parallel') ? argv.parallel : undefined, process.env);
}

/** Truthy as Go's strconv.ParseBool reads it (COMPOSE_COMPATIBILITY). */
const goTrue = (v: string | undefined) => v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);

/** Colours per service prefix: on a terminal (or --ansi always), never with --no-color, NO_COLOR or --ansi never. */
function colorOf(argv: ComposeArgs & { 'no-color'?: boolean }): boolean {
  return useColor({ ansi: argv.ansi, noColor: argv['no-color'] === true || !!process.env.NO_COLOR, isTTY: process.stdout.isTTY === true });
}

/** The project the flags and the environment describe; warnings to stderr as docker compose's. */
export async function loadFromArgs(argv: ComposeArgs, switches?: Partial<import('../../compose/load.js').LoadSwitches>): Promise<Project> {
  const { loadProject } = await import('../../compose/load.js');
  const p = loadProject(await loadOptions(argv, switches));
  // --compatibility (or COMPOSE_COMPATIBILITY, from .env too): compose v1's `_` in the names it makes.
  if (argv.compatibility === true || goTrue(p.environment.COMPOSE_COMPATIBILITY)) p.separator = '_';
  if (argv['all-resources'] === true) return Object.assign(p, { allResources: true });
  const { withoutUnusedResources } = await import('../../compose/select.js');
  return withoutUnusedResources(p);
}

async function loadOptions(argv: ComposeArgs, switches?: Partial<import('../../compose/load.js').LoadSwitches>): Promise<import('../../compose/load.js').LoadOptions> {
  const fs = await import('node:fs');
  return {
    cwd: process.cwd(),
    files: argv.file?.map(String),
    projectName: argv['project-name'],
    projectDirectory: argv['project-directory'],
    envFiles: argv['env-file']?.map(String),
    profiles: argv.profile?.flatMap((p) => String(p).split(',')).filter(Boolean),
    env: process.env,
    readStdin: () => fs.readFileSync(0, 'utf8'),
    warn: (m) => process.stderr.write(`WARN[0000] ${m}\n`),
    ...(switches ? { switches } : {}),
  };
}

/** --root, --runroot and the storage flags, passed on to every engine command compose runs. */
function engineGlobals(argv: ComposeArgs): string[] {
  const globals: string[] = [];
  if (argv.root !== undefined) globals.push('--root', argv.root);
  if (argv.runroot !== undefined) globals.push('--runroot', argv.runroot);
  if (argv['storage-driver'] !== undefined) globals.push('--storage-driver', argv['storage-driver']);
  for (const o of argv['storage-opt'] ?? []) globals.push('--storage-opt', String(o));
  return globals;
}

interface ConfigArgs extends ComposeArgs {
  services?: boolean;
  volumes?: boolean;
  networks?: boolean;
  models?: boolean;
  profiles?: boolean;
  images?: boolean;
  variables?: boolean;
  environment?: boolean;
  quiet?: boolean;
  format?: string;
  output?: string;
  hash?: string;
  'resolve-image-digests'?: boolean;
  'lock-image-digests'?: boolean;
  'no-interpolate'?: boolean;
  'no-normalize'?: boolean;
  'no-path-resolution'?: boolean;
  'no-consistency'?: boolean;
  'no-env-resolution'?: boolean;
}

const configCommand: CommandModule<ComposeArgs, ConfigArgs> = {
  command: 'config [service..]',
  aliases: ['convert'],
  describe: 'Parse, resolve and render compose file in canonical format',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose config [OPTIONS] [SERVICE...]\n\nParse, resolve and render compose file in canonical format')
      .option('environment', { type: 'boolean', describe: 'Print environment used for interpolation.' })
      .option('format', { type: 'string', requiresArg: true, describe: 'Format the output. Values: [yaml | json]' })
      .option('hash', { type: 'string', requiresArg: true, describe: 'Print the service config hash, one per line.' })
      .option('images', { type: 'boolean', describe: 'Print the image names, one per line.' })
      .option('lock-image-digests', { type: 'boolean', describe: 'Produces an override file with image digests' })
      .option('models', { type: 'boolean', describe: 'Print the model names, one per line.' })
      .option('networks', { type: 'boolean', describe: 'Print the network names, one per line.' })
      .option('no-consistency', { type: 'boolean', describe: "Don't check model consistency - warning: may produce invalid Compose output" })
      .option('no-env-resolution', { type: 'boolean', describe: "Don't resolve service env files" })
      .option('no-interpolate', { type: 'boolean', describe: "Don't interpolate environment variables" })
      .option('no-normalize', { type: 'boolean', describe: "Don't normalize compose model" })
      .option('no-path-resolution', { type: 'boolean', describe: "Don't resolve file paths" })
      .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'Save to file (default to stdout)' })
      .option('profiles', { type: 'boolean', describe: 'Print the profile names, one per line.' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: "Only validate the configuration, don't print anything" })
      .option('resolve-image-digests', { type: 'boolean', describe: 'Pin image tags to digests' })
      .option('services', { type: 'boolean', describe: 'Print the service names, one per line.' })
      .option('variables', { type: 'boolean', describe: 'Print model variables and default values.' })
      .option('volumes', { type: 'boolean', describe: 'Print the volume names, one per line.' })
      .parserConfiguration({ 'boolean-negation': false }),
  handler: async (argv) => {
    const out = await configOutput(argv);
    // -o takes the full configuration only (docker compose prints the lists to stdout); -q prints nothing.
    if (argv.quiet || out === undefined) return;
    if (out.full && argv.output !== undefined && argv.output !== '') {
      if (out.text.length > 0) {
        const fs = await import('node:fs/promises');
        await fs.writeFile(argv.output, out.text, { mode: 0o666 });
      }
      return;
    }
    process.stdout.write(out.text);
  },
};

/** What `compose config` prints (`full`: the configuration itself, which -o may take). */
async function configOutput(argv: ConfigArgs): Promise<{ text: string; full: boolean } | undefined> {
  const lines = (l: readonly string[]) => ({ text: l.map((x) => `${x}\n`).join(''), full: false });
  const noNormalize = argv['no-normalize'] === true || (argv as { compatibility?: boolean }).compatibility === true;
  const switches = {
    interpolate: argv['no-interpolate'] !== true,
    normalize: !noNormalize,
    resolvePaths: argv['no-path-resolution'] !== true,
    consistency: argv['no-consistency'] !== true,
  };
  const wanted = ((argv as { service?: string[] }).service ?? []).map(String);
  const format = argv.format;
  const load = async (resolveEnvFiles: boolean) => {
    const project = await loadFromArgs(argv, { ...switches, interpolate: true, resolveEnvFiles });
    for (const s of wanted) if (!(s in project.services)) throw new UsageError(`no such service: ${s}`);
    if (wanted.length) {
      const { withServices } = await import('../../compose/select.js');
      Object.assign(project, withServices(project, wanted));
    }
    return project;
  };
  const model = async () => {
    const { loadModel } = await import('../../compose/load.js');
    return loadModel(await loadOptions(argv, switches));
  };
  const view = await import('../../compose/config-view.js');
  if (argv.services) {
    if (!switches.interpolate) return lines(Object.keys(((await model()).services ?? {})));
    return lines(Object.keys((await load(false)).services).sort());
  }
  if (argv.volumes) return lines(Object.keys((await load(false)).volumes));
  if (argv.networks) return lines(Object.keys((await load(false)).networks));
  if (argv.models) return lines(Object.values((await load(false)).models ?? {}).map((m) => m.model).filter((m): m is string => typeof m === 'string' && m !== '').sort());
  if (argv.hash !== undefined && argv.hash !== '') {
    const project = await load(false);
    const { serviceHash } = await import('../../compose/labels.js');
    const names = argv.hash === '*' ? Object.keys(project.services) : argv.hash.split(',');
    return lines(names.sort().map((n) => {
      if (!(n in project.services)) throw new UsageError(`no such service: ${n}`);
      return `${n} ${serviceHash(project.services[n]!)}`;
    }));
  }
  if (argv.profiles) return lines(view.projectProfiles(await load(false)));
  if (argv.images) {
    const project = await load(false);
    return lines(Object.keys(project.services).map((s) => view.serviceImage(project, s)));
  }
  if (argv.variables) {
    // From the files as written (before interpolation); stdin was read once already.
    const project = await load(false);
    const fs = await import('node:fs');
    const { readYaml } = await import('../../compose/yaml-read.js');
    const { extractVariables, variablesOutput } = await import('../../compose/variables.js');
    const vars = new Map<string, import('../../compose/variables.js').Variable>();
    for (const f of project.configFiles) if (f !== '-') extractVariables(readYaml(fs.readFileSync(f, 'utf8')), vars);
    if (format === 'yaml') {
      const { stringify } = await import('yaml');
      return { text: stringify(Object.fromEntries([...vars.values()].sort((a, b) => (a.Name < b.Name ? -1 : 1)).map((v) => [v.Name, { name: v.Name, defaultvalue: v.DefaultValue, presencevalue: v.PresenceValue, required: v.Required }]))), full: false };
    }
    return { text: variablesOutput(vars, format ?? 'table'), full: false };
  }
  if (argv.environment) {
    const project = await load(true);
    return lines(Object.entries(project.environment).map(([k, v]) => `${k}=${v}`).sort());
  }
  const fmt = format ?? 'yaml';
  if (fmt !== 'yaml' && fmt !== 'json') throw new UsageError(`unsupported format ${JSON.stringify(fmt)}`);
  const lock = argv['lock-image-digests'] === true;
  const resolve = lock || argv['resolve-image-digests'] === true;
  const pin = resolve ? await digestPinner(argv) : undefined;
  if (!switches.interpolate) {
    const m = await model();
    const services = (m.services ?? {}) as Record<string, Record<string, unknown>>;
    if (pin) for (const s of Object.values(services)) if (typeof s.image === 'string') s.image = await pin(s.image);
    if (lock) return { text: view.imagesOnlyText(Object.fromEntries(Object.entries(services).map(([n, s]) => [n, typeof s.image === 'string' ? s.image : undefined])), fmt, true), full: true };
    return { text: view.modelText(m, fmt), full: true };
  }
  const project = await load(argv['no-env-resolution'] !== true);
  if (pin) for (const s of Object.values(project.services)) if (s.image !== undefined) s.image = await pin(s.image);
  if (lock) return { text: view.imagesOnlyText(Object.fromEntries(Object.entries(project.services).map(([n, s]) => [n, s.image])), fmt, false), full: true };
  return { text: fmt === 'json' ? view.configJson(project) : view.configYaml(project), full: true };
}

/** Pins an image to its digest: the local store's (`image inspect`), else the registry's. */
async function digestPinner(argv: ComposeArgs): Promise<(image: string) => Promise<string>> {
  const [{ pinImage, registryDigest }, { selfEngine }] = await Promise.all([import('../../compose/image-digest.js'), import('../../compose/engine/runner.js')]);
  const engine = selfEngine(engineGlobals(argv));
  const sources = {
    repoDigests: async (image: string) => {
      const r = await engine.capture(['image', 'inspect', '--format', '{{json .RepoDigests}}', image]);
      return r.code === 0 ? (JSON.parse(r.stdout) as string[] | null) ?? [] : undefined;
    },
    remote: (ref: import('../../storage/image-reference.js').ImageReference) => registryDigest(ref, process.env),
  };
  return (image) => pinImage(image, sources);
}

/**
 * The live progress of the running command (select.ts): the view opened by
 * contextOf, ended by the subcommand wrapper (`withProgressEnd`) when the
 * command returns or fails, so its last frame is drawn before any error.
 */
let liveProgress: import('../ui/compose/select.js').LiveProgress | undefined;

const warnLine = (m: string) => `WARN[0000] ${m}`;

/** docker compose's title of each command's live view ("Running" for the others). */
const PROGRESS_TITLES: Record<string, string> = { create: 'Creating', kill: 'Killing', pause: 'Pausing', pull: 'Pulling', push: 'Pushing', rm: 'Removing', restart: 'Restarting', stop: 'Stopping', build: 'Building' };

/** The engine (our own CLI, with the same global flags), progress (`title` of its first live view), compose's state dir. */
async function contextOf(argv: ComposeArgs, project?: Project, title = 'Running'): Promise<ComposeContext> {
  const { progressMode, composeProgress } = await import('../ui/compose/select.js');
  const mode = progressMode({ progress: argv.progress, ansi: argv.ansi, isTTY: process.stderr.isTTY === true, env: process.env, warn: (m) => process.stderr.write(`${warnLine(m)}\n`) });
  const p = project ?? (await loadFromArgs(argv));
  const { selfEngine } = await import('../../compose/engine/runner.js');
  const path = await import('node:path');
  const globals = engineGlobals(argv);
  const dryRun = argv['dry-run'] === true;
  const { dryRunEngine, DRY_RUN_PREFIX } = dryRun ? await import('../../compose/engine/dry-run.js') : { dryRunEngine: undefined, DRY_RUN_PREFIX: '' };
  const live = (liveProgress = await composeProgress(mode, title, DRY_RUN_PREFIX, dryRun));
  const { limitedEngine, tracedEngine } = await import('../../compose/engine/limit.js');
  let engine = selfEngine(globals);
  if (argv.verbose) engine = tracedEngine(engine, (l) => live.note(l));
  engine = limitedEngine(dryRunEngine ? dryRunEngine(engine) : engine, parallelLimitOf(argv));
  return {
    project: p,
    engine,
    progress: live.progress,
    endProgress: live.end,
    stateDir: path.join(rootsOf(argv).dataRoot, 'compose', p.name),
    warn: (m) => live.note(warnLine(m)),
    dryRun,
  };
}

/** A subcommand whose live progress view ends (marked failed on an error) before it returns or its error is printed. */
function withProgressEnd<A, B>(c: CommandModule<A, B>): CommandModule<A, B> {
  const handler = c.handler;
  return {
    ...c,
    handler: async (argv) => {
      try {
        prepareComposeGlobals(argv as unknown as ComposeArgs);
        await handler(argv);
      } catch (err) {
        await liveProgress?.fail();
        throw err;
      }
      await liveProgress?.end();
    },
  };
}

interface ServicesArgs extends ComposeArgs {
  service?: string[];
}

const svcList = (argv: ServicesArgs) => (argv.service ?? []).map(String);

function timeoutOf(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`invalid timeout ${JSON.stringify(v)}: must be a whole number of seconds`);
  return n;
}

function parseScale(values: readonly unknown[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(String(v));
    if (!m) throw new UsageError(`invalid --scale ${JSON.stringify(v)}: SERVICE=NUM`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

interface UpArgs extends ServicesArgs {
  detach?: boolean;
  build?: boolean;
  'no-build'?: boolean;
  pull?: string;
  'force-recreate'?: boolean;
  'no-recreate'?: boolean;
  'no-deps'?: boolean;
  'remove-orphans'?: boolean;
  scale?: string[];
  wait?: boolean;
  'wait-timeout'?: string;
  'abort-on-container-exit'?: boolean;
  'exit-code-from'?: string;
  'no-start'?: boolean;
  timeout?: string;
  timestamps?: boolean;
  'no-log-prefix'?: boolean;
  'no-color'?: boolean;
  attach?: string[];
  'no-attach'?: string[];
  'attach-dependencies'?: boolean;
  'always-recreate-deps'?: boolean;
  'renew-anon-volumes'?: boolean;
  'quiet-pull'?: boolean;
  'abort-on-container-failure'?: boolean;
  'quiet-build'?: boolean;
  yes?: boolean;
  menu?: boolean;
  watch?: boolean;
}

/** --quiet-build: no progress lines of builds. */
function quietBuild(ctx: ComposeContext): ComposeContext {
  return { ...ctx, progress: (kind, name, what) => (kind === 'Image' && /^Buil/.test(what) ? undefined : ctx.progress(kind, name, what)) };
}

const upCommand: CommandModule<ComposeArgs, UpArgs> = {
  command: 'up [service..]',
  describe: 'Create and start containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose up [OPTIONS] [SERVICE...]\n\nCreate and start containers')
      .option('detach', { alias: 'd', type: 'boolean', describe: 'Detached mode: Run containers in the background' })
      .option('build', { type: 'boolean', describe: 'Build images before starting containers' })
      .option('no-build', { type: 'boolean', describe: "Don't build an image, even if it's policy" })
      .option('pull', { type: 'string', requiresArg: true, choices: ['always', 'missing', 'never'], describe: 'Pull image before running ("always"|"missing"|"never")' })
      .option('force-recreate', { type: 'boolean', describe: "Recreate containers even if their configuration and image haven't changed" })
      .option('no-recreate', { type: 'boolean', describe: "If containers already exist, don't recreate them. Incompatible with --force-recreate." })
      .option('no-deps', { type: 'boolean', describe: "Don't start linked services" })
      .option('remove-orphans', { type: 'boolean', describe: 'Remove containers for services not defined in the Compose file' })
      .option('scale', { ...strings, describe: 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.' })
      .option('wait', { type: 'boolean', describe: 'Wait for services to be running|healthy. Implies detached mode.' })
      .option('wait-timeout', { type: 'string', requiresArg: true, describe: 'Maximum duration to wait for the project to be running|healthy' })
      .option('abort-on-container-exit', { type: 'boolean', describe: 'Stops all containers if any container was stopped. Incompatible with -d' })
      .option('exit-code-from', { type: 'string', requiresArg: true, describe: 'Return the exit code of the selected service container. Implies --abort-on-container-exit' })
      .option('no-start', { type: 'boolean', describe: "Don't start the services after creating them" })
      .option('timeout', { alias: 't', type: 'string', requiresArg: true, describe: 'Use this timeout in seconds for container shutdown when attached or when containers are already running' })
      .option('timestamps', { type: 'boolean', describe: 'Show timestamps' })
      .option('no-log-prefix', { type: 'boolean', describe: "Don't print prefix in logs" })
      .option('no-color', { type: 'boolean', describe: 'Produce monochrome output' })
      .option('attach', { ...strings, describe: 'Restrict attaching to the specified services. Incompatible with --attach-dependencies.' })
      .option('no-attach', { ...strings, describe: 'Do not attach (stream logs) to the specified services' })
      .option('attach-dependencies', { type: 'boolean', describe: 'Automatically attach to log output of dependent services' })
      .option('always-recreate-deps', { type: 'boolean', describe: 'Recreate dependent containers. Incompatible with --no-recreate.' })
      .option('renew-anon-volumes', { alias: 'V', type: 'boolean', describe: 'Recreate anonymous volumes instead of retrieving data from the previous containers' })
      .option('quiet-pull', { type: 'boolean', describe: 'Pull without printing progress information' })
      .option('abort-on-container-failure', { type: 'boolean', describe: 'Stops all containers if any container exited with failure. Incompatible with -d' })
      .option('quiet-build', { type: 'boolean', describe: 'Suppress the build output' })
      .option('yes', { alias: 'y', type: 'boolean', describe: 'Assume "yes" as answer to all prompts and run non-interactively' })
      .option('menu', { type: 'boolean', describe: 'Enable interactive shortcuts when running attached. Incompatible with --detach. Can also be enable/disable by setting COMPOSE_MENU environment var.' })
      .option('watch', { alias: 'w', type: 'boolean', describe: 'Watch source code and rebuild/refresh containers when files are updated.' }),
  handler: async (argv) => {
    if (argv.menu) throw new UsageError("--menu is not supported: docker compose's interactive shortcuts (Docker Desktop, watch toggles) are not part of tsc-run");
    if (argv['force-recreate'] && argv['no-recreate']) throw new UsageError('--force-recreate and --no-recreate are incompatible');
    if (argv['always-recreate-deps'] && argv['no-recreate']) throw new UsageError('--always-recreate-deps and --no-recreate are incompatible');
    if (argv['renew-anon-volumes'] && argv['no-recreate']) throw new UsageError('--no-recreate and --renew-anon-volumes are incompatible');
    if (argv.build && argv['no-build']) throw new UsageError('--build and --no-build are incompatible');
    const abortOnFailure = argv['abort-on-container-failure'] === true;
    // docker compose: --exit-code-from implies --abort-on-container-exit, unless --abort-on-container-failure.
    const abort = argv['abort-on-container-exit'] === true || (argv['exit-code-from'] !== undefined && !abortOnFailure);
    if (abort && abortOnFailure) throw new UsageError('--abort-on-container-failure cannot be combined with --abort-on-container-exit');
    const attachFlags = abort || abortOnFailure || argv.watch === true || argv['attach-dependencies'] === true || (argv.attach ?? []).length > 0;
    if (argv.watch && argv['no-build']) throw new UsageError('--no-build and --watch are incompatible');
    // docker compose 2.40's two checks, in its order.
    if (argv.wait && (abort || argv['attach-dependencies'] === true || (argv.attach ?? []).length > 0)) throw new UsageError('--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies');
    if ((argv.wait || argv.detach) && attachFlags) throw new UsageError(`--${argv.wait ? 'wait' : 'detach'} cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch`);
    const detach = argv.detach === true || argv.wait === true;
    const base = await contextOf(argv);
    const ctx = argv['quiet-build'] ? quietBuild(base) : base;
    if (argv['exit-code-from'] !== undefined && !(argv['exit-code-from'] in ctx.project.services)) throw new UsageError(`no such service: ${argv['exit-code-from']}`);
    // Which services are shown and waited for, checked before anything is created.
    const { selected } = await import('../../compose/engine/up.js');
    const { attachSet } = await import('../../compose/attach-set.js');
    const chosen = detach ? undefined : attachSet(selected(structuredClone(ctx.project), svcList(argv), argv['no-deps']), svcList(argv), {
      attach: (argv.attach ?? []).map(String),
      noAttach: (argv['no-attach'] ?? []).map(String),
      attachDependencies: argv['attach-dependencies'],
    });
    const { up } = await import('../../compose/engine/up.js');
    const timeout = timeoutOf(argv.timeout);
    const since = new Date().toISOString();
    const started = await up(ctx, {
      services: svcList(argv),
      noResult: argv.detach === true && argv.wait !== true,
      noDeps: argv['no-deps'],
      noStart: argv['no-start'],
      forceRecreate: argv['force-recreate'],
      noRecreate: argv['no-recreate'],
      removeOrphans: argv['remove-orphans'],
      scale: parseScale(argv.scale),
      build: argv.build,
      noBuild: argv['no-build'],
      pull: argv.pull,
      timeout,
      alwaysRecreateDeps: argv['always-recreate-deps'],
      renewAnonVolumes: argv['renew-anon-volumes'],
      quietPull: argv['quiet-pull'],
    });
    // Nothing was started: nothing to wait for or attach to.
    if (argv['no-start'] || ctx.dryRun) return;
    if (argv.wait) {
      const { waitRunning } = await import('../../compose/engine/wait.js');
      await waitRunning(ctx, started, argv['wait-timeout']);
      return;
    }
    if (detach) return;
    const { attachedUp } = await import('../../compose/engine/attached.js');
    // --watch: the services' develop.watch rules act while the logs stream, until up returns.
    let watching: import('../../compose/engine/watch.js').WatchHandle | undefined;
    if (argv.watch) {
      const { p, plan } = await watchPlanOf(ctx, svcList(argv));
      const { startWatch } = await import('../../compose/engine/watch.js');
      watching = startWatch({ ...ctx, project: p }, plan);
    }
    const code = await attachedUp(ctx, started, {
      abort,
      abortOnFailure,
      exitCodeFrom: argv['exit-code-from'],
      timeout,
      timestamps: argv.timestamps,
      noPrefix: argv['no-log-prefix'],
      color: colorOf(argv),
      attach: chosen!.attach,
      watch: chosen!.watch,
      since,
    }).finally(() => watching?.stop());
    if (code !== 0) throw new ChildExit(code);
  },
};

const createSubCommand: CommandModule<ComposeArgs, UpArgs> = {
  command: 'create [service..]',
  describe: 'Creates containers for a service',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose create [OPTIONS] [SERVICE...]\n\nCreates containers for a service')
      .option('build', { type: 'boolean', describe: 'Build images before starting containers' })
      .option('no-build', { type: 'boolean', describe: "Don't build an image, even if it's policy" })
      .option('pull', { type: 'string', requiresArg: true, choices: ['always', 'missing', 'never'], describe: 'Pull image before running ("always"|"missing"|"never")' })
      .option('force-recreate', { type: 'boolean', describe: "Recreate containers even if their configuration and image haven't changed" })
      .option('no-recreate', { type: 'boolean', describe: "If containers already exist, don't recreate them" })
      .option('remove-orphans', { type: 'boolean', describe: 'Remove containers for services not defined in the Compose file' })
      .option('scale', { ...strings, describe: 'Scale SERVICE to NUM instances' })
      .option('quiet-pull', { type: 'boolean', describe: 'Pull without printing progress information' })
      .option('yes', { alias: 'y', type: 'boolean', describe: 'Assume "yes" as answer to all prompts and run non-interactively' }),
  handler: async (argv) => {
    if (argv.build && argv['no-build']) throw new UsageError('--build and --no-build are incompatible');
    if (argv['force-recreate'] && argv['no-recreate']) throw new UsageError('--force-recreate and --no-recreate are incompatible');
    const ctx = await contextOf(argv, undefined, PROGRESS_TITLES.create);
    const { up } = await import('../../compose/engine/up.js');
    await up(ctx, {
      services: svcList(argv),
      noResult: true,
      noStart: true,
      forceRecreate: argv['force-recreate'],
      noRecreate: argv['no-recreate'],
      removeOrphans: argv['remove-orphans'],
      scale: parseScale(argv.scale),
      build: argv.build,
      noBuild: argv['no-build'],
      pull: argv.pull,
      quietPull: argv['quiet-pull'],
    });
  },
};

interface DownArgs extends ComposeArgs {
  volumes?: boolean;
  rmi?: string;
  'remove-orphans'?: boolean;
  timeout?: string;
}

const downCommand: CommandModule<ComposeArgs, DownArgs> = {
  command: 'down',
  describe: 'Stop and remove containers, networks',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose down [OPTIONS]\n\nStop and remove containers, networks')
      .option('volumes', { alias: 'v', type: 'boolean', describe: 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers.' })
      .option('rmi', { type: 'string', requiresArg: true, choices: ['local', 'all'], describe: 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")' })
      .option('remove-orphans', { type: 'boolean', describe: 'Remove containers for services not defined in the Compose file' })
      .option('timeout', { alias: 't', type: 'string', requiresArg: true, describe: 'Specify a shutdown timeout in seconds' }),
  handler: async (argv) => {
    const ctx = await contextOf(argv);
    const { down } = await import('../../compose/engine/ops.js');
    await down(ctx, { volumes: argv.volumes, rmi: argv.rmi as 'local' | 'all' | undefined, removeOrphans: argv['remove-orphans'], timeout: timeoutOf(argv.timeout) });
  },
};

interface PsArgs extends ServicesArgs {
  all?: boolean;
  quiet?: boolean;
  services?: boolean;
  status?: string[];
  format?: string;
  filter?: string;
  orphans?: boolean;
  'no-trunc'?: boolean;
}

const PS_STATES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'];

/** Mounts (a volume's name, else the source) and networks of each container, from one `inspect`. */
async function psExtra(ctx: ComposeContext, ids: string[]): Promise<Record<string, import('../../compose/ps-view.js').PsExtra>> {
  const out = await ctx.engine.must(['container', 'inspect', '--format', 'json', ...ids]);
  const list = JSON.parse(out || '[]') as Array<{ Id: string; Mounts?: Array<{ Type: string; Name?: string; Source?: string; Driver?: string }> | null; NetworkSettings?: { Networks?: Record<string, unknown> | null } }>;
  return Object.fromEntries(
    list.map((c) => [
      c.Id,
      {
        mounts: (c.Mounts ?? []).map((m) => ({ name: m.Name || m.Source || '', local: m.Driver === 'local' })),
        networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
      },
    ]),
  );
}

const psSubCommand: CommandModule<ComposeArgs, PsArgs> = {
  command: 'ps [service..]',
  describe: 'List containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose ps [OPTIONS] [SERVICE...]\n\nList containers')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Show all stopped containers (including those created by the run command)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only display IDs' })
      .option('services', { type: 'boolean', describe: 'Display services' })
      .option('status', { ...strings, describe: 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]' })
      .option('filter', { type: 'string', requiresArg: true, describe: 'Filter services by a property (supported filters: status)' })
      .option('orphans', { type: 'boolean', default: true, describe: 'Include orphaned services (not declared by project)' })
      .option('no-trunc', { type: 'boolean', describe: "Don't truncate output" })
      .option('format', { type: 'string', requiresArg: true, default: 'table', describe: 'Format output using a custom template:\n\'table\':            Print output in table format with column headers (default)\n\'table TEMPLATE\':   Print output in table format using the given Go template\n\'json\':             Print in JSON format\n\'TEMPLATE\':         Print output using the given Go template.' }),
  handler: async (argv) => {
    const ctx = await contextOf(argv);
    const { containersOf } = await import('../../compose/engine/ops.js');
    // docker compose's --filter: KEY=VAL, only status (a --status more).
    const status = (argv.status ?? []).map(String);
    if (argv.filter !== undefined) {
      const eq = argv.filter.indexOf('=');
      if (eq < 0) throw new UsageError('arguments to --filter should be in form KEY=VAL');
      const key = argv.filter.slice(0, eq);
      if (key === 'source') throw new UsageError('--filter source: not implemented');
      if (key !== 'status') throw new UsageError(`unknown filter ${key}`);
      status.push(argv.filter.slice(eq + 1));
    }
    for (const st of status) if (!PS_STATES.includes(st)) throw new UsageError(`invalid filter status: ${st}`);
    const all = argv.all === true || status.length > 0;
    let cs = await containersOf(ctx, svcList(argv), { oneoff: all });
    if (argv.orphans === false) cs = cs.filter((c) => c.service in ctx.project.services || c.service in ctx.project.disabledServices);
    if (status.length) cs = cs.filter((c) => status.includes(c.state));
    else if (!all) cs = cs.filter((c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting');
    // docker compose sorts by name.
    cs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (argv.quiet) return void process.stdout.write(cs.map((c) => `${c.id}\n`).join(''));
    if (argv.services) return void process.stdout.write([...new Set(cs.map((c) => c.service))].map((s) => `${s}\n`).join(''));
    const view = await import('../../compose/ps-view.js');
    const format = argv.format ?? 'table';
    const extra = view.needsInspect(format) && cs.length ? await psExtra(ctx, cs.map((c) => c.id)) : {};
    const rows = cs.map((c) => view.psRow(c, ctx.project.name, { trunc: argv['no-trunc'] !== true }, extra[c.id]));
    process.stdout.write(view.psOutput(rows, format));
  },
};

interface LogsArgs extends ServicesArgs {
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
  until?: string;
  'no-log-prefix'?: boolean;
  'no-color'?: boolean;
  index?: number;
}

const logsSubCommand: CommandModule<ComposeArgs, LogsArgs> = {
  command: 'logs [service..]',
  describe: 'View output from containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose logs [OPTIONS] [SERVICE...]\n\nView output from containers')
      .option('follow', { type: 'boolean', describe: 'Follow log output' })
      .option('tail', { alias: 'n', type: 'string', requiresArg: true, describe: 'Number of lines to show from the end of the logs for each container' })
      .option('timestamps', { alias: 't', type: 'boolean', describe: 'Show timestamps' })
      .option('since', { type: 'string', requiresArg: true, describe: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' })
      .option('until', { type: 'string', requiresArg: true, describe: 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' })
      .option('no-log-prefix', { type: 'boolean', describe: "Don't print prefix in logs" })
      .option('no-color', { type: 'boolean', describe: 'Produce monochrome output' })
      .option('index', { type: 'number', requiresArg: true, describe: 'index of the container if service has multiple replicas' }),
  handler: async (argv) => {
    const ctx = await contextOf(argv);
    const { containersOf } = await import('../../compose/engine/ops.js');
    const { streamLogs } = await import('../../compose/engine/attach.js');
    let cs = await containersOf(ctx, svcList(argv));
    if (argv.index !== undefined) cs = cs.filter((c) => c.number === argv.index);
    const tail = argv.tail === 'all' ? undefined : argv.tail;
    await streamLogs(ctx.engine, cs, { follow: argv.follow, tail, timestamps: argv.timestamps, since: argv.since, until: argv.until, noPrefix: argv['no-log-prefix'], color: colorOf(argv) }).done;
  },
};

interface SimpleArgs extends ServicesArgs {
  'remove-orphans'?: boolean;
  timeout?: string;
  signal?: string;
  force?: boolean;
  stop?: boolean;
  volumes?: boolean;
  'no-deps'?: boolean;
}

/** start, stop, restart, kill, pause, unpause, rm. */
function lifecycle(name: string, describe: string, extra: (y: Argv<SimpleArgs>) => Argv<SimpleArgs>, run: (ctx: ComposeContext, argv: SimpleArgs) => Promise<void>): CommandModule<ComposeArgs, SimpleArgs> {
  return {
    command: `${name} [service..]`,
    describe,
    builder: (y) => extra(y.usage(`Usage: tsc-run compose ${name} [OPTIONS] [SERVICE...]\n\n${describe}`)),
    handler: async (argv) => run(await contextOf(argv, undefined, PROGRESS_TITLES[name] ?? 'Running'), argv),
  };
}

const timeoutFlag = (y: Argv<SimpleArgs>) => y.option('timeout', { alias: 't', type: 'string', requiresArg: true, describe: 'Specify a shutdown timeout in seconds' });

const lifecycleCommands = [
  lifecycle('start', 'Start services', (y) => y, async (ctx, argv) => {
    const { startServices } = await import('../../compose/engine/ops.js');
    await startServices(ctx, svcList(argv));
  }),
  lifecycle('stop', 'Stop services', timeoutFlag, async (ctx, argv) => {
    const { containersOf, stopContainers } = await import('../../compose/engine/ops.js');
    await stopContainers(ctx, await containersOf(ctx, svcList(argv)), timeoutOf(argv.timeout));
  }),
  lifecycle('restart', 'Restart service containers', (y) => timeoutFlag(y).option('no-deps', { type: 'boolean', describe: "Don't restart dependent services" }), async (ctx, argv) => {
    const { restartServices } = await import('../../compose/engine/ops.js');
    await restartServices(ctx, svcList(argv), { timeout: timeoutOf(argv.timeout), noDeps: argv['no-deps'] });
  }),
  lifecycle('kill', 'Force stop service containers', (y) => y.option('signal', { alias: 's', type: 'string', requiresArg: true, default: 'SIGKILL', describe: 'SIGNAL to send to the container' }).option('remove-orphans', { type: 'boolean', describe: 'Remove containers for services not defined in the Compose file' }), async (ctx, argv) => {
    const { containersOf, eachContainer } = await import('../../compose/engine/ops.js');
    // docker compose: one-off containers too; those of services no longer in the file only with --remove-orphans.
    const removeOrphans = argv['remove-orphans'] ?? /^(1|t|true)$/i.test(process.env.COMPOSE_REMOVE_ORPHANS ?? '');
    const cs = (await containersOf(ctx, svcList(argv), { oneoff: true })).filter((c) => (c.state === 'running' || c.state === 'paused') && (removeOrphans || c.service in ctx.project.services));
    if (!cs.length) return void process.stderr.write('no container to kill');
    await eachContainer(ctx, cs, (c) => ['kill', '--signal', argv.signal ?? 'SIGKILL', c.id], 'Killing', 'Killed');
  }),
  lifecycle('pause', 'Pause services', (y) => y, async (ctx, argv) => {
    const { containersOf, eachContainer } = await import('../../compose/engine/ops.js');
    const cs = (await containersOf(ctx, svcList(argv))).filter((c) => c.state === 'running');
    await eachContainer(ctx, cs, (c) => ['pause', c.id], 'Pausing', 'Paused');
  }),
  lifecycle('unpause', 'Unpause services', (y) => y, async (ctx, argv) => {
    const { containersOf, eachContainer } = await import('../../compose/engine/ops.js');
    const cs = (await containersOf(ctx, svcList(argv))).filter((c) => c.state === 'paused');
    await eachContainer(ctx, cs, (c) => ['unpause', c.id], 'Unpausing', 'Unpaused');
  }),
  lifecycle(
    'rm',
    'Removes stopped service containers',
    (y) =>
      y
        .option('force', { type: 'boolean', describe: "Don't ask to confirm removal" })
        .option('stop', { alias: 's', type: 'boolean', describe: 'Stop the containers, if required, before removing' })
        .option('volumes', { alias: 'v', type: 'boolean', describe: 'Remove any anonymous volumes attached to containers' }),
    async (ctx, argv) => {
      const { eachContainer, removableContainers, stopContainers } = await import('../../compose/engine/ops.js');
      const cs = await removableContainers(ctx, svcList(argv), argv.stop === true);
      if (argv.stop) await stopContainers(ctx, cs, undefined);
      if (!cs.length) return void process.stderr.write('No stopped containers\n');
      if (!argv.force) {
        if (!process.stdin.isTTY) throw new UsageError(`Going to remove ${cs.map((c) => c.name).join(', ')}: refusing without a terminal to confirm (use -f)`);
        const { confirm } = await import('../prompt.js');
        if (!(await confirm(`Going to remove ${cs.map((c) => c.name).join(', ')}\n? Are you sure? [y/N] `))) return;
      }
      await eachContainer(ctx, cs, (c) => ['rm', '-f', ...(argv.volumes ? ['-v'] : []), c.id], 'Removing', 'Removed');
    },
  ),
];

interface ExecArgs extends ComposeArgs {
  service?: string;
  command?: string[];
  '--'?: Array<string | number>;
  'no-TTY'?: boolean;
  T?: boolean;
  user?: string;
  workdir?: string;
  env?: string[];
  index?: number;
  detach?: boolean;
  privileged?: boolean;
  interactive?: boolean;
}

const execSubCommand: CommandModule<ComposeArgs, ExecArgs> = {
  command: 'exec <service> [command..]',
  describe: 'Execute a command in a running container',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose exec [OPTIONS] SERVICE COMMAND [ARGS...]\n\nExecute a command in a running container')
      .option('no-TTY', { alias: 'T', type: 'boolean', describe: 'Disable pseudo-TTY allocation. By default `exec` allocates a TTY.' })
      .option('user', { alias: 'u', type: 'string', requiresArg: true, describe: 'Run the command as this user' })
      .option('workdir', { alias: 'w', type: 'string', requiresArg: true, describe: 'Path to workdir directory for this command' })
      .option('env', { ...strings, alias: 'e', describe: 'Set environment variables' })
      .option('index', { type: 'number', requiresArg: true, default: 1, describe: 'Index of the container if service has multiple replicas' })
      .option('detach', { alias: 'd', type: 'boolean', describe: 'Detached mode: Run command in the background' })
      .option('privileged', { type: 'boolean', describe: 'Give extended privileges to the process' })
      .option('interactive', { alias: 'i', type: 'boolean', default: true, describe: 'Keep STDIN open even if not attached' }),
  handler: async (argv) => {
    const ctx = await contextOf(argv);
    const { containersOf } = await import('../../compose/engine/ops.js');
    const service = String(argv.service);
    const c = (await containersOf(ctx, [service])).find((x) => x.number === (argv.index ?? 1));
    if (!c || c.state !== 'running') throw new UsageError(`service "${service}" is not running`);
    const cmd = [...(argv.command ?? []), ...(argv['--'] ?? [])].map(String);
    if (!cmd.length) throw new UsageError('requires at least 2 arg(s), only received 1');
    const args = ['exec'];
    const tty = argv['no-TTY'] !== true && process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (argv.detach) args.push('--detach');
    else {
      if (argv.interactive !== false) args.push('--interactive');
      if (tty) args.push('--tty');
    }
    if (argv.user !== undefined) args.push('--user', argv.user);
    if (argv.workdir !== undefined) args.push('--workdir', argv.workdir);
    if (argv.privileged) args.push('--privileged');
    for (const e of argv.env ?? []) args.push('--env', String(e));
    const code = await ctx.engine.inherit([...args, c.id, ...cmd]);
    if (code !== 0) throw new ChildExit(code);
  },
};

interface RunArgs extends ExecArgs {
  build?: boolean;
  pull?: string;
  'quiet-pull'?: boolean;
  'quiet-build'?: boolean;
  quiet?: boolean;
  'cap-add'?: string[];
  'cap-drop'?: string[];
  'env-from-file'?: string[];
  label?: string[];
  'use-aliases'?: boolean;
  'remove-orphans'?: boolean;
  tty?: boolean;
  rm?: boolean;
  entrypoint?: string;
  'no-deps'?: boolean;
  publish?: string[];
  'service-ports'?: boolean;
  volume?: string[];
  name?: string;
}

const runSubCommand: CommandModule<ComposeArgs, RunArgs> = {
  command: 'run <service> [command..]',
  describe: 'Run a one-off command on a service',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose run [OPTIONS] SERVICE [COMMAND] [ARGS...]\n\nRun a one-off command on a service')
      .option('rm', { type: 'boolean', describe: 'Automatically remove the container when it exits' })
      .option('detach', { alias: 'd', type: 'boolean', describe: 'Run container in background and print container ID' })
      .option('env', { ...strings, alias: 'e', describe: 'Set environment variables' })
      .option('entrypoint', { type: 'string', requiresArg: true, describe: 'Override the entrypoint of the image' })
      .option('no-deps', { type: 'boolean', describe: "Don't start linked services" })
      .option('publish', { ...strings, alias: 'p', describe: "Publish a container's port(s) to the host" })
      .option('service-ports', { alias: 'P', type: 'boolean', describe: "Run command with all service's ports enabled and mapped to the host" })
      .option('volume', { ...strings, alias: 'v', describe: 'Bind mount a volume' })
      .option('name', { type: 'string', requiresArg: true, describe: 'Assign a name to the container' })
      .option('user', { alias: 'u', type: 'string', requiresArg: true, describe: 'Run as specified username or uid' })
      .option('workdir', { alias: 'w', type: 'string', requiresArg: true, describe: 'Working directory inside the container' })
      .option('no-TTY', { alias: 'T', type: 'boolean', describe: 'Disable pseudo-TTY allocation (default: auto-detected)' })
      .option('tty', { alias: 't', type: 'boolean', hidden: true, describe: 'Allocate a pseudo-TTY' })
      .option('interactive', { alias: 'i', type: 'boolean', default: true, describe: 'Keep STDIN open even if not attached' })
      .option('build', { type: 'boolean', describe: 'Build image before starting container' })
      .option('pull', { type: 'string', requiresArg: true, choices: ['always', 'missing', 'never'], describe: 'Pull image before running ("always"|"missing"|"never")' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: "Don't print anything to STDOUT" })
      .option('quiet-build', { type: 'boolean', describe: 'Suppress progress output from the build process' })
      .option('quiet-pull', { type: 'boolean', describe: 'Pull without printing progress information' })
      .option('cap-add', { ...strings, describe: 'Add Linux capabilities' })
      .option('cap-drop', { ...strings, describe: 'Drop Linux capabilities' })
      .option('env-from-file', { ...strings, describe: 'Set environment variables from file' })
      .option('label', { ...strings, alias: 'l', describe: 'Add or override a label' })
      .option('use-aliases', { type: 'boolean', describe: "Use the service's network useAliases in the network(s) the container connects to" })
      .option('remove-orphans', { type: 'boolean', describe: 'Remove containers for services not defined in the Compose file' }),
  handler: async (argv) => {
    if (argv.tty !== undefined && argv['no-TTY'] !== undefined) throw new UsageError("--tty and --no-TTY can't be used together");
    const base = await contextOf(argv);
    // -q: no progress lines (as docker compose's quiet progress mode); --quiet-build: none for builds.
    const ctx = argv.quiet ? { ...base, progress: () => {} } : argv['quiet-build'] ? quietBuild(base) : base;
    const { runOneOff } = await import('../../compose/engine/run.js');
    const code = await runOneOff(ctx, {
      service: String(argv.service),
      command: [...(argv.command ?? []), ...(argv['--'] ?? [])].map(String),
      rm: argv.rm === true,
      detach: argv.detach === true,
      env: (argv.env ?? []).map(String),
      entrypoint: argv.entrypoint,
      noDeps: argv['no-deps'] === true,
      publish: (argv.publish ?? []).map(String),
      servicePorts: argv['service-ports'] === true,
      volumes: (argv.volume ?? []).map(String),
      name: argv.name,
      user: argv.user,
      workdir: argv.workdir,
      tty: argv.tty === false || argv['no-TTY'] === true ? false : argv.tty === true || (process.stdin.isTTY === true && process.stdout.isTTY === true),
      interactive: argv.interactive !== false,
      build: argv.build,
      pull: argv.pull,
      quietPull: argv['quiet-pull'] === true || argv.quiet === true,
      capAdd: (argv['cap-add'] ?? []).map(String),
      capDrop: (argv['cap-drop'] ?? []).map(String),
      envFiles: (argv['env-from-file'] ?? []).map(String),
      labels: (argv.label ?? []).map(String),
      useAliases: argv['use-aliases'],
      removeOrphans: argv['remove-orphans'],
    });
    if (code !== 0) throw new ChildExit(code);
  },
};

interface PullArgs extends ServicesArgs {
  'ignore-pull-failures'?: boolean;
  quiet?: boolean;
  'include-deps'?: boolean;
  'ignore-buildable'?: boolean;
  policy?: string;
}

const pullSubCommand: CommandModule<ComposeArgs, PullArgs> = {
  command: 'pull [service..]',
  describe: 'Pull service images',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose pull [OPTIONS] [SERVICE...]\n\nPull service images')
      .option('ignore-pull-failures', { type: 'boolean', describe: 'Pull what it can and ignores images with pull failures' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Pull without printing progress information' })
      .option('include-deps', { type: 'boolean', describe: 'Also pull services declared as dependencies' })
      .option('ignore-buildable', { type: 'boolean', describe: 'Ignore images that can be built' })
      .option('policy', { type: 'string', requiresArg: true, describe: 'Apply pull policy ("missing"|"always")' }),
  handler: async (argv) => {
    if (argv.policy !== undefined && argv.policy !== 'missing' && argv.policy !== 'always') throw new UsageError(`invalid pull policy ${JSON.stringify(argv.policy)}: missing or always`);
    const ctx = await contextOf(argv, undefined, PROGRESS_TITLES.pull);
    const { selected } = await import('../../compose/engine/up.js');
    const p = selected(ctx.project, svcList(argv), argv['include-deps'] !== true);
    for (const [name, s] of Object.entries(p.services)) {
      if (!s.image) continue;
      // docker compose: a service that can be built is skipped with --ignore-buildable; --policy missing pulls only absent images.
      if (argv['ignore-buildable'] && s.build) continue;
      if (argv.policy === 'missing' && (await ctx.engine.capture(['image', 'exists', s.image])).code === 0) continue;
      if (!argv.quiet) ctx.progress('Image', s.image, 'Pulling');
      const r = await ctx.engine.capture(['pull', '--quiet', s.image]);
      if (r.code !== 0) {
        const why = (r.stderr.split('\n').filter(Boolean).pop() ?? '').replace(/^Error: /, '');
        if (!argv['ignore-pull-failures']) throw new UsageError(`${name}: ${why}`);
        ctx.warn(`${name}: ${why}`);
        continue;
      }
      if (!argv.quiet) ctx.progress('Image', s.image, 'Pulled');
    }
  },
};

const pushSubCommand: CommandModule<ComposeArgs, ServicesArgs & { 'ignore-push-failures'?: boolean; 'include-deps'?: boolean; quiet?: boolean }> = {
  command: 'push [service..]',
  describe: 'Push service images',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose push [OPTIONS] [SERVICE...]\n\nPush service images')
      .option('ignore-push-failures', { type: 'boolean', describe: 'Push what it can and ignores images with push failures' })
      .option('include-deps', { type: 'boolean', describe: 'Also push images of services declared as dependencies' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Push without printing progress information' }),
  handler: async (argv) => {
    const ctx = await contextOf(argv, undefined, PROGRESS_TITLES.push);
    const { selected } = await import('../../compose/engine/up.js');
    const p = selected(ctx.project, svcList(argv), argv['include-deps'] !== true);
    for (const name of Object.keys(p.services).sort()) {
      const s = p.services[name]!;
      if (!s.image) continue;
      if (!argv.quiet) ctx.progress('Image', s.image, 'Pushing');
      const r = await ctx.engine.capture(['push', s.image]);
      if (r.code !== 0 && !argv['ignore-push-failures']) throw new UsageError((r.stderr.split('\n').filter(Boolean).pop() ?? '').replace(/^Error: /, ''));
      if (!argv.quiet) ctx.progress('Image', s.image, r.code === 0 ? 'Pushed' : 'Failed');
    }
  },
};

interface BuildArgs extends ServicesArgs {
  'build-arg'?: string[];
  'no-cache'?: boolean;
  pull?: boolean;
  push?: boolean;
  quiet?: boolean;
  memory?: string;
  ssh?: string;
  'with-dependencies'?: boolean;
  builder?: string;
  check?: boolean;
  print?: boolean;
  provenance?: string;
  sbom?: string;
}

/** compose build flags for docker's BuildKit/buildx alone: refused with the reason. */
const BUILDX_ONLY: Record<string, string> = {
  builder: 'buildx builders do not exist here: the engine builds',
  check: "it runs BuildKit's build checks, which the engine's builder does not have",
  print: 'it prints a buildx bake file, and the engine builds without bake',
  provenance: 'provenance attestations are not made by the engine',
  sbom: 'SBOM attestations are not made by the engine',
};

const buildSubCommand: CommandModule<ComposeArgs, BuildArgs> = {
  command: 'build [service..]',
  describe: 'Build or rebuild services',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose build [OPTIONS] [SERVICE...]\n\nBuild or rebuild services')
      .option('build-arg', { ...strings, describe: 'Set build-time variables for services' })
      .option('no-cache', { type: 'boolean', describe: 'Do not use cache when building the image' })
      .option('pull', { type: 'boolean', describe: 'Always attempt to pull a newer version of the image' })
      .option('push', { type: 'boolean', describe: 'Push service images' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress the build output' })
      .option('memory', { alias: 'm', type: 'string', requiresArg: true, describe: 'Set memory limit for the build container. Not supported by BuildKit.' })
      .option('ssh', { type: 'string', requiresArg: true, describe: "Set SSH authentications used when building service images. (use 'default' for using your default SSH Agent)" })
      .option('with-dependencies', { type: 'boolean', describe: 'Also build dependencies (transitively)' })
      .option('builder', { type: 'string', requiresArg: true, describe: 'Set builder to use' })
      .option('check', { type: 'boolean', describe: 'Check build configuration' })
      .option('print', { type: 'boolean', describe: 'Print equivalent bake file' })
      .option('provenance', { type: 'string', requiresArg: true, describe: 'Add a provenance attestation' })
      .option('sbom', { type: 'string', requiresArg: true, describe: 'Add a SBOM attestation' }),
  handler: async (argv) => {
    for (const [flag, why] of Object.entries(BUILDX_ONLY)) {
      const v = (argv as Record<string, unknown>)[flag];
      if (v !== undefined && v !== false) throw new UsageError(`--${flag} is not supported: ${why}`);
    }
    const ctx = await contextOf(argv, undefined, PROGRESS_TITLES.build);
    const { buildService, selected } = await import('../../compose/engine/up.js');
    const p = selected(ctx.project, svcList(argv), argv['with-dependencies'] !== true);
    const flags = {
      noCache: argv['no-cache'],
      pull: argv.pull,
      quiet: argv.quiet,
      memory: argv.memory,
      ssh: argv.ssh !== undefined ? [argv.ssh] : undefined,
      buildArgs: (argv['build-arg'] ?? []).map(String),
    };
    const built = Object.keys(p.services).sort().filter((n) => p.services[n]!.build);
    const quiet = argv.quiet ? { ...ctx, project: p, progress: () => {} } : { ...ctx, project: p };
    for (const name of built) await buildService(quiet, name, flags);
    if (argv.push) {
      for (const name of built) {
        const { serviceImage } = await import('../../compose/config-view.js');
        const image = serviceImage(p, name);
        if (!argv.quiet) ctx.progress('Image', image, 'Pushing');
        await ctx.engine.must(['push', image]);
        if (!argv.quiet) ctx.progress('Image', image, 'Pushed');
      }
    }
  },
};

interface LsArgs extends ComposeArgs {
  all?: boolean;
  quiet?: boolean;
  format?: string;
}

const lsSubCommand: CommandModule<ComposeArgs, LsArgs> = {
  command: 'ls',
  describe: 'List running compose projects',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose ls [OPTIONS]\n\nList running compose projects')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Show all stopped Compose projects' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only display IDs' })
      .option('format', { type: 'string', requiresArg: true, default: 'table', describe: 'Format the output. Values: [table | json]' }),
  handler: async (argv) => {
    const { selfEngine } = await import('../../compose/engine/runner.js');
    const { projectContainers } = await import('../../compose/engine/state.js');
    const { projectSummaries } = await import('../../compose/ls-view.js');
    const globals: string[] = [];
    if (argv.root !== undefined) globals.push('--root', argv.root);
    if (argv.runroot !== undefined) globals.push('--runroot', argv.runroot);
    const rows = projectSummaries(await projectContainers(selfEngine(globals), undefined)).filter((r) => argv.all || r.Status.includes('running'));
    if (argv.quiet) return void process.stdout.write(rows.map((r) => `${r.Name}\n`).join(''));
    if (argv.format === 'json') return void process.stdout.write(`${JSON.stringify(rows)}\n`);
    if (argv.format !== 'table') throw new UsageError(`invalid format ${JSON.stringify(argv.format)}: table or json`);
    const { alignColumns } = await import('../../format/output.js');
    // docker compose's tabwriter: minimum width 20, padding 3.
    process.stdout.write(`${alignColumns(['NAME\tSTATUS\tCONFIG FILES', ...rows.map((r) => `${r.Name}\t${r.Status}\t${r.ConfigFiles}`)].join('\n'), 20, 3)}\n`);
  },
};

const versionSubCommand: CommandModule<ComposeArgs, ComposeArgs & { short?: boolean; format?: string }> = {
  command: 'version',
  describe: 'Show the tsc-run compose version information',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose version [OPTIONS]\n\nShow the tsc-run compose version information')
      .option('short', { type: 'boolean', describe: "Shows only Compose's version number" })
      .option('format', { type: 'string', requiresArg: true, describe: 'Format the output. Values: [pretty | json]' }),
  handler: async (argv) => {
    const { COMPOSE_VERSION } = await import('../../compose/labels.js');
    if (argv.short) process.stdout.write(`${COMPOSE_VERSION}\n`);
    else if (argv.format === 'json') process.stdout.write(`${JSON.stringify({ version: `v${COMPOSE_VERSION}` })}\n`);
    else process.stdout.write(`tsc-run compose version v${COMPOSE_VERSION}\n`);
  },
};

const imagesSubCommand: CommandModule<ComposeArgs, ServicesArgs & { quiet?: boolean; format?: string }> = {
  command: 'images [service..]',
  describe: 'List images used by the created containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose images [OPTIONS] [SERVICE...]\n\nList images used by the created containers')
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only display IDs' })
      .option('format', { type: 'string', requiresArg: true, default: 'table', describe: 'Format the output. Values: [table | json]' }),
  handler: async (argv) => {
    const format = (argv.format ?? 'table').toLowerCase();
    if (!['table', 'pretty', '', 'json'].includes(format)) throw new UsageError(`format value ${JSON.stringify(argv.format)} could not be parsed: parsing failed`);
    const ctx = await contextOf(argv);
    const { containersOf } = await import('../../compose/engine/ops.js');
    const cs = await containersOf(ctx, svcList(argv));
    const { imagesJson, imagesTable } = await import('../../compose/images-view.js');
    const rows: import('../../compose/images-view.js').ImageRow[] = [];
    for (const c of cs) {
      const [img] = JSON.parse(await ctx.engine.must(['image', 'inspect', '--format', 'json', c.labels['com.docker.compose.image'] ?? c.image])) as Array<{ Id: string; Size: number; Os: string; Architecture: string; Created: string }>;
      rows.push({ container: c.name, ref: c.image, id: img!.Id, size: img!.Size, platform: `${img!.Os}/${img!.Architecture}`, created: new Date(img!.Created) });
    }
    if (argv.quiet) return void process.stdout.write([...new Set(rows.map((r) => r.id))].map((i) => `${i}\n`).join(''));
    process.stdout.write(format === 'json' ? imagesJson(rows) : imagesTable(rows, new Date()));
  },
};

const portSubCommand: CommandModule<ComposeArgs, ComposeArgs & { service?: string; port?: string; protocol?: string; index?: number }> = {
  command: 'port <service> <port>',
  describe: 'Print the public port for a port binding',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose port [OPTIONS] SERVICE PRIVATE_PORT\n\nPrint the public port for a port binding')
      .option('protocol', { type: 'string', requiresArg: true, default: 'tcp', describe: 'tcp or udp' })
      .option('index', { type: 'number', requiresArg: true, default: 1, describe: 'Index of the container if service has multiple replicas' }),
  handler: async (argv) => {
    const ctx = await contextOf(argv);
    const { containersOf } = await import('../../compose/engine/ops.js');
    const c = (await containersOf(ctx, [String(argv.service)])).find((x) => x.number === argv.index);
    if (!c) throw new UsageError(`service "${argv.service}" has no container number ${argv.index}`);
    const port = Number(argv.port);
    const m = c.ports.find((p) => p.protocol === argv.protocol && port >= p.container_port && port < p.container_port + Math.max(1, p.range));
    if (!m) throw new UsageError(`no port ${argv.port}/${argv.protocol} for container ${c.name}: port is not published`);
    process.stdout.write(`${m.host_ip || '0.0.0.0'}:${m.host_port + (port - m.container_port)}\n`);
  },
};

interface CpArgs extends ComposeArgs {
  src?: string;
  dest?: string;
  index?: number;
  all?: boolean;
  archive?: boolean;
  'follow-link'?: boolean;
}

/** `SERVICE:PATH` of compose cp (a local path has no colon before its first slash). */
function serviceSide(v: string): { service: string; path: string } | undefined {
  const colon = v.indexOf(':');
  if (colon <= 0) return undefined;
  const slash = v.indexOf('/');
  if (slash >= 0 && slash < colon) return undefined;
  return { service: v.slice(0, colon), path: v.slice(colon + 1) };
}

const cpSubCommand: CommandModule<ComposeArgs, CpArgs> = {
  command: 'cp <src> <dest>',
  describe: 'Copy files/folders between a service container and the local filesystem',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose cp [OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n       tsc-run compose cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH\n\nCopy files/folders between a service container and the local filesystem')
      .option('all', { type: 'boolean', describe: 'Include containers created by the run command' })
      .option('archive', { alias: 'a', type: 'boolean', describe: 'Archive mode (copy all uid/gid information)' })
      .option('follow-link', { alias: 'L', type: 'boolean', describe: 'Always follow symbol link in SRC_PATH' })
      .option('index', { type: 'number', requiresArg: true, describe: 'Index of the container if service has multiple replicas' }),
  handler: async (argv) => {
    if (argv['follow-link']) throw new UsageError('--follow-link is not supported: tsc-run cp (as podman cp) copies a symbolic link as it is');
    const src = String(argv.src);
    const dest = String(argv.dest);
    const from = serviceSide(src);
    const to = serviceSide(dest);
    if (Boolean(from) === Boolean(to)) throw new UsageError('copying between services is not supported: one of SRC and DEST must be SERVICE:PATH, the other a local path or -');
    const side = (from ?? to)!;
    const ctx = await contextOf(argv);
    const { containersOf } = await import('../../compose/engine/ops.js');
    let cs = await containersOf(ctx, [side.service], { oneoff: argv.all === true });
    if (argv.index !== undefined) cs = cs.filter((c) => c.number === argv.index && !c.oneoff);
    // From a service: its first container (or --index); to a service: every one of them, as docker compose.
    if (from) cs = cs.slice(0, 1);
    if (!cs.length) throw new UsageError(argv.index !== undefined ? `service "${side.service}" is not running container #${argv.index}` : `no container found for service "${side.service}"`);
    // docker's -a keeps the source's uid/gid: the engine's --archive=false; without it the engine gives the files to the container's user.
    const flags = argv.archive ? ['--archive=false'] : [];
    for (const c of cs) {
      const code = await ctx.engine.inherit(['cp', ...flags, from ? `${c.id}:${side.path}` : src, to ? `${c.id}:${side.path}` : dest]);
      if (code !== 0) throw new ChildExit(code);
    }
  },
};

const topSubCommand: CommandModule<ComposeArgs, ServicesArgs> = {
  command: 'top [service..]',
  describe: 'Display the running processes',
  builder: (y) => y.usage('Usage: tsc-run compose top [SERVICES...]\n\nDisplay the running processes'),
  handler: async (argv) => {
    const ctx = await contextOf(argv);
    const { containersOf } = await import('../../compose/engine/ops.js');
    for (const c of (await containersOf(ctx, svcList(argv))).filter((x) => x.state === 'running')) {
      process.stdout.write(`${c.name}\n${await ctx.engine.must(['top', c.id])}\n`);
    }
  },
};

const waitSubCommand: CommandModule<ComposeArgs, ServicesArgs & { 'down-project'?: boolean }> = {
  command: 'wait <service..>',
  describe: 'Block until the first service container stops',
  builder: (y) => y.usage('Usage: tsc-run compose wait SERVICE [SERVICE...] [OPTIONS]\n\nBlock until the first service container stops').option('down-project', { type: 'boolean', describe: 'Drops project when the first container stops' }),
  handler: async (argv) => {
    const ctx = await contextOf(argv);
    const { containersOf, down } = await import('../../compose/engine/ops.js');
    const cs = await containersOf(ctx, svcList(argv));
    if (!cs.length) throw new UsageError('no containers for the given services');
    const code = await Promise.race(cs.map(async (c) => Number((await ctx.engine.must(['wait', c.id])).trim())));
    if (argv['down-project']) await down(ctx, {});
    process.stdout.write(`${code}\n`);
  },
};

const eventsSubCommand: CommandModule<ComposeArgs, ServicesArgs & { json?: boolean; since?: string; until?: string }> = {
  command: 'events [service..]',
  describe: 'Receive real time events from containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose events [OPTIONS] [SERVICE...]\n\nReceive real time events from containers')
      .option('json', { type: 'boolean', describe: 'Output events as a stream of json objects' })
      .option('since', { type: 'string', requiresArg: true, describe: 'Show all events created since timestamp' })
      .option('until', { type: 'string', requiresArg: true, describe: 'Stream events until this timestamp' }),
  handler: async (argv) => {
    const ctx = await contextOf(argv);
    for (const s of svcList(argv)) if (!(s in ctx.project.services) && !(s in ctx.project.disabledServices)) throw new UsageError(`no such service: ${s}`);
    const { streamProjectEvents } = await import('../../compose/engine/events.js');
    const code = await streamProjectEvents(ctx, { services: svcList(argv), json: argv.json === true, since: argv.since, until: argv.until }, (s) => process.stdout.write(s));
    if (code !== 0) throw new ChildExit(code);
  },
};

/** The services' develop.watch rules (with their build contexts' ignore files), and the project narrowed to the services. */
async function watchPlanOf(ctx: ComposeContext, names: readonly string[]): Promise<{ p: Project; plan: import('../../compose/watch-plan.js').ServiceWatch[] }> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { watchPlan } = await import('../../compose/watch-plan.js');
  const { selected } = await import('../../compose/engine/up.js');
  const p = selected(ctx.project, names, true);
  const plan = watchPlan(p, names, (context) => {
    for (const f of ['.dockerignore', '.containerignore']) {
      const file = path.join(context, f);
      if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
    }
    return undefined;
  }, ctx.warn);
  return { p, plan };
}

const watchSubCommand: CommandModule<ComposeArgs, ServicesArgs & { quiet?: boolean; 'no-up'?: boolean }> = {
  command: 'watch [service..]',
  describe: 'Watch build context for service and rebuild/refresh containers when files are updated',
  builder: (y) =>
    y
      .usage('Usage: tsc-run compose watch [SERVICE...]\n\nWatch build context for service and rebuild/refresh containers when files are updated')
      .option('quiet', { type: 'boolean', describe: 'hide build output' })
      .option('no-up', { type: 'boolean', describe: 'Do not build & start services before watching' }),
  handler: async (argv) => {
    const ctx = await contextOf(argv);
    if (ctx.dryRun) throw new UsageError('watch cannot run with --dry-run: it acts on changes as they happen');
    const { up } = await import('../../compose/engine/up.js');
    const names = svcList(argv);
    const { p, plan } = await watchPlanOf(ctx, names);
    // Build and start first (docker compose: services with a build and a develop section are always built).
    if (!argv['no-up']) {
      const quiet = argv.quiet ? { ...ctx, progress: () => {} } : ctx;
      await up(quiet, { services: names, build: true, noResult: true, quietPull: argv.quiet });
      await ctx.endProgress?.();
    }
    const { startWatch } = await import('../../compose/engine/watch.js');
    await startWatch({ ...ctx, project: p }, plan, undefined, { quiet: argv.quiet }).done;
  },
};

const subcommands = [
  upCommand, downCommand, createSubCommand, psSubCommand, logsSubCommand, ...lifecycleCommands, execSubCommand, runSubCommand,
  pullSubCommand, pushSubCommand, buildSubCommand, configCommand, lsSubCommand, versionSubCommand, imagesSubCommand, portSubCommand,
  topSubCommand, waitSubCommand, cpSubCommand, eventsSubCommand, watchSubCommand, ...moreComposeCommands(contextOf),
].map((c) => withProgressEnd(c as CommandModule<ComposeArgs, never>));

/** Value flags of compose and of its run/exec, for the split of their trailing command line. */
const COMPOSE_VALUE_FLAGS = ['-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile', '--ansi', '--progress', '--parallel', '--workdir'];
const RUN_VALUE_FLAGS = ['-e', '--env', '--entrypoint', '-p', '--publish', '-v', '--volume', '--name', '-u', '--user', '-w', '--workdir', '--index', '--pull', '--cap-add', '--cap-drop', '--env-from-file', '-l', '--label'];

export const composeCommand: CommandModule<GlobalArgs, ComposeArgs> & { trailing: Array<{ names: string[]; positionalsBefore: number; valueFlags: string[]; betweenValueFlags: string[] }> } = {
  command: 'compose',
  describe: 'Define and run multi-container applications',
  trailing: [
    { names: ['compose run', 'compose exec'], positionalsBefore: 1, valueFlags: [...RUN_VALUE_FLAGS, ...COMPOSE_VALUE_FLAGS], betweenValueFlags: COMPOSE_VALUE_FLAGS },
  ],
  builder: (y) =>
    withComposeFlags(y.usage('Usage: tsc-run compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with tsc-run'))
      // docker compose's flags are named --no-deps, --no-build...: no yargs negation here.
      .parserConfiguration({ 'populate--': true, 'unknown-options-as-args': false, 'parse-positional-numbers': false, 'boolean-negation': false })
      .command(subcommands)
      .demandCommand(1, "missing command 'tsc-run compose COMMAND'"),
  handler: () => {},
};

/**
 * A subcommand's own letters that are compose's global flags too (`-f` is
 * --file, `-p` --project-name): rm -f (--force), logs -f (--follow),
 * version -f (--format), commit -p (--pause).
 */
const SUBCOMMAND_SHORT: Record<string, Record<string, string>> = { rm: { f: '--force' }, logs: { f: '--follow' }, version: { f: '--format' }, commit: { p: '--pause' } };
const GLOBAL_VALUE_FLAGS = COMPOSE_VALUE_FLAGS;

/**
 * `compose -f -` (stdin): yargs reads a lone `-` as a positional, so it
 * becomes `--file=-`. A subcommand's own `-f` or `-p` (also inside `-sf`)
 * becomes its long name: yargs cannot give one letter to a global and a
 * subcommand's option at once.
 */
export function normalizeComposeArgv(argv: readonly string[]): string[] {
  const i = argv.indexOf('compose');
  if (i < 0) return [...argv];
  const out = argv.slice(0, i + 1);
  let sub: string | undefined;
  for (let j = i + 1; j < argv.length; j++) {
    const a = argv[j]!;
    if (a === '--') return [...out, ...argv.slice(j)];
    if (sub === undefined) {
      if ((a === '-f' || a === '--file') && argv[j + 1] === '-') {
        out.push('--file=-');
        j++;
        continue;
      }
      out.push(a);
      if (GLOBAL_VALUE_FLAGS.includes(a) && j + 1 < argv.length) out.push(argv[++j]!);
      else if (!a.startsWith('-')) sub = a;
      continue;
    }
    const own = SUBCOMMAND_SHORT[sub] ?? {};
    if ((a === '-f' || a === '--file') && argv[j + 1] === '-' && !own.f && sub !== 'run' && sub !== 'exec') {
      out.push('--file=-');
      j++;
      continue;
    }
    const eqv = /^-([a-zA-Z])=(.*)$/.exec(a);
    if (eqv && own[eqv[1]!]) {
      out.push(`${own[eqv[1]!]}=${eqv[2]}`);
      continue;
    }
    const m = /^-([a-zA-Z]+)$/.exec(a);
    const letters = m ? [...m[1]!] : [];
    if (letters.some((l) => own[l])) {
      // The long names first: a value flag left in the cluster keeps its value next to it (`-pm MSG`).
      for (const l of new Set(letters)) if (own[l]) out.push(own[l]);
      const rest = letters.filter((l) => !own[l]).join('');
      if (rest) out.push(`-${rest}`);
    } else out.push(a);
  }
  return out;
}
