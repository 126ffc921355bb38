// `tsc-run build [options] [CONTEXT]` (also `image build`, `buildx build`):
// podman 4.3's flags, each acting or refused with its reason; the build
// itself is src/build/. Step lines on stdout, the image id last on stdout
// (alone with -q), pull progress and warnings on stderr.

import type { Argv, CommandModule } from 'yargs';
import { FlagError, TscRunError, UsageError, errnoText } from '../../errors.js';
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
  retry?: number;
  'retry-delay'?: string;
  manifest?: string;
  output?: string;
  compress?: boolean;
  'disable-compression'?: boolean;
  'disable-content-trust'?: boolean;
  'http-proxy'?: boolean;
  'skip-unused-stages'?: boolean;
  logfile?: string;
  progress?: string;
  ulimit?: string[];
  'shm-size'?: string;
  memory?: string;
  'memory-swap'?: string;
  'cpu-period'?: string;
  'cpu-quota'?: string;
  'cpu-shares'?: string;
  'cpuset-cpus'?: string;
  'cpuset-mems'?: string;
  [k: string]: unknown;
}

/**
 * podman 4.3 flags this builder cannot act on, with the reason given when one
 * is used. They stay in the help, as podman lists them. A value a flag can
 * take without changing anything (`--userns container`: what RUN steps get
 * anyway) is accepted: see ACCEPTED.
 */
const REFUSED: Record<string, string> = {
  'all-platforms': 'builds for one platform only (RUN steps cannot run a foreign architecture here)',
  'cgroup-parent': 'cgroups cannot be delegated to the user on this host',
  cgroupns: 'RUN steps always get a private cgroup namespace',
  'decryption-key': 'encrypted images are not supported',
  logsplit: 'it splits the log of a build for several platforms, and builds are for one platform',
  'runtime-flag': 'RUN steps run through the tsc-run helper, which takes no runtime flags',
  'sign-by': 'image signing is not supported',
  userns: 'RUN steps run in the user namespace of the user',
  'userns-uid-map-user': 'maps from /etc/subuid names are not supported: give the ids with --userns-uid-map (as run --uidmap: host ids of your own user namespace)',
  'userns-gid-map-group': 'maps from /etc/subgid names are not supported: give the ids with --userns-gid-map (as run --gidmap: host ids of your own user namespace)',
};

/** Values of refused flags that ask for what RUN steps get anyway. */
const ACCEPTED: Record<string, readonly string[]> = {
  cgroupns: ['private'],
  userns: ['container'],
};

/** The host's architecture in Go's words, for the help's defaults. */
const HOST_ARCH = ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[process.arch] ?? process.arch;

type FlagKind = 'string' | 'strings' | 'boolean' | 'number';
/** [name, kind, pflag's value name (goType) or '', podman 4.3's help text, extra yargs settings]. */
type FlagSpec = readonly [string, FlagKind, string, string, object?];

