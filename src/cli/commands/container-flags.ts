// The flags `run` and `create` share (podman's container create flags), and
// turning them into a createContainer() input: validated before anything is
// stored, with podman's messages. Heavy work (cgroup probe, storage choice,
// --replace) is imported lazily.

import fs from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { Roots } from '../../config/paths.js';
import type { CreateContainerInput } from '../../runtime/container/container-create.js';
import type { ContainerConfig } from '../../storage/containers.js';
import type { GlobalArgs } from '../global.js';

export interface CreateArgs extends GlobalArgs {
  image?: string;
  command?: string[];
  '--'?: Array<string | number>;
  interactive?: boolean;
  tty?: boolean;
  rm?: boolean;
  name?: string;
  env?: string[];
  'env-file'?: string[];
  'env-host'?: boolean;
  workdir?: string;
  user?: string;
  entrypoint?: string;
  hostname?: string;
  'add-host'?: string[];
  dns?: string[];
  'dns-search'?: string[];
  'dns-option'?: string[];
  /** --no-hosts (yargs reads `--no-X` as X=false). */
  hosts?: boolean;
  label?: string[];
  'read-only'?: boolean;
  'read-only-tmpfs'?: boolean;
  init?: boolean;
  'stop-signal'?: string;
  'stop-timeout'?: string;
  'detach-keys'?: string;
  'log-driver'?: string;
  'log-opt'?: string[];
  restart?: string;
  userns?: string;
  uidmap?: string[];
  gidmap?: string[];
  memory?: string;
  cpus?: string;
  'pids-limit'?: string;
  cidfile?: string;
  replace?: boolean;
  network?: string;
  publish?: string[];
  'publish-all'?: boolean;
  'cap-add'?: string[];
  'cap-drop'?: string[];
  privileged?: boolean;
  'security-opt'?: string[];
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  /** run only */
  detach?: boolean;
  'sig-proxy'?: boolean;
}

/**
 * One `run`/`create` flag. The table below is the only place a flag is
 * declared: yargs options, the value flags for the trailing command split
 * and the help order all come from it. To add a flag: a row here (any
 * place; help sorts by name), a field in CreateArgs, and its handling in
 * prepareCreate (or in the module it calls).
 */
export interface CreateFlag {
  name: string;
  /** One-letter alias (`-e`) or a second long name (`net`). */
  alias?: string;
  /** `string`: the last value given wins; `strings`: every value, repeatable; `boolean`: --x, --x=false. */
  type: 'string' | 'strings' | 'boolean';
  describe: string;
  default?: boolean;
  /** Only `run` has it (podman's create lacks it). */
  runOnly?: boolean;
}

