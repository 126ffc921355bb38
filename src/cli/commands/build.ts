// `tsc-run build [options] [CONTEXT]` (also `image build`, `buildx build`):
// podman 4.3's flags, each acting or refused with its reason; the build
// itself is src/build/. Step lines on stdout, the image id last on stdout
// (alone with -q), pull progress and warnings on stderr.

import type { Argv, CommandModule } from 'yargs';
import { TscRunError, UsageError, errnoText } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { registryFlags, type RegistryFlagArgs } from './registry-flags.js';

interface BuildArgs extends GlobalArgs, RegistryFlagArgs {
  context?: string;
  extra?: string[];
  file?: string[];
  tag?: string[];
  'build-arg'?: string[];
  'build-arg-file'?: string[];
  'build-context'?: string[];
  target?: string;
  'no-cache'?: boolean;
  layers?: boolean;
  pull?: string;
  'pull-always'?: boolean;
  'pull-never'?: boolean;
  platform?: string;
  arch?: string;
  os?: string;
  variant?: string;
  format?: string;
  iidfile?: string;
  label?: string[];
  annotation?: string[];
  squash?: boolean;
  'squash-all'?: boolean;
  rm?: boolean;
  'force-rm'?: boolean;
  quiet?: boolean;
  env?: string[];
  unsetenv?: string[];
  timestamp?: number;
  'omit-history'?: boolean;
  'identity-label'?: boolean;
  ignorefile?: string;
  secret?: string[];
  ssh?: string[];
  network?: string;
  'add-host'?: string[];
  dns?: string[];
  'dns-option'?: string[];
  'dns-search'?: string[];
  'no-hosts'?: boolean;
  'cap-add'?: string[];
  'cap-drop'?: string[];
  'security-opt'?: string[];
  volume?: string[];
  isolation?: string;
  from?: string;
  'cache-ttl'?: string;
  jobs?: number;
  manifest?: string;
  output?: string;
  compress?: boolean;
  'disable-compression'?: boolean;
  'disable-content-trust'?: boolean;
  'http-proxy'?: boolean;
  'skip-unused-stages'?: boolean;
  [k: string]: unknown;
}

/** podman flags this builder does not have, with the reason given when one is used. */
const REFUSED: Record<string, string> = {
  'all-platforms': 'builds for one platform only',
  'cache-from': 'remote layer caches are not supported (the local cache is used)',
  'cache-to': 'remote layer caches are not supported (the local cache is used)',
  'cgroup-parent': 'cgroups cannot be delegated to the user on this host',
  cgroupns: 'RUN steps always get a private cgroup namespace view',
  'cpp-flag': 'Containerfile.in preprocessing is not supported',
  'cpu-period': 'resource limits need a delegated cgroup v2 subtree',
  'cpu-quota': 'resource limits need a delegated cgroup v2 subtree',
  'cpu-shares': 'resource limits need a delegated cgroup v2 subtree',
  'cpuset-cpus': 'resource limits need a delegated cgroup v2 subtree',
  'cpuset-mems': 'resource limits need a delegated cgroup v2 subtree',
  memory: 'resource limits need a delegated cgroup v2 subtree',
  'memory-swap': 'resource limits need a delegated cgroup v2 subtree',
  'decryption-key': 'encrypted images are not supported',
  device: 'devices in RUN steps are not supported',
  'hooks-dir': 'OCI hooks are not supported',
  ipc: 'RUN steps always get a private IPC namespace',
  pid: 'RUN steps always get a private PID namespace',
  uts: 'RUN steps always get a private UTS namespace',
  logfile: 'build output goes to stdout and stderr only',
  logsplit: 'build output goes to stdout and stderr only',
  'os-feature': 'OS features are not recorded',
  'os-version': 'OS versions are not recorded',
  retry: 'pulls are not retried',
  'retry-delay': 'pulls are not retried',
  'runtime-flag': 'RUN steps run through the tsc-run helper, which takes no runtime flags',
  'shm-size': 'the /dev/shm size of RUN steps is fixed',
  'sign-by': 'image signing is not supported',
  stdin: 'RUN steps never read stdin',
  ulimit: 'RUN steps keep the limits of the build process',
  userns: 'RUN steps run in the user namespace of the user',
  'userns-uid-map': 'RUN steps run in the user namespace of the user',
  'userns-gid-map': 'RUN steps run in the user namespace of the user',
  'userns-uid-map-user': 'RUN steps run in the user namespace of the user',
  'userns-gid-map-group': 'RUN steps run in the user namespace of the user',
};