/** podman 4.3's `build --help`, flag by flag (registry flags from registryFlags). */
const FLAGS: readonly FlagSpec[] = [
  ['add-host', 'strings', 'host:ip', 'add a custom host-to-IP mapping (host:ip) (default [])'],
  ['all-platforms', 'boolean', '', 'attempt to build for all base image platforms'],
  ['annotation', 'strings', 'stringArray', 'set metadata for an image (default [])'],
  ['arch', 'string', '', `set the ARCH of the image to the provided value instead of the architecture of the host (default "${HOST_ARCH}")`],
  ['build-arg', 'strings', 'argument=value', 'argument=value to supply to the builder'],
  ['build-arg-file', 'strings', 'argfile.conf', 'argfile.conf containing lines of argument=value to supply to the builder'],
  ['build-context', 'strings', 'argument=value', 'argument=value to supply additional build context to the builder'],
  ['cache-from', 'string', '', 'remote repository to utilise as potential cache source.'],
  ['cache-to', 'string', '', 'remote repository to utilise as potential cache destination.'],
  ['cache-ttl', 'string', '', 'only consider cache images under specified duration.'],
  ['cap-add', 'strings', '', 'add the specified capability when running (default [])'],
  ['cap-drop', 'strings', '', 'drop the specified capability when running (default [])'],
  ['cgroup-parent', 'string', '', 'optional parent cgroup for the container'],
  ['cgroupns', 'string', '', "'private', or 'host'"],
  ['compress', 'boolean', '', 'this is a legacy option, which has no effect on the image'],
  ['cpp-flag', 'strings', 'stringArray', 'set additional flag to pass to C preprocessor (cpp)'],
  ['cpu-period', 'string', 'uint', 'limit the CPU CFS (Completely Fair Scheduler) period'],
  ['cpu-quota', 'string', 'int', 'limit the CPU CFS (Completely Fair Scheduler) quota'],
  ['cpu-shares', 'string', 'uint', 'CPU shares (relative weight)', { alias: 'c' }],
  ['cpuset-cpus', 'string', '', 'CPUs in which to allow execution (0-3, 0,1)'],
  ['cpuset-mems', 'string', '', 'memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA systems.'],
  ['decryption-key', 'strings', '', 'key needed to decrypt the image'],
  ['device', 'strings', 'stringArray', 'additional devices to be used within containers (default [])'],
  ['disable-compression', 'boolean', '', "don't compress layers by default", { alias: 'D', default: true }],
  ['disable-content-trust', 'boolean', '', 'this is a Docker specific option and is a NOOP'],
  ['dns', 'strings', '/etc/resolv.conf', "set custom DNS servers or disable it completely by setting it to 'none', which prevents the automatic creation of /etc/resolv.conf."],
  ['dns-option', 'strings', '', 'set custom DNS options'],
  ['dns-search', 'strings', '', 'set custom DNS search domains'],
  ['env', 'strings', 'stringArray', 'set environment variable for the image'],
  ['file', 'strings', 'pathname or URL', 'pathname or URL of a Dockerfile', { alias: 'f', requiresArg: false }],
  ['force-rm', 'boolean', '', 'always remove intermediate containers after a build, even if the build is unsuccessful. (default true)'],
  ['format', 'string', 'format', "format of the built image's manifest and metadata. Use BUILDAH_FORMAT environment variable to override. (default \"oci\")"],
  ['from', 'string', '', 'image name used to replace the value in the first FROM instruction in the Containerfile'],
  ['hooks-dir', 'strings', 'stringArray', 'set the OCI hooks directory path (may be set multiple times)'],
  ['http-proxy', 'boolean', '', 'pass through HTTP Proxy environment variables', { default: true }],
  ['identity-label', 'boolean', '', 'add default identity label', { default: true }],
  ['ignorefile', 'string', '', 'path to an alternate .dockerignore file'],
  ['iidfile', 'string', 'file', 'file to write the image ID to'],
  ['ipc', 'string', 'path', "'private', path of IPC namespace to join, or 'host'"],
  ['isolation', 'string', 'type', 'type of process isolation to use. Use BUILDAH_ISOLATION environment variable to override. (default "rootless")'],
  ['jobs', 'number', 'int', 'how many stages to run in parallel', { default: 1 }],
  ['label', 'strings', 'stringArray', 'set metadata for an image (default [])'],
  // No yargs default: whether --layers was given matters to --squash and --squash-all (podman's Changed()).
  ['layers', 'boolean', '', 'cache intermediate layers during build. Use BUILDAH_LAYERS environment variable to override. (default true)'],
  ['logfile', 'string', 'file', 'log to file instead of stdout/stderr'],
  ['logsplit', 'boolean', '', 'split logfile to different files for each platform'],
  ['manifest', 'string', '', 'add the image to the specified manifest list. Creates manifest list if it does not exist'],
  ['memory', 'string', '', 'memory limit (format: <number>[<unit>], where unit = b, k, m or g)', { alias: 'm' }],
  ['memory-swap', 'string', '', "swap limit equal to memory plus swap: '-1' to enable unlimited swap"],
  ['network', 'string', '', "'private', 'none', 'ns:path' of network namespace to join, or 'host'"],
  ['no-cache', 'boolean', '', 'do not use existing cached images for the container build. Build from the start with a new set of cached layers.'],
  ['no-hosts', 'boolean', '', 'do not create new /etc/hosts files for RUN instructions, use the one from the base image.'],
  ['omit-history', 'boolean', '', 'omit build history information from built image'],
  ['os', 'string', '', 'set the OS to the provided value instead of the current operating system of the host (default "linux")'],
  ['os-feature', 'strings', 'feature', 'set required OS feature for the target image in addition to values from the base image'],
  ['os-version', 'string', 'version', 'set required OS version for the target image instead of the value from the base image'],
  ['output', 'string', '', 'output destination (format: type=local,dest=path)', { alias: 'o' }],
  ['pid', 'string', 'path', "private, path of PID namespace to join, or 'host'"],
  ['platform', 'string', 'linux/arm', `set the OS/ARCH/VARIANT of the image to the provided value instead of the current operating system and architecture of the host (for example linux/arm) (default [linux/${HOST_ARCH}])`],
  ['pull', 'string', 'string[="true"]', 'Always attempt to pull the image (errors are fatal) (default "true")'],
  // buildx's flags podman 4.3 takes (hidden): --load is what every build does (the image is stored locally); --progress picks the output.
  ['load', 'boolean', '', 'buildx --load', { hidden: true }],
  ['progress', 'string', '', 'buildx --progress: auto or plain', { hidden: true }],
  ['pull-always', 'boolean', '', 'pull the image even if the named image is present in store', { hidden: true }],
  ['pull-never', 'boolean', '', 'do not pull the image, use the image present in store if available', { hidden: true }],
  ['quiet', 'boolean', '', 'refrain from announcing build instructions and image read/write progress', { alias: 'q' }],
  ['retry', 'number', 'int', 'number of times to retry in case of failure when performing push/pull (default 3)'],
  ['retry-delay', 'string', '', 'delay between retries in case of push/pull failures (default "2s")'],
  ['rm', 'boolean', '', 'remove intermediate containers after a successful build', { default: true }],
  ['runtime-flag', 'strings', '', 'add global flags for the container runtime'],
  ['secret', 'strings', 'stringArray', 'secret file to expose to the build'],
  ['security-opt', 'strings', 'stringArray', 'security options (default [])'],
  ['shm-size', 'string', '<number><unit>', "size of '/dev/shm'. The format is <number><unit>. (default \"65536k\")"],
  ['sign-by', 'string', 'FINGERPRINT', 'sign the image using a GPG key with the specified FINGERPRINT'],
  ['skip-unused-stages', 'boolean', '', 'skips stages in multi-stage builds which do not affect the final target', { default: true }],
  ['squash', 'boolean', '', 'squash newly built layers into a single new layer'],
  ['squash-all', 'boolean', '', 'Squash all layers into a single layer'],
  ['ssh', 'strings', 'stringArray', 'SSH agent socket or keys to expose to the build. (format: default|<id>[=<socket>|<key>[,<key>]])'],
  ['stdin', 'boolean', '', 'pass stdin into containers'],
  ['tag', 'strings', 'name', 'tagged name to apply to the built image', { alias: 't' }],
  ['target', 'string', '', 'set the target build stage to build'],
  ['timestamp', 'number', 'int', 'set created timestamp to the specified epoch seconds to allow for deterministic builds, defaults to current time'],
  ['ulimit', 'strings', '', 'ulimit options'],
  ['unsetenv', 'strings', '', 'unset environment variable from final image'],
  ['userns', 'string', 'path', "'container', path of user namespace to join, or 'host'"],
  ['userns-gid-map', 'strings', 'containerGID:hostGID:length', 'containerGID:hostGID:length GID mapping to use in user namespace'],
  ['userns-gid-map-group', 'string', 'name', 'name of entries from /etc/subgid to use to set user namespace GID mapping'],
  ['userns-uid-map', 'strings', 'containerUID:hostUID:length', 'containerUID:hostUID:length UID mapping to use in user namespace'],
  ['userns-uid-map-user', 'string', 'name', 'name of entries from /etc/subuid to use to set user namespace UID mapping'],
  ['uts', 'string', 'path', "private, :path of UTS namespace to join, or 'host'"],
  ['variant', 'string', 'variant', 'override the variant of the specified image'],
  ['volume', 'strings', 'stringArray', 'bind mount a volume into the container', { alias: 'v' }],
];