export const CREATE_FLAGS: readonly CreateFlag[] = [
  { name: 'add-host', type: 'strings', describe: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'cap-add', type: 'strings', describe: 'Add capabilities to the container' },
  { name: 'cap-drop', type: 'strings', describe: 'Drop capabilities from the container' },
  { name: 'cidfile', type: 'string', describe: 'Write the container ID to the file' },
  { name: 'cpus', type: 'string', describe: 'Number of CPUs. The default is 0.000 which means no limit' },
  { name: 'detach-keys', type: 'string', describe: 'Override the key sequence for detaching a container. Format is a single character [a-Z] or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`' },
  { name: 'dns', type: 'strings', describe: 'Set custom DNS servers' },
  { name: 'dns-option', type: 'strings', describe: 'Set custom DNS options' },
  { name: 'dns-search', type: 'strings', describe: 'Set custom DNS search domains' },
  { name: 'entrypoint', type: 'string', describe: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', alias: 'e', type: 'strings', describe: 'Set environment variables in container' },
  { name: 'env-file', type: 'strings', describe: 'Read in a file of environment variables' },
  { name: 'env-host', type: 'boolean', describe: 'Use all current host environment variables in container' },
  { name: 'gidmap', type: 'strings', describe: 'GID map to use for the user namespace' },
  // yargs reads `--no-hosts` as hosts=false.
  { name: 'hosts', type: 'boolean', default: true, describe: 'Create /etc/hosts within the container (--no-hosts: use the version from the image)' },
  { name: 'hostname', type: 'string', describe: 'Set container hostname' },
  { name: 'init', type: 'boolean', describe: 'Run an init binary inside the container that forwards signals and reaps processes' },
  { name: 'interactive', alias: 'i', type: 'boolean', describe: 'Keep STDIN open even if not attached' },
  { name: 'label', alias: 'l', type: 'strings', describe: 'Set metadata on container' },
  { name: 'log-driver', type: 'string', describe: 'Logging driver for the container (k8s-file, json-file, none)' },
  { name: 'log-opt', type: 'strings', describe: 'Logging driver options (max-size=SIZE, path=FILE)' },
  { name: 'memory', alias: 'm', type: 'string', describe: 'Memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))' },
  { name: 'mount', type: 'strings', describe: 'Attach a filesystem mount to the container' },
  { name: 'name', type: 'string', describe: 'Assign a name to the container' },
  { name: 'network', alias: 'net', type: 'string', describe: 'Connect a container to a network (pasta, slirp4netns, host, none, container:NAME)' },
  { name: 'pids-limit', type: 'string', describe: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'privileged', type: 'boolean', describe: 'Give extended privileges to container' },
  { name: 'publish', alias: 'p', type: 'strings', describe: "Publish a container's port, or a range of ports, to the host" },
  { name: 'publish-all', alias: 'P', type: 'boolean', describe: 'Publish all exposed ports to random ports on the host interfaces' },
  { name: 'read-only', type: 'boolean', describe: "Make containers root filesystem read-only" },
  { name: 'read-only-tmpfs', type: 'boolean', default: true, describe: 'When running --read-only containers mount read-write tmpfs on /dev, /dev/shm, /run, /tmp and /var/tmp' },
  { name: 'replace', type: 'boolean', describe: 'If a container with the same name exists, replace it' },
  { name: 'restart', type: 'string', describe: 'Restart policy to apply when a container exits ("always"|"no"|"on-failure"|"unless-stopped")' },
  { name: 'rm', type: 'boolean', describe: 'Remove container and any anonymous unnamed volume associated with the container after exit' },
  { name: 'security-opt', type: 'strings', describe: 'Security Options' },
  { name: 'stop-signal', type: 'string', describe: 'Signal to stop a container. Default is SIGTERM' },
  { name: 'stop-timeout', type: 'string', describe: 'Timeout (in seconds) that containers stopped by user command have to exit. If exceeded, the container will be forcibly stopped via SIGKILL' },
  { name: 'tmpfs', type: 'strings', describe: 'Mount a temporary filesystem (tmpfs) into a container' },
  { name: 'tty', alias: 't', type: 'boolean', describe: 'Allocate a pseudo-TTY for container' },
  { name: 'uidmap', type: 'strings', describe: 'UID map to use for the user namespace' },
  { name: 'user', alias: 'u', type: 'string', describe: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'userns', type: 'string', describe: 'User namespace to use (keep-id, host)' },
  { name: 'volume', alias: 'v', type: 'strings', describe: 'Bind mount a volume into the container' },
  { name: 'workdir', alias: 'w', type: 'string', describe: 'Working directory inside the container' },
  // run only
  { name: 'detach', alias: 'd', type: 'boolean', runOnly: true, describe: 'Run container in background and print container ID' },
  { name: 'sig-proxy', type: 'boolean', default: true, runOnly: true, describe: 'Proxy received signals to the process' },
];

function flagForms(f: CreateFlag): string[] {
  const forms = [`--${f.name}`];
  if (f.alias) forms.push(f.alias.length === 1 ? `-${f.alias}` : `--${f.alias}`);
  return forms;
}

/** Flags that take a value (for the trailing command split, see index.ts). */
export const CREATE_VALUE_FLAGS: string[] = CREATE_FLAGS.filter((f) => f.type !== 'boolean').flatMap(flagForms);

export function withCreateFlags<T>(y: Argv<T>, command: 'run' | 'create'): Argv<T & CreateArgs> {
  let out = y
    .positional('image', { type: 'string', describe: 'Image name or id' })
    .positional('command', { type: 'string', array: true, describe: "Command and arguments (default: the image's)" });
  const flags = CREATE_FLAGS.filter((f) => command === 'run' || !f.runOnly).sort((a, b) => a.name.localeCompare(b.name));
  for (const f of flags) {
    const alias = f.alias !== undefined ? { alias: f.alias } : {};
    const dflt = f.default !== undefined ? { default: f.default } : {};
    if (f.type === 'boolean') out = out.option(f.name, { type: 'boolean', describe: f.describe, ...alias, ...dflt });
    else if (f.type === 'string') out = out.option(f.name, { type: 'string', requiresArg: true, describe: f.describe, ...alias });
    else out = out.option(f.name, { type: 'string', array: true, nargs: 1, requiresArg: true, describe: f.describe, ...alias });
  }
  return out as unknown as Argv<T & CreateArgs>;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** --network, -p, -P (src/network/network-flags.ts), with the host and the store at hand. */
async function planNetworkFlags(argv: CreateArgs, roots: Roots): Promise<import('../../network/network-flags.js').NetworkPlan> {
  const { planNetwork } = await import('../../network/network-flags.js');
  const { findExecutable } = await import('../../host/executables.js');
  const { readUnprivilegedPortStart } = await import('../../network/privileged-ports.js');
  const { warn } = await import('../warn.js');
  const dnsFlags = (['dns', 'dns-search', 'dns-option'] as const).filter((k) => argv[k]?.length).map((k) => `--${k}`);
  return planNetwork(
    {
      // yargs gives an array for a repeated --network.
      network: argv.network as string | readonly string[] | undefined,
      publish: (argv.publish ?? []).map(String),
      publishAll: argv['publish-all'] === true,
      dnsFlags,
      addHosts: (argv['add-host'] ?? []).map(String),
      usernsFlags: argv.userns !== undefined || Boolean(argv.uidmap?.length || argv.gidmap?.length),
    },
    {
      installed: () => ({ pasta: findExecutable('pasta') !== undefined, slirp4netns: findExecutable('slirp4netns') !== undefined }),
      lookupContainer: async (n) => {
        const { ContainerStore } = await import('../../storage/containers.js');
        return new ContainerStore(roots.dataRoot).lookup(n);
      },
      rootless: process.getuid!() !== 0,
      unprivilegedPortStart: () => readUnprivilegedPortStart(),
      warn,
    },
  );
}

export type PreparedCreate = Omit<CreateContainerInput, 'treeOps' | 'dataRoot'> & {
  roots: Roots;
  cidfile?: string | undefined;
};

async function readEnvFiles(files: readonly string[]): Promise<string[]> {
  const { parseEnvFile } = await import('../../runtime/container/run-options.js');
  const out: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await fs.readFile(f, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new TscRunError(`open ${f}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message}`);
    }
    out.push(...parseEnvFile(text, f));
  }
  return out;
}

/** Refuse limits we cannot apply here, saying why and how to run without them. */
async function checkResources(r: NonNullable<ContainerConfig['resources']>): Promise<void> {
  const { probeCgroups } = await import('../../host/cgroup-probe.js');
  const facts = probeCgroups(process.getuid!());
  if (facts.delegation.delegated) return;
  const given = [r.memory !== undefined && '--memory', r.cpus !== undefined && '--cpus', r.pidsLimit !== undefined && '--pids-limit'].filter(Boolean).join(', ');
  throw new TscRunError(
    `${given} need${given.includes(',') ? '' : 's'} a cgroup v2 subtree delegated to this user, and ${facts.delegation.detail}: ` +
      'the limits cannot be applied; run the container without --memory, --cpus and --pids-limit (it then runs without limits)',
  );
}

/** Everything `run`/`create` need from the flags, validated; nothing is written yet except --replace's removal. */
export async function prepareCreate(argv: CreateArgs, roots: Roots, opts: { detach: boolean }): Promise<PreparedCreate> {
  if (argv.image === undefined) throw new UsageError('requires at least 1 arg(s), only received 0');
  if (argv.name !== undefined && !NAME_RE.test(argv.name)) {
    throw new UsageError(`container name ${JSON.stringify(argv.name)} is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument`);
  }
  const o = await import('../../runtime/container/run-options.js');
  const net = await planNetworkFlags(argv, roots);
  const restartPolicy = o.parseRestartPolicy(argv.restart);
  o.checkRestartWithRm(restartPolicy, argv.rm === true);
  const log = o.parseLogOptions(argv['log-driver'], (argv['log-opt'] ?? []).map(String));
  if (argv['detach-keys'] !== undefined) o.parseDetachKeys(argv['detach-keys']);

  const config: Partial<ContainerConfig> = {
    tty: argv.tty === true,
    stdin: argv.interactive === true,
    logDriver: log.driver,
    restartPolicy,
    stopTimeout: o.parseStopTimeout(argv['stop-timeout']),
  };
  if (log.maxSize) config.logMaxSize = log.maxSize;
  if (log.path) config.logPath = log.path;
  if (argv['detach-keys'] !== undefined) config.detachKeys = argv['detach-keys'];
  if (argv['stop-signal'] !== undefined) {
    const { parseSignal } = await import('../../runtime/container/container-signal.js');
    config.stopSignal = parseSignal(argv['stop-signal']);
  }
  if (argv.label?.length) config.labels = o.parseLabels(argv.label.map(String));
  if (argv.init) config.init = true;

  const resources: NonNullable<ContainerConfig['resources']> = {};
  if (argv.memory !== undefined) resources.memory = o.parseMemory(argv.memory);
  if (argv.cpus !== undefined) resources.cpus = o.parseCpus(argv.cpus);
  if (argv['pids-limit'] !== undefined) resources.pidsLimit = o.parsePidsLimit(argv['pids-limit']);
  if (Object.keys(resources).length) {
    await checkResources(resources);
    config.resources = resources;
  }

  let user = argv.user;
  // Sharing a container's network means living in its user namespace: its maps are ours.
  const shared = net.sharedWith?.config;
  const userns = shared ? shared.userns : argv.userns;
  const uidmap = shared ? (shared.uidmap ?? []) : (argv.uidmap ?? []).map(String);
  const gidmap = shared ? (shared.gidmap ?? []) : (argv.gidmap ?? []).map(String);
  if (userns !== undefined || uidmap.length || gidmap.length) {
    const { planUserns } = await import('../../runtime/userns/userns-options.js');
    const { hostUserNamespace } = await import('../../host/preflight.js');
    const host = hostUserNamespace();
    const plan = planUserns(
      { mode: userns ?? '', uidmap, gidmap },
      host.kind === 'rootless' ? host.maps : undefined,
      { uid: process.getuid!(), gid: process.getgid!() },
    );
    if (userns) config.userns = userns;
    if (uidmap.length) config.uidmap = uidmap;
    if (gidmap.length) config.gidmap = gidmap;
    user ??= plan.defaultUser;
  }

  let cidfile: string | undefined;
  if (argv.cidfile !== undefined) {
    cidfile = path.resolve(argv.cidfile);
    if (await fs.stat(cidfile).then(() => true, () => false)) {
      throw new TscRunError(`container id file exists. Ensure another container is not using it or delete ${cidfile}`);
    }
  }

  const mounts = { volume: argv.volume?.map(String), mount: argv.mount?.map(String), tmpfs: argv.tmpfs?.map(String) };
  if (mounts.volume || mounts.mount || mounts.tmpfs) {
    // The flags' syntax now; host paths and volumes when the container is created.
    const { parseMountFlags } = await import('../../volume/mount-spec.js');
    parseMountFlags(mounts);
  }

  const env = [...(await readEnvFiles((argv['env-file'] ?? []).map(String))), ...(argv.env ?? []).map(String)];
  const { resolveContainerStorage } = await import('../../runtime/container/container-rootfs.js');
  const storage = await resolveContainerStorage({ roots, flagDriver: argv['storage-driver'], storageOpts: argv['storage-opt'] });

  if (argv.replace && argv.name !== undefined) await replaceNamed(roots, argv.name);
  void opts;

  return {
    roots,
    storage,
    image: String(argv.image),
    name: argv.name,
    flags: {
      command: [...(argv.command ?? []), ...(argv['--'] ?? [])].map(String),
      entrypoint: argv.entrypoint,
      env,
      workdir: argv.workdir,
      user,
    },
    hostname: argv.hostname,
    network: net.network,
    networkOptions: net.networkOptions,
    ports: net.ports,
    publishAll: net.publishAll,
    autoRemove: argv.rm === true,
    baseEnv: argv['env-host'] ? o.hostEnvEntries(process.env) : undefined,
    security: {
      capAdd: argv['cap-add'],
      capDrop: argv['cap-drop'],
      privileged: argv.privileged,
      securityOpt: argv['security-opt'],
      readOnly: argv['read-only'],
      readOnlyTmpfs: argv['read-only-tmpfs'],
    },
    addHosts: argv['add-host'],
    dns: argv.dns,
    dnsSearch: argv['dns-search'],
    dnsOptions: argv['dns-option'],
    noHosts: argv.hosts === false,
    mounts,
    config,
    cidfile,
  };
}

/** --replace: an existing container of that name goes first (stopped if it runs), as podman does. */
async function replaceNamed(roots: Roots, name: string): Promise<void> {
  const { ContainerStore } = await import('../../storage/containers.js');
  const store = new ContainerStore(roots.dataRoot);
  const existing = (await store.list()).find((c) => c.name === name);
  if (!existing) return;
  const { removeFinished } = await import('../../runtime/container/run-foreground.js');
  const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
  await removeFinished(roots, existing.id, helperTreeOps());
}

/** --cidfile: the full id, written when the container exists. */
export async function writeCidfile(file: string | undefined, id: string): Promise<void> {
  if (file === undefined) return;
  try {
    await fs.writeFile(file, id, { flag: 'wx', mode: 0o644 });
  } catch (err) {
    throw new TscRunError(`opening cidfile: ${(err as Error).message}`, undefined, { cause: err });
  }
}