function withBuildFlags<T>(y: Argv<T>): Argv<T> {
  const s = (describe: string, extra: object = {}) => ({ type: 'string' as const, requiresArg: true, describe, ...extra });
  const a = (describe: string) => ({ type: 'string' as const, array: true, requiresArg: true, nargs: 1, describe });
  const b = (describe: string, extra: object = {}) => ({ type: 'boolean' as const, describe, ...extra });
  let out = registryFlags(y, { signaturePolicy: true })
    .positional('context', { type: 'string', describe: 'Build context: a directory, - (a tar on stdin) or an http(s) URL of a tar' })
    .positional('extra', { type: 'string', array: true, hidden: true })
    .option('add-host', a('add a custom host-to-IP mapping (host:ip)'))
    .option('arch', s('set the ARCH of the image to the provided value instead of the architecture of the host'))
    .option('build-arg', a('argument=value to supply to the builder'))
    .option('build-arg-file', a('argfile.conf containing lines of argument=value to supply to the builder'))
    .option('build-context', a('`argument=value` to supply additional build context to the builder'))
    .option('cache-ttl', s('only consider cache images under specified duration'))
    .option('cap-add', a('add the specified capability when running'))
    .option('cap-drop', a('drop the specified capability when running'))
    .option('compress', b('this is a legacy option, which has no effect on the image'))
    .option('disable-compression', b("don't compress layers by default", { alias: 'D', default: true }))
    .option('disable-content-trust', b('this is a Docker specific option and is a NOOP'))
    .option('dns', a("set custom DNS servers or disable it completely by setting it to 'none'"))
    .option('dns-option', a('set custom DNS options'))
    .option('dns-search', a('set custom DNS search domains'))
    .option('env', a('set environment variable for the image'))
    .option('file', { type: 'string', array: true, nargs: 1, alias: 'f', describe: 'pathname or URL of a Dockerfile (- reads it from stdin)' })
    .option('force-rm', b('always remove intermediate containers after a build, even if the build is unsuccessful'))
    .option('format', s("format of the built image's manifest and metadata (oci or docker)"))
    .option('from', s('image name used to replace the value in the first FROM instruction in the Containerfile'))
    .option('http-proxy', b('pass through HTTP Proxy environment variables', { default: true }))
    .option('identity-label', b('add default identity label', { default: true }))
    .option('ignorefile', s('path to an alternate .dockerignore file'))
    .option('iidfile', s('file to write the image ID to'))
    .option('isolation', s('type of process isolation to use (only the default, rootless, is available)'))
    .option('jobs', { type: 'number', requiresArg: true, default: 1, describe: 'how many stages to run in parallel' })
    .option('label', a('set metadata for an image'))
    // No yargs default: whether --layers was given matters to --squash and --squash-all (podman's Changed()).
    .option('layers', b('cache intermediate layers during build (default true)'))
    .option('network', s("'private', 'none', or 'host' (RUN steps' network)"))
    .option('no-cache', b('do not use existing cached images for the container build. Build from the start with a new set of cached layers.'))
    .option('no-hosts', b('do not create new /etc/hosts files for RUN instructions, use the one from the base image.'))
    .option('output', { type: 'string', alias: 'o', requiresArg: true, describe: 'output destination (format: type=local,dest=path)' })
    .option('omit-history', b('omit build history information from built image'))
    .option('os', s('set the OS to the provided value instead of the current operating system of the host'))
    .option('platform', s('set the OS/ARCH/VARIANT of the image to the provided value instead of the current operating system and architecture of the host'))
    .option('pull', s('pull policy: always (true), missing, never (false), newer'))
    .option('pull-always', b('pull the image even if the named image is present in store', { hidden: true }))
    .option('pull-never', b('do not pull the image, use the image present in store if available', { hidden: true }))
    .option('quiet', b('refrain from announcing build instructions and image read/write progress', { alias: 'q' }))
    .option('rm', b('remove intermediate containers after a successful build', { default: true }))
    .option('secret', a('secret file to expose to the build (id=ID,src=PATH or id=ID,env=VAR)'))
    .option('security-opt', a('security options'))
    .option('skip-unused-stages', b('skips stages in multi-stage builds which do not affect the final target', { default: true }))
    .option('tag', { ...a('tagged name to apply to the built image'), alias: 't' })
    .option('target', s('set the target build stage to build'))
    .option('timestamp', { type: 'number', requiresArg: true, describe: 'set created timestamp to the specified epoch seconds to allow for deterministic builds' })
    .option('unsetenv', a('unset environment variable from final image'))
    .option('variant', s('override the variant of the specified image'))
    .option('volume', { ...a('bind mount a volume into the container'), alias: 'v' });
  for (const name of Object.keys(REFUSED)) {
    out = out.option(name, { type: 'string', hidden: true });
  }
  out = out
    .option('squash', b('squash newly built layers into a single new layer'))
    .option('squash-all', b('Squash all layers into a single layer'))
    .option('annotation', a('set metadata for an image'))
    .option('manifest', s('add the image to the specified manifest list'))
    .option('ssh', a('SSH agent socket or keys to expose to the build. (format: default|<id>[=<socket>|<key>[,<key>]])'));
  return out;
}