function withBuildFlags<T>(y: Argv<T>): Argv<T> {
  let out: Argv<T> = registryFlags(y, { signaturePolicy: true })
    .positional('context', { type: 'string', describe: 'Build context: a directory, - (a tar on stdin) or an http(s) URL of a tar' })
    .positional('extra', { type: 'string', array: true, hidden: true })
    .option('authfile', { type: 'string', requiresArg: true, describe: 'path of the authentication file.' })
    .option('cert-dir', { type: 'string', requiresArg: true, describe: 'use certificates at the specified path to access the registry' })
    .option('creds', { type: 'string', requiresArg: true, goType: '[username[:password]]', describe: 'use [username[:password]] for accessing the registry' } as object)
    .option('tls-verify', { type: 'boolean', describe: 'require HTTPS and verify certificates when accessing the registry (default true)' }) as unknown as Argv<T>;
  for (const [name, kind, goType, describe, extra] of FLAGS) {
    const base =
      kind === 'strings' ? { type: 'string' as const, array: true, requiresArg: true, nargs: 1 } : kind === 'string' ? { type: 'string' as const, requiresArg: true } : kind === 'number' ? { type: 'number' as const, requiresArg: true } : { type: 'boolean' as const };
    const refused = REFUSED[name] !== undefined ? { refused: `${REFUSED[name]}${ACCEPTED[name] ? ` (--${name}=${ACCEPTED[name].join('|')} is accepted: what RUN steps get)` : ''}` } : {};
    out = out.option(name, { ...base, describe, ...(goType ? { goType } : {}), ...refused, ...extra } as object);
  }
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

function parseDurationMs(v: string, flag = 'cache-ttl'): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  const unit: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
  let total = 0;
  let pos = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * unit[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos !== v.length || pos === 0) throw new UsageError(`invalid --${flag} ${JSON.stringify(v)}: time: invalid duration`);
  return total;
}

