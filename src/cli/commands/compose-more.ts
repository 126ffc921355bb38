// docker compose v2.40's commands on one service container or the project's
// resources: attach, commit, export, scale, stats, volumes. Each is the
// engine's own command on the container docker compose would pick.

import type { Argv, CommandModule } from 'yargs';
import { ChildExit, UsageError } from '../../errors.js';
import type { Project } from '../../compose/model.js';
import type { ComposeContext } from '../../compose/engine/up.js';
import type { ProjectContainer } from '../../compose/engine/state.js';
import type { ComposeArgs } from './compose.js';
import { rootsOf } from '../global.js';

export type ContextOf = (argv: ComposeArgs, project?: Project, title?: string) => Promise<ComposeContext>;

interface OneArgs extends ComposeArgs {
  service?: string;
  index?: number;
}

/**
 * The container a one-container command acts on, as docker compose picks
 * it: the service's running (or paused) containers, one-off ones included
 * but last, the lowest number first; `--index N` that number.
 */
export async function specifiedContainer(ctx: ComposeContext, service: string, index: number | undefined): Promise<ProjectContainer> {
  const { containersOf } = await import('../../compose/engine/ops.js');
  const idx = Number(index ?? 0);
  if (!Number.isInteger(idx) || idx < 0) throw new UsageError(`invalid --index ${JSON.stringify(index)}: a container number`);
  const cs = (await containersOf(ctx, [service], { oneoff: true }))
    .filter((c) => (c.state === 'running' || c.state === 'paused') && (idx === 0 || c.number === idx))
    .sort((a, b) => (a.oneoff !== b.oneoff ? (a.oneoff ? 1 : -1) : a.number - b.number));
  const c = cs[0];
  if (!c) throw new UsageError(idx > 0 ? `service "${service}" is not running container #${idx}` : `service "${service}" is not running`);
  return c;
}

const indexFlag = <T>(y: Argv<T>) => y.option('index', { type: 'number', requiresArg: true, default: 0, describe: 'index of the container if service has multiple replicas.' });

function attachCommand(contextOf: ContextOf): CommandModule<ComposeArgs, OneArgs & { 'detach-keys'?: string; 'no-stdin'?: boolean; 'sig-proxy'?: boolean }> {
  return {
    command: 'attach <service>',
    describe: "Attach local standard input, output, and error streams to a service's running container",
    builder: (y) =>
      indexFlag(y.usage("Usage: tsc-run compose attach [OPTIONS] SERVICE\n\nAttach local standard input, output, and error streams to a service's running container"))
        .option('detach-keys', { type: 'string', requiresArg: true, describe: 'Override the key sequence for detaching from a container.' })
        .option('no-stdin', { type: 'boolean', describe: 'Do not attach STDIN' })
        .option('sig-proxy', { type: 'boolean', default: true, describe: 'Proxy all received signals to the process' }),
    handler: async (argv) => {
      const ctx = await contextOf(argv);
      const c = await specifiedContainer(ctx, String(argv.service), argv.index);
      const args = ['attach'];
      if (argv['detach-keys'] !== undefined) args.push('--detach-keys', argv['detach-keys']);
      if (argv['no-stdin']) args.push('--no-stdin');
      args.push(`--sig-proxy=${argv['sig-proxy'] !== false}`);
      const code = await ctx.engine.inherit([...args, c.id]);
      if (code !== 0) throw new ChildExit(code);
    },
  };
}

interface CommitArgs extends OneArgs {
  reference?: string;
  pause?: boolean;
  message?: string;
  author?: string;
  change?: string[];
}

