// The flags `run` and `create` share (podman's container create flags), and
// turning them into a createContainer() input: validated before anything is
// stored, with podman's messages. Heavy work (cgroup probe, storage choice,
// --replace) is imported lazily.

import fs from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { Roots } from '../../config/paths.js';
import type { CreateContainerInput } from '../../runtime/container-create.js';
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
}

/** Flags that take a value (for the trailing command line split, see index.ts). */
export const CREATE_VALUE_FLAGS = [
  '-e', '--env', '--env-file', '--name', '-w', '--workdir', '-u', '--user', '--entrypoint', '--hostname',
  '--network', '--net', '-p', '--publish', '--add-host', '--dns', '--dns-search', '--dns-option', '-l', '--label', '--stop-signal', '--stop-timeout', '--detach-keys',
  '--log-driver', '--log-opt', '--restart', '--userns', '--uidmap', '--gidmap', '-m', '--memory', '--cpus',
  '--pids-limit', '--cidfile', '--cap-add', '--cap-drop', '--security-opt', '-v', '--volume', '--mount', '--tmpfs',
];

const many = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;
const one = { type: 'string', requiresArg: true } as const;

export function withCreateFlags<T>(y: Argv<T>): Argv<T & CreateArgs> {
  return y
    .positional('image', { type: 'string', describe: 'Image name or id' })
    .positional('command', { type: 'string', array: true, describe: "Command and arguments (default: the image's)" })
    .option('interactive', { alias: 'i', type: 'boolean', describe: 'Keep STDIN open even if not attached' })
    .option('tty', { alias: 't', type: 'boolean', describe: 'Allocate a pseudo-TTY for container' })
    .option('rm', { type: 'boolean', describe: 'Remove container and any anonymous unnamed volume associated with the container after exit' })
    .option('name', { ...one, describe: 'Assign a name to the container' })
    .option('env', { ...many, alias: 'e', describe: 'Set environment variables in container' })
    .option('env-file', { ...many, describe: 'Read in a file of environment variables' })
    .option('env-host', { type: 'boolean', describe: 'Use all current host environment variables in container' })
    .option('workdir', { ...one, alias: 'w', describe: 'Working directory inside the container' })
    .option('user', { ...one, alias: 'u', describe: 'Username or UID (format: <name|uid>[:<group|gid>])' })
    .option('entrypoint', { ...one, describe: 'Overwrite the default ENTRYPOINT of the image' })
    .option('hostname', { ...one, describe: 'Set container hostname' })
    .option('add-host', { ...many, describe: 'Add a custom host-to-IP mapping (host:ip)' })
    .option('dns', { ...many, describe: 'Set custom DNS servers' })
    .option('dns-search', { ...many, describe: 'Set custom DNS search domains' })
    .option('dns-option', { ...many, describe: 'Set custom DNS options' })
    .option('hosts', { type: 'boolean', default: true, describe: 'Create /etc/hosts within the container (--no-hosts: use the version from the image)' })
    .option('label', { ...many, alias: 'l', describe: 'Set metadata on container' })
    .option('read-only', { type: 'boolean', describe: "Make containers root filesystem read-only" })
    .option('read-only-tmpfs', { type: 'boolean', default: true, describe: 'When running --read-only containers mount read-write tmpfs on /dev, /dev/shm, /run, /tmp and /var/tmp' })
    .option('init', { type: 'boolean', describe: 'Run an init binary inside the container that forwards signals and reaps processes' })
    .option('stop-signal', { ...one, describe: 'Signal to stop a container. Default is SIGTERM' })
    .option('stop-timeout', { ...one, describe: 'Timeout (in seconds) that containers stopped by user command have to exit. If exceeded, the container will be forcibly stopped via SIGKILL' })
    .option('detach-keys', { type: 'string', describe: 'Override the key sequence for detaching a container. Format is a single character [a-Z] or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`' })
    .option('log-driver', { ...one, describe: 'Logging driver for the container (k8s-file, json-file, none)' })
    .option('log-opt', { ...many, describe: 'Logging driver options (max-size=SIZE, path=FILE)' })
    .option('restart', { ...one, describe: 'Restart policy to apply when a container exits ("always"|"no"|"on-failure"|"unless-stopped")' })
    .option('userns', { ...one, describe: 'User namespace to use (keep-id, host)' })
    .option('uidmap', { ...many, describe: 'UID map to use for the user namespace' })
    .option('gidmap', { ...many, describe: 'GID map to use for the user namespace' })
    .option('memory', { ...one, alias: 'm', describe: 'Memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))' })
    .option('cpus', { ...one, describe: 'Number of CPUs. The default is 0.000 which means no limit' })
    .option('pids-limit', { ...one, describe: 'Tune container pids limit (set -1 for unlimited)' })
    .option('cidfile', { ...one, describe: 'Write the container ID to the file' })
    .option('replace', { type: 'boolean', describe: 'If a container with the same name exists, replace it' })
    .option('network', { ...one, alias: 'net', describe: 'Connect a container to a network (pasta, slirp4netns, host, none, container:NAME)' })
    .option('publish', { ...many, alias: 'p', describe: "Publish a container's port, or a range of ports, to the host" })
    .option('publish-all', { alias: 'P', type: 'boolean', describe: 'Publish all exposed ports to random ports on the host interfaces' })
    .option('cap-add', { ...many, describe: 'Add capabilities to the container' })
    .option('cap-drop', { ...many, describe: 'Drop capabilities from the container' })
    .option('privileged', { type: 'boolean', describe: 'Give extended privileges to container' })
    .option('security-opt', { ...many, describe: 'Security Options' })
    .option('volume', { ...many, alias: 'v', describe: 'Bind mount a volume into the container' })
    .option('mount', { ...many, describe: 'Attach a filesystem mount to the container' })
    .option('tmpfs', { ...many, describe: 'Mount a temporary filesystem (tmpfs) into a container' }) as unknown as Argv<T & CreateArgs>;
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
  const { parseEnvFile } = await import('../../runtime/run-options.js');
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
  const o = await import('../../runtime/run-options.js');
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
    const { parseSignal } = await import('../../runtime/container-signal.js');
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
    const { planUserns } = await import('../../runtime/userns-options.js');
    const { hostUserNamespace } = await import('../../runtime/preflight.js');
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
  const { resolveContainerStorage } = await import('../../runtime/container-rootfs.js');
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
  const { removeFinished } = await import('../../runtime/run-foreground.js');
  const { helperTreeOps } = await import('../../runtime/tree-ops.js');
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