/** --cache-from/--cache-to: a repository without tag or digest, normalized as podman's (short names to docker.io). */
async function cacheRepository(value: string, flag: string): Promise<string> {
  const { normalizeReference, parseReference, formatReference } = await import('../../storage/image-reference.js');
  let ref;
  try {
    ref = normalizeReference(value);
  } catch (err) {
    throw new UsageError(`unable to parse value provided \`${value}\` to --${flag}: invalid repo ${JSON.stringify(value)}: must contain registry and repository: ${(err as Error).message}`);
  }
  const given = parseReference(value);
  if (given.tag !== undefined || given.digest !== undefined) {
    throw new UsageError(`unable to parse value provided \`${value}\` to --${flag}: repository must contain neither a tag nor digest: ${formatReference(ref)}`);
  }
  return formatReference({ ...ref, tag: undefined, digest: undefined });
}

function buildModule(command: string): CommandModule<GlobalArgs, BuildArgs> {
  return {
    command: `${command} [context] [extra..]`,
    describe: 'Build an image using instructions from Containerfiles',
    builder: (y) =>
      withBuildFlags(y.parserConfiguration({ 'populate--': true, 'unknown-options-as-args': false, 'parse-positional-numbers': false, 'boolean-negation': false }).usage('Usage: tsc-run build [options] [CONTEXT]\n\nBuilds an OCI or Docker image using instructions from one or more Containerfiles and a specified build context directory.'))
        .example('tsc-run build .', '')
        .example('tsc-run build --creds=username:password -t imageName -f Containerfile.simple .', '')
        .example('tsc-run build --layers --force-rm --tag imageName .', ''),
    handler: async (argv) => {
      if (badBool) throw badBool;
      for (const [name, why] of Object.entries(REFUSED)) {
        // A string flag given twice: the last wins (pflag).
        const v = Array.isArray(argv[name]) && ACCEPTED[name] ? (argv[name] as unknown[]).at(-1) : argv[name];
        if (v === undefined || v === false || (Array.isArray(v) && v.length === 0)) continue;
        if (typeof v === 'string' && ACCEPTED[name]?.includes(v)) continue;
        throw new UsageError(`--${name}${typeof v === 'string' && ACCEPTED[name] ? `=${v}` : ''} is not supported: ${why}`);
      }
      if (argv.logfile !== undefined) {
        // As podman, a context that is not there is said on the terminal, before the log file takes the output.
        const ctx = argv.context;
        if (ctx !== undefined && ctx !== '-' && !/^[a-z]+:\/\/|^git@|^github\.com\//.test(ctx)) {
          const [fs, path] = await Promise.all([import('node:fs'), import('node:path')]);
          if (!fs.existsSync(ctx)) throw new TscRunError(`stat ${path.resolve(ctx)}: no such file or directory`);
        }
        await (await import('./build-logfile.js')).rerunIntoLogfile(argv.logfile);
      }
      const limits = await (await import('./build-limits.js')).stepLimits(argv);
      // podman checks --authfile before anything else, whether or not the build pulls.
      if (argv.authfile !== undefined) {
        const { stat } = await import('node:fs/promises');
        await stat(argv.authfile).catch((err: unknown) => {
          throw new TscRunError(`checking authfile: stat ${argv.authfile}: ${errnoText(err)}`);
        });
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
      if ([argv.pull !== undefined, argv['pull-always'] === true, argv['pull-never'] === true].filter(Boolean).length > 1) {
        throw new UsageError("can only set one of 'pull' or 'pull-always' or 'pull-never'");
      }
      if (argv['pull-always']) pull = 'always';
      if (argv['pull-never']) pull = 'never';
      if (argv.progress !== undefined && !['auto', 'plain'].includes(argv.progress)) throw new UsageError(`--progress=${argv.progress} is not supported: want auto (the live view on a terminal) or plain`);
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
      const retries = argv.retry ?? 3;
      if (!Number.isInteger(retries) || retries < 0) throw new UsageError(`--retry must be a non-negative integer, not ${argv.retry}`);
      const pullRetry = { retries, delayMs: argv['retry-delay'] !== undefined ? parseDurationMs(String(argv['retry-delay']), 'retry-delay') : 2000 };
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
      const { parseSecretFlags, parseSshFlags, parseBuildIdMaps } = await import('../../build/flags.js');
      const idMaps = parseBuildIdMaps((argv['userns-uid-map'] as string[] | undefined) ?? [], (argv['userns-gid-map'] as string[] | undefined) ?? []);
      if (idMaps) {
        // Checked now (before any step), as run checks --uidmap; the step containers get them as run's.
        const [{ planUserns }, { hostUserNamespace }] = await Promise.all([import('../../runtime/userns/userns-options.js'), import('../../host/preflight.js')]);
        const host = hostUserNamespace();
        try {
          planUserns({ mode: '', uidmap: idMaps.uidmap, gidmap: idMaps.gidmap }, host.kind === 'rootless' ? host.maps : undefined, { uid: process.getuid!(), gid: process.getgid!() });
        } catch (err) {
          // run's words, with build's flag names.
          if (err instanceof UsageError) throw new UsageError(err.message.replace(/--(uid|gid)map\b/g, '--userns-$1-map'));
          throw err;
        }
      }
      const secrets = await parseSecretFlags((argv.secret ?? []).map(String));
      const ssh = await parseSshFlags((argv.ssh ?? []).map(String));
      const { parseBuildContexts, checkBuildContexts } = await import('../../build/context/named-contexts.js');
      const buildContexts = parseBuildContexts((argv['build-context'] ?? []).map(String));
      await checkBuildContexts(buildContexts);
      const cacheFrom = argv['cache-from'] !== undefined ? await cacheRepository(String(argv['cache-from']), 'cache-from') : undefined;
      const cacheTo = argv['cache-to'] !== undefined ? await cacheRepository(String(argv['cache-to']), 'cache-to') : undefined;
      const quiet = argv.quiet === true;
      const roots = rootsOf(argv);
      const { warn } = await import('../warn.js');
      // The registry client loads only when a build pulls (a cached build never does); --creds is still checked up front.
      const remoteNow = argv.creds !== undefined ? (await import('./registry-options.js')).remoteOptions(argv) : undefined;
      // On a terminal (stdout and stderr both), the live view (src/cli/ui/build/); else podman's lines.
      const { wantsBuildView } = await import('../ui/build/select.js');
      const view = argv.progress !== 'plain' && wantsBuildView({ quiet, logLevel: argv['log-level'] }, process.stdout, process.stderr, process.env) ? (await import('../ui/build/view.js')).buildLiveView(process.stdout) : undefined;
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
          cppFlags: ((argv['cpp-flag'] as string[] | undefined) ?? []).map(String),
          ignorefile: argv.ignorefile,
          from: argv.from,
          stdin: process.stdin,
          buildArgs,
          target: argv.target,
          tags,
          commitName: argv.tag?.[0] !== undefined ? String(argv.tag[0]) : undefined,
          format,
          layers,
          squashAll: argv['squash-all'] === true,
          annotations,
          noCache: argv['no-cache'] === true,
          cacheTtlMs: argv['cache-ttl'] !== undefined ? parseDurationMs(argv['cache-ttl']) : undefined,
          ...(cacheFrom !== undefined || cacheTo !== undefined
            ? {
                remoteCache: {
                  from: cacheFrom,
                  to: cacheTo,
                  // Quiet, as buildah's: the step line says what was pulled or pushed.
                  pull: async (ref: string) => {
                    const [{ pullImages }, { remoteOptions }, { noProgress }, { ImageStore }, { logDebug }] = await Promise.all([
                      import('../../image/registry/pull.js'),
                      import('./registry-options.js'),
                      import('../../image/progress.js'),
                      import('../../storage/images.js'),
                      import('../../format/log.js'),
                    ]);
                    try {
                      const [img] = await pullImages({ dataRoot: roots.dataRoot, reference: ref, platform: { os: platform.os, architecture: platform.architecture, variant: platform.variant }, progress: noProgress, ...(remoteNow ?? remoteOptions(argv)) });
                      return await new ImageStore(roots.dataRoot).lookup(img!.id);
                    } catch (err) {
                      logDebug(`failed pulling cache from source docker://${ref}: ${(err as Error).message}`);
                      return undefined;
                    }
                  },
                  push: async (id: string, ref: string) => {
                    const [{ pushImage }, { remoteOptions }, { noProgress }, { storePolicyOf }] = await Promise.all([
                      import('../../image/registry/push.js'),
                      import('./registry-options.js'),
                      import('../../image/progress.js'),
                      import('./store-policy.js'),
                    ]);
                    await pushImage({ dataRoot: roots.dataRoot, source: id, destination: `docker://${ref}`, progress: noProgress, ...(remoteNow ?? remoteOptions(argv)), storePolicy: storePolicyOf(argv) });
                  },
                },
              }
            : {}),
          pull,
          platform: { os: platform.os, arch: platform.architecture, variant: platform.variant },
          hostPlatform: { os: host.os, arch: host.architecture, variant: host.variant },
          labels,
          env: (argv.env ?? []).map(String),
          unsetEnv: (argv.unsetenv ?? []).map(String),
          timestamp: argv.timestamp !== undefined ? new Date(argv.timestamp * 1000) : undefined,
          omitHistory: argv['omit-history'] === true,
          ...(argv['os-version'] !== undefined ? { osVersion: String(argv['os-version']) } : {}),
          osFeatures: ((argv['os-feature'] as string[] | undefined) ?? []).flatMap((f) => String(f).split(',')).filter(Boolean),
          jobs: jobs === 0 ? 64 : jobs,
          run: {
            network: network === undefined || network === 'private' || network === 'bridge' ? undefined : network,
            volumes: (argv.volume ?? []).map(String),
            security: { capAdd: argv['cap-add'], capDrop: argv['cap-drop'], securityOpt: argv['security-opt'] },
            ...(argv['add-host'] ? { addHosts: argv['add-host'].map(String) } : {}),
            ...(argv.dns ? { dns: argv.dns.map(String) } : {}),
            ...(argv['no-hosts'] === true ? { noHosts: true } : {}),
            ...(limits ? { limits } : {}),
            ...(argv.stdin === true ? { stdin: true } : {}),
            ...(idMaps ? { idMaps } : {}),
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
              const { withPullRetries } = await import('../../build/pull-retry.js');
              const [img] = await withPullRetries(() => pullImages({ dataRoot: roots.dataRoot, reference: ref, platform: { os: p.os, architecture: p.arch, variant: p.variant }, progress, warn: buildWarn, ...remote }), pullRetry);
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
    } else if (VALUE_FLAGS.has(a) && argv[i + 1]?.startsWith('-') && argv[i + 1] !== '-') {
      // pflag takes the next word as the value whatever it looks like (`--cpp-flag -DX`); yargs would read a flag.
      out.push(`${VALUE_FLAGS.get(a)!}=${argv[i + 1]!}`);
      i++;
    } else out.push(pflagBool(a, `tsc-run ${['image', 'buildx'].includes(argv[at - 1] ?? '') ? `${argv[at - 1]} ` : ''}build`));
  }
  return out;
}

/** The words pflag's bool flags take after `=` (strconv.ParseBool); yargs reads only true/false. */
const PFLAG_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const PFLAG_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
const BOOL_FLAGS = new Set(['tls-verify', ...FLAGS.filter((f) => f[1] === 'boolean').flatMap((f) => [f[0], ...[(f[4] as { alias?: string } | undefined)?.alias ?? []].flat()])]);

/** `--layers=1` as `--layers=true`, `-D=0` as `-D=false`, as podman reads them; any other word is pflag's error. */
function pflagBool(arg: string, helpPath: string): string {
  const m = /^(--?)([\w-]+)=(.*)$/.exec(arg);
  if (!m || !BOOL_FLAGS.has(m[2]!)) return arg;
  if (PFLAG_TRUE.has(m[3]!)) return `${m[1]}${m[2]}=true`;
  if (PFLAG_FALSE.has(m[3]!)) return `${m[1]}${m[2]}=false`;
  // Reported by the handler (argv normalising runs before main's error handling); the first one, as pflag stops there.
  badBool ??= new FlagError(`invalid argument ${JSON.stringify(m[3])} for "${m[1]}${m[2]}" flag: strconv.ParseBool: parsing ${JSON.stringify(m[3])}: invalid syntax`, helpPath);
  return `${m[1]}${m[2]}=false`;
}

/** `--name` and `-x` spellings of the flags that take a value (not --pull's optional one) → `--name`. */
const VALUE_FLAGS = new Map<string, string>(
  [...FLAGS.filter((f) => f[1] !== 'boolean' && f[0] !== 'pull'), ...['authfile', 'cert-dir', 'creds'].map((n) => [n] as const)].flatMap((f) => {
    const alias = (f[4] as { alias?: string } | undefined)?.alias;
    return [[`--${f[0]}`, `--${f[0]}`] as const, ...(alias ? [[`-${alias}`, `--${f[0]}`] as const] : [])];
  }),
);

/** A bool flag's value pflag would refuse, seen by buildStdinDashes. */
let badBool: FlagError | undefined;