const PULL: Record<string, 'always' | 'missing' | 'never' | 'newer'> = {
  true: 'always',
  always: 'always',
  missing: 'missing',
  false: 'missing',
  never: 'never',
  newer: 'newer',
  ifnewer: 'newer',
};

function keyValues(values: readonly string[], what: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf('=');
    const k = eq < 0 ? v : v.slice(0, eq);
    if (!k) throw new UsageError(`invalid ${what} ${JSON.stringify(v)}: want KEY=VALUE`);
    if (eq >= 0) m.set(k, v.slice(eq + 1));
    else if (process.env[k] !== undefined) m.set(k, process.env[k]);
  }
  return m;
}

function parseDurationMs(v: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  const unit: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
  let total = 0;
  let pos = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * unit[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos !== v.length || pos === 0) throw new UsageError(`invalid --cache-ttl ${JSON.stringify(v)}: time: invalid duration`);
  return total;
}

function buildModule(command: string): CommandModule<GlobalArgs, BuildArgs> {
  return {
    command: `${command} [context] [extra..]`,
    describe: 'Build an image using instructions from Containerfiles',
    builder: (y) =>
      withBuildFlags(y.parserConfiguration({ 'populate--': true, 'unknown-options-as-args': false, 'parse-positional-numbers': false, 'boolean-negation': false }).usage('Usage: tsc-run build [options] [CONTEXT]\n\nBuilds an OCI or Docker image using instructions from one or more Containerfiles and a specified build context directory.'))
        .example('tsc-run build .', '')
        .example('tsc-run build -t imageName -f Containerfile.simple .', '')
        .example('tsc-run build --layers --force-rm --tag imageName .', ''),
    handler: async (argv) => {
      for (const [name, why] of Object.entries(REFUSED)) {
        const v = argv[name];
        if (v === undefined || v === false || (Array.isArray(v) && v.length === 0)) continue;
        throw new UsageError(`--${name} is not supported: ${why}`);
      }
      const positionals = [argv.context, ...(argv.extra ?? []), ...((argv['--'] as string[] | undefined) ?? [])].filter((x): x is string => x !== undefined).map(String);
      // `--pull` takes an optional value (podman's NoOptDefVal): `--pull .` is --pull=true and the context `.`.
      let pullText = argv.pull;
      if (pullText !== undefined && PULL[pullText.toLowerCase()] === undefined && !/^[a-z]+$/i.test(pullText)) {
        positionals.unshift(pullText);
        pullText = 'true';
      }
      if (positionals.length > 1) throw new UsageError(`accepts at most 1 arg(s), received ${positionals.length}`);
      let pull = pullText === undefined ? 'missing' : PULL[pullText.toLowerCase()];
      if (pull === undefined) throw new UsageError(`unsupported pull policy ${JSON.stringify(pullText)}: want always, missing, never or newer`);
      if (argv['pull-always']) pull = 'always';
      if (argv['pull-never']) pull = 'never';
      if (argv.rm === false) throw new UsageError('--rm=false is not supported: step containers are always removed');
      if (argv['disable-compression'] === false) throw new UsageError('--disable-compression=false is not supported: layers are stored uncompressed (push compresses them)');
      if (argv['skip-unused-stages'] === false) throw new UsageError('--skip-unused-stages=false is not supported: only the stages the target needs are built');
      if (argv.isolation !== undefined && !['rootless', 'oci', 'default'].includes(argv.isolation)) {
        throw new UsageError(`--isolation=${argv.isolation} is not supported: RUN steps always run in a rootless container of the tsc-run helper`);
      }
      const format = (argv.format ?? process.env.BUILDAH_FORMAT ?? 'oci').toLowerCase();
      if (format !== 'oci' && format !== 'docker') throw new UsageError(`unrecognized image type ${JSON.stringify(argv.format)}`);
      // podman: --squash is buildah's --layers=false; --squash-all squashes everything, without the cache unless --layers is given.
      if ((argv.squash && argv.layers !== undefined) || (argv['squash-all'] && argv.squash)) throw new UsageError('cannot specify --squash with --layers and --squash-all with --squash');
      let layers = argv.layers ?? (process.env.BUILDAH_LAYERS === undefined ? true : /^(1|true)$/i.test(process.env.BUILDAH_LAYERS));
      if (argv.squash || (argv['squash-all'] && argv.layers === undefined)) layers = false;
      const annotations: Record<string, string> = {};
      for (const a of argv.annotation ?? []) {
        const eq = String(a).indexOf('=');
        if (eq <= 0) throw new UsageError(`invalid --annotation ${JSON.stringify(a)}: want KEY=VALUE`);
        annotations[String(a).slice(0, eq)] = String(a).slice(eq + 1);
      }
      if (Object.keys(annotations).length && format === 'docker') {
        throw new UsageError('--annotation is not supported with --format docker: a Docker manifest has no annotations (podman drops them silently)');
      }
      const output = argv.output !== undefined ? (await import('../../build/output.js')).parseOutput(String(argv.output)) : undefined;
      if (argv.platform?.includes(',')) {
        throw new UsageError('--platform with several platforms is not supported: RUN steps cannot run a foreign architecture here (no emulator); build each platform where it runs and join the images with manifest add');
      }
      const jobs = argv.jobs ?? 1;
      if (!Number.isInteger(jobs) || jobs < 0) throw new UsageError(`--jobs must be a non-negative integer, not ${argv.jobs}`);
      const network = argv.network;
      if (network !== undefined && !['private', 'host', 'none', 'pasta', 'slirp4netns', 'bridge'].includes(network)) {
        throw new UsageError(`--network=${network} is not supported: want private, host or none`);
      }

      const [{ buildImage }, { wantedPlatform, hostPlatform }, { normalizeLocalName, formatReference }, fsm] = await Promise.all([
        import('../../build/build.js'),
        import('../../image/registry/manifest-select.js'),
        import('../../storage/image-reference.js'),
        import('node:fs/promises'),
      ]);
      const platform = wantedPlatform({ platform: argv.platform, os: argv.os, arch: argv.arch, variant: argv.variant });
      const host = hostPlatform();
      const tags = (argv.tag ?? []).map((t) => formatReference(normalizeLocalName(String(t))));
      const buildArgs = new Map<string, string>();
      for (const f of argv['build-arg-file'] ?? []) {
        const text = await fsm.readFile(String(f), 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw new TscRunError(`reading --build-arg-file ${f}: ${errnoText(err)}`);
        });
        const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
        for (const [k, v] of keyValues(lines, 'build arg')) buildArgs.set(k, v);
      }
      for (const [k, v] of keyValues((argv['build-arg'] ?? []).map(String), 'build arg')) buildArgs.set(k, v);
      if (argv['http-proxy'] !== false) {
        const { PROXY_ARGS } = await import('../../build/exec/build-args.js');
        for (const p of PROXY_ARGS) if (!buildArgs.has(p) && process.env[p] !== undefined) buildArgs.set(p, process.env[p]);
      }
      const labels: Record<string, string> = {};
      if (argv['identity-label'] !== false) {
        const { VERSION } = await import('../../version.js');
        labels['io.tsc-run.version'] = VERSION;
      }
      for (const l of argv.label ?? []) {
        const eq = String(l).indexOf('=');
        labels[eq < 0 ? String(l) : String(l).slice(0, eq)] = eq < 0 ? '' : String(l).slice(eq + 1);
      }
      const { parseSecretFlags, parseSshFlags } = await import('../../build/flags.js');
      const secrets = await parseSecretFlags((argv.secret ?? []).map(String));
      const ssh = await parseSshFlags((argv.ssh ?? []).map(String));
      const { parseBuildContexts, checkBuildContexts } = await import('../../build/context/named-contexts.js');
      const buildContexts = parseBuildContexts((argv['build-context'] ?? []).map(String));
      await checkBuildContexts(buildContexts);
      const quiet = argv.quiet === true;
      const roots = rootsOf(argv);
      const { warn } = await import('../warn.js');
      // The registry client loads only when a build pulls (a cached build never does); --creds is still checked up front.
      const remoteNow = argv.creds !== undefined ? (await import('./registry-options.js')).remoteOptions(argv) : undefined;
      // On a terminal (stdout and stderr both), the live view (src/cli/ui/build/); else podman's lines.
      const { wantsBuildView } = await import('../ui/build/select.js');
      const view = wantsBuildView({ quiet, logLevel: argv['log-level'] }, process.stdout, process.stderr, process.env) ? (await import('../ui/build/view.js')).buildLiveView(process.stdout) : undefined;
      const { logrusLine } = await import('../warn.js');
      const buildWarn = view ? (msg: string) => view.line(logrusLine('warning', msg, { terminal: true }).replace(/\s*\n$/, '')) : warn;
      // Ctrl-C (SIGTERM, SIGHUP) stops the build at the next step; its clean-up runs as after a failure.
      const interrupt = new AbortController();
      const onSignal = () => interrupt.abort();
      const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
      for (const sig of signals) process.on(sig, onSignal);
      let rec;
      try {
        rec = await buildImage({
          roots,
          context: positionals[0] ?? '.',
          files: (argv.file ?? []).map(String),
          ignorefile: argv.ignorefile,
          from: argv.from,
          stdin: process.stdin,
          buildArgs,
          target: argv.target,
          tags,
          format,
          layers,
          squashAll: argv['squash-all'] === true,
          annotations,
          noCache: argv['no-cache'] === true,
          cacheTtlMs: argv['cache-ttl'] !== undefined ? parseDurationMs(argv['cache-ttl']) : undefined,
          pull,
          platform: { os: platform.os, arch: platform.architecture, variant: platform.variant },
          hostPlatform: { os: host.os, arch: host.architecture, variant: host.variant },
          labels,
          env: (argv.env ?? []).map(String),
          unsetEnv: (argv.unsetenv ?? []).map(String),
          timestamp: argv.timestamp !== undefined ? new Date(argv.timestamp * 1000) : undefined,
          omitHistory: argv['omit-history'] === true,
          jobs: jobs === 0 ? 64 : jobs,
          run: {
            network: network === undefined || network === 'private' || network === 'bridge' ? undefined : network,
            volumes: (argv.volume ?? []).map(String),
            security: { capAdd: argv['cap-add'], capDrop: argv['cap-drop'], securityOpt: argv['security-opt'] },
            ...(argv['add-host'] ? { addHosts: argv['add-host'].map(String) } : {}),
            ...(argv.dns ? { dns: argv.dns.map(String) } : {}),
            ...(argv['no-hosts'] === true ? { noHosts: true } : {}),
            ...(argv['dns-search'] ? { dnsSearch: argv['dns-search'].map(String) } : {}),
            ...(argv['dns-option'] ? { dnsOptions: argv['dns-option'].map(String) } : {}),
          },
          secrets,
          ssh,
          buildContexts,
          quiet,
          out: (line, at) => {
            if (quiet) return;
            if (!view) process.stdout.write(`${line}\n`);
            else if (at?.step) view.step(at, line);
            else view.line(line, at);
          },
          ...(view ? { runOutput: (at: { stage: number; name?: string }) => view.runOutput(at) } : {}),
          warn: buildWarn,
          signal: interrupt.signal,
          pullImage: async (ref, p) => {
            const [{ pullImages }, { emitImage }] = await Promise.all([import('../../image/registry/pull.js'), import('../../events/emit.js')]);
            const [{ remoteOptions }, { progressFor }] = await Promise.all([import('./registry-options.js'), import('../ui/progress/select.js')]);
            const remote = remoteNow ?? remoteOptions(argv);
            // Under the live view a pull's lines join the view (a second live area would fight it).
            const progress = view ? (await import('../progress.js')).plainProgress((text) => view.line(text.replace(/\n$/, ''))) : await progressFor({ quiet });
            try {
              const [img] = await pullImages({ dataRoot: roots.dataRoot, reference: ref, platform: { os: p.os, architecture: p.arch, variant: p.variant }, progress, warn: buildWarn, ...remote });
              emitImage(roots.dataRoot, 'pull', img!.id, img!.names[0] ?? ref);
              const { ImageStore } = await import('../../storage/images.js');
              return new ImageStore(roots.dataRoot).lookup(img!.id);
            } finally {
              await progress.close?.();
            }
          },
        });
      } finally {
        await view?.close();
        for (const sig of signals) process.off(sig, onSignal);
      }
      const { emitImage } = await import('../../events/emit.js');
      emitImage(roots.dataRoot, 'build', rec.id, rec.names[0] ?? '');
      if (output) {
        const { writeOutput } = await import('../../build/output.js');
        await writeOutput(roots, rec.id, output);
      }
      if (argv.manifest !== undefined) {
        const { addBuiltToList } = await import('../../image/manifest-store.js');
        await addBuiltToList(roots.dataRoot, argv.manifest, rec);
      }
      if (argv.iidfile !== undefined) await fsm.writeFile(argv.iidfile, `sha256:${rec.id}`);
      process.stdout.write(`${rec.id}\n`);
    },
  };
}