function commitCommand(contextOf: ContextOf): CommandModule<ComposeArgs, CommitArgs> {
  return {
    command: 'commit <service> [reference]',
    describe: "Create a new image from a service container's changes",
    builder: (y) =>
      // -p (as docker compose's) is made --pause by normalizeComposeArgv: compose's own -p is --project-name.
      indexFlag(y.usage("Usage: tsc-run compose commit [OPTIONS] SERVICE [REPOSITORY[:TAG]]\n\nCreate a new image from a service container's changes"))
        .option('pause', { type: 'boolean', default: true, describe: 'Pause container during commit' })
        .option('message', { alias: 'm', type: 'string', requiresArg: true, describe: 'Commit message' })
        .option('author', { alias: 'a', type: 'string', requiresArg: true, describe: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' })
        .option('change', { alias: 'c', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Apply Dockerfile instruction to the created image' }),
    handler: async (argv) => {
      const ctx = await contextOf(argv, undefined, 'Committing');
      const c = await specifiedContainer(ctx, String(argv.service), argv.index);
      // A docker image, as docker's commit makes (it alone keeps --message).
      const args = ['commit', '--quiet', '--format', 'docker', `--pause=${argv.pause !== false}`];
      if (argv.message !== undefined) args.push('--message', argv.message);
      if (argv.author !== undefined) args.push('--author', argv.author);
      for (const ch of argv.change ?? []) args.push('--change', String(ch));
      ctx.progress('Container', c.name, 'Committing');
      const id = (await ctx.engine.must([...args, c.id, ...(argv.reference !== undefined ? [argv.reference] : [])])).trim();
      ctx.progress('Container', c.name, ctx.dryRun ? 'Committed' : `Committed as sha256:${id}`);
    },
  };
}

function exportCommand(contextOf: ContextOf): CommandModule<ComposeArgs, OneArgs & { output?: string }> {
  return {
    command: 'export <service>',
    describe: "Export a service container's filesystem as a tar archive",
    builder: (y) =>
      indexFlag(y.usage("Usage: tsc-run compose export [OPTIONS] SERVICE\n\nExport a service container's filesystem as a tar archive"))
        .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'Write to a file, instead of STDOUT' }),
    handler: async (argv) => {
      const ctx = await contextOf(argv, undefined, 'Exporting');
      const c = await specifiedContainer(ctx, String(argv.service), argv.index);
      if (argv.output === undefined && process.stdout.isTTY) throw new UsageError('output option is required when exporting to terminal');
      ctx.progress('Container', c.name, 'Exporting');
      // The engine writes the file (-o) or streams the tar to our stdout.
      const code = await ctx.engine.inherit(['export', ...(argv.output !== undefined ? ['--output', argv.output] : []), c.id]);
      if (code !== 0) throw new ChildExit(code);
      ctx.progress('Container', c.name, 'Exported');
    },
  };
}

/** docker compose's SERVICE=REPLICAS arguments of `scale`. */
export function parseReplicas(args: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    const key = eq < 0 ? '' : a.slice(0, eq);
    const val = eq < 0 ? '' : a.slice(eq + 1);
    if (!key || !val) throw new UsageError(`invalid scale specifier: ${a}`);
    if (!/^[+-]?\d+$/.test(val)) throw new UsageError(`invalid scale specifier: can't parse replica value as int: ${a}`);
    const n = Number(val);
    if (n < 0) throw new UsageError(`invalid scale specifier: ${a}: the number of replicas cannot be negative`);
    out[key] = n;
  }
  return out;
}

function scaleCommand(contextOf: ContextOf): CommandModule<ComposeArgs, ComposeArgs & { specs?: string[]; 'no-deps'?: boolean }> {
  return {
    command: 'scale <specs..>',
    describe: 'Scale services ',
    builder: (y) =>
      y.usage('Usage: tsc-run compose scale [SERVICE=REPLICAS...]\n\nScale services ').option('no-deps', { type: 'boolean', describe: "Don't start linked services" }),
    handler: async (argv) => {
      const scale = parseReplicas((argv.specs ?? []).map(String));
      const ctx = await contextOf(argv);
      for (const s of Object.keys(scale)) if (!(s in ctx.project.services) && !(s in ctx.project.disabledServices)) throw new UsageError(`no such service: ${s}`);
      const { up } = await import('../../compose/engine/up.js');
      // docker compose's scale is create + start of the named services at their new scale.
      await up(ctx, { services: Object.keys(scale).sort(), scale, noDeps: argv['no-deps'], noResult: true });
    },
  };
}

interface StatsArgs extends ComposeArgs {
  service?: string;
  all?: boolean;
  format?: string;
  'no-stream'?: boolean;
  'no-trunc'?: boolean;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

function statsCommand(contextOf: ContextOf): CommandModule<ComposeArgs, StatsArgs> {
  return {
    command: 'stats [service]',
    describe: 'Display a live stream of container(s) resource usage statistics',
    builder: (y) =>
      y
        .usage('Usage: tsc-run compose stats [OPTIONS] [SERVICE]\n\nDisplay a live stream of container(s) resource usage statistics')
        .option('all', { alias: 'a', type: 'boolean', describe: 'Show all containers (default shows just running)' })
        .option('format', { type: 'string', requiresArg: true, describe: "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template." })
        .option('no-stream', { type: 'boolean', describe: 'Disable streaming stats and only pull the first result' })
        .option('no-trunc', { type: 'boolean', describe: 'Do not truncate output' }),
    handler: async (argv) => {
      const ctx = await contextOf(argv);
      const { L } = await import('../../compose/labels.js');
      const { statsRow, statsOutput } = await import('../../compose/stats-view.js');
      const { ContainerStore } = await import('../../storage/containers.js');
      const { liveRecord } = await import('../../runtime/container/container-observe.js');
      const { sampleContainer, sharesPidNamespace } = await import('../../runtime/stats/stats-sample.js');
      const roots = rootsOf(argv);
      const store = new ContainerStore(roots.dataRoot);
      const service = argv.service === undefined ? undefined : String(argv.service);
      const read = async () => {
        const all = (await store.list()).map((r) => liveRecord(roots.runRoot, r));
        return all
          .filter((r) => r.config.labels?.[L.project] === ctx.project.name && (service === undefined || r.config.labels[L.service] === service))
          .filter((r) => argv.all === true || r.state.status === 'running' || r.state.status === 'paused')
          .sort((a, b) => Date.parse(a.created) - Date.parse(b.created))
          .map((r) => sampleContainer(r, sharesPidNamespace(r, all)));
      };
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        // As docker's: CPU % over the last second, so even --no-stream reads twice.
        let prev = new Map((await read()).map((s) => [s.id, s]));
        await sleep(1000, abort.signal);
        for (;;) {
          const now = await read();
          const out = statsOutput(now.map((s) => statsRow(s, prev.get(s.id), argv['no-trunc'] === true)), argv.format);
          prev = new Map(now.map((s) => [s.id, s]));
          if (argv['no-stream'] || abort.signal.aborted) return void process.stdout.write(out);
          // docker redraws the screen for each reading.
          process.stdout.write(`\x1b[2J\x1b[H${out}`);
          await sleep(1000, abort.signal);
          if (abort.signal.aborted) return;
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    },
  };
}

interface VolumesArgs extends ComposeArgs {
  service?: string[];
  quiet?: boolean;
  format?: string;
}

function volumesCommand(contextOf: ContextOf): CommandModule<ComposeArgs, VolumesArgs> {
  return {
    command: 'volumes [service..]',
    describe: 'List volumes',
    builder: (y) =>
      y
        .usage('Usage: tsc-run compose volumes [OPTIONS] [SERVICE...]\n\nList volumes')
        .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only display volume names' })
        .option('format', { type: 'string', requiresArg: true, default: 'table', describe: "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template." }),
    handler: async (argv) => {
      const ctx = await contextOf(argv);
      const services = (argv.service ?? []).map(String);
      for (const s of services) if (!(s in ctx.project.services)) throw new UsageError(`no such service: ${s}`);
      const { L } = await import('../../compose/labels.js');
      const view = await import('../../compose/volumes-view.js');
      const all = JSON.parse((await ctx.engine.must(['volume', 'ls', '--filter', `label=${L.project}=${ctx.project.name}`, '--format', 'json'])) || '[]') as import('../../compose/volumes-view.js').VolumeInfo[];
      let mounted: Set<string> | undefined;
      if (services.length) {
        // The volumes the services' running containers mount (docker lists running containers only).
        const { containersOf } = await import('../../compose/engine/ops.js');
        const ids = (await containersOf(ctx, services, { oneoff: true })).filter((c) => c.state === 'running' || c.state === 'paused').map((c) => c.id);
        const list = ids.length ? (JSON.parse((await ctx.engine.must(['container', 'inspect', '--format', 'json', ...ids])) || '[]') as Array<{ Mounts?: Array<{ Name?: string }> | null }>) : [];
        mounted = new Set(list.flatMap((c) => (c.Mounts ?? []).map((m) => m.Name ?? '')).filter(Boolean));
      }
      const vs = view.serviceVolumes(all, mounted);
      if (argv.quiet) return void process.stdout.write(vs.map((v) => `${v.Name}\n`).join(''));
      process.stdout.write(view.volumesOutput(vs, argv.format));
    },
  };
}

/** `publish` pushes the project as an OCI artifact; refused with the reason. */
function publishCommand(): CommandModule<ComposeArgs, ComposeArgs> {
  return {
    command: 'publish <repository>',
    describe: 'Publish compose application',
    builder: (y) => y.usage('Usage: tsc-run compose publish [OPTIONS] REPOSITORY[:TAG]\n\nPublish compose application'),
    handler: () => {
      throw new UsageError('compose publish is not supported: tsc-run cannot push a compose file as an OCI artifact (no artifact push in the engine)');
    },
  };
}

/** A docker compose command tsc-run does not have: refused with the reason, never "unknown command". */
function refusedCommand(command: string, describe: string, why: string): CommandModule<ComposeArgs, ComposeArgs> {
  const name = command.split(' ')[0]!;
  return {
    command,
    describe,
    builder: (y) => y.usage(`Usage: tsc-run compose ${name} COMMAND\n\n${describe}`).strict(false),
    handler: () => {
      throw new UsageError(`compose ${name} is not supported: ${why}`);
    },
  };
}

export function moreComposeCommands(contextOf: ContextOf): Array<CommandModule<ComposeArgs, never>> {
  return [attachCommand(contextOf), commitCommand(contextOf), exportCommand(contextOf), scaleCommand(contextOf), statsCommand(contextOf), volumesCommand(contextOf), publishCommand(),
    refusedCommand('bridge [args..]', 'Convert compose files into another model', "it runs docker's compose-bridge transformer images, which tsc-run does not have"),
    refusedCommand('alpha [args..]', 'Experimental commands', "docker compose's experimental commands (viz, generate, publish) are not part of tsc-run")] as unknown as Array<CommandModule<ComposeArgs, never>>;
}