export const buildCommand = buildModule('build');

/** `buildx build`: docker users' spelling. */
export const buildxCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'buildx',
  describe: 'Build images (docker buildx compatibility)',
  builder: (y) => y.command([buildModule('build')]).demandCommand(1, "missing command 'tsc-run buildx COMMAND'"),
  handler: () => {},
};

/**
 * yargs takes a lone `-` for a flag, never a value: `build -f -` (a
 * Containerfile on stdin) becomes `--file=-`, and `build -` (a tar context
 * on stdin) `build -- -`, which yargs keeps as it is. Other commands' argv
 * is returned unchanged.
 */
export function buildStdinDashes(argv: readonly string[]): string[] {
  // The command word: `build`, `image build` or `buildx build` after global flags (and their values).
  let at = -1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === 'build') {
      at = i;
      break;
    }
    const prev = argv[i - 1];
    const isValue = prev !== undefined && prev.startsWith('--') && !prev.includes('=');
    if (!a.startsWith('-') && !isValue && a !== 'image' && a !== 'buildx') return [...argv];
  }
  if (at < 0) return [...argv];
  const out = argv.slice(0, at + 1);
  for (let i = at + 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...out, ...argv.slice(i)];
    if ((a === '-f' || a === '--file') && argv[i + 1] === '-') {
      out.push('--file=-');
      i++;
    } else if (a === '-') {
      return [...out, '--', ...argv.slice(i)];
    } else out.push(a);
  }
  return out;
}
