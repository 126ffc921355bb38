// The flags `run` and `create` share (podman's container create flags), and
// turning them into a createContainer() input: validated before anything is
// stored, with podman's messages. Heavy work (cgroup probe, storage choice,
// --replace) is imported lazily.

import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import { TscRunError, UsageError, errorText, errnoText } from '../../errors.js';
import type { Roots } from '../../config/paths.js';
import { containersTable } from '../../host/containers-table.js';
import type { CreateContainerInput } from '../../runtime/container/container-create.js';
import type { ContainerConfig } from '../../storage/containers.js';
import type { HostUser } from '../../runtime/create-flags/passwd-entries.js';
import type { GlobalArgs } from '../global.js';
import { CREATE_PULL_FLAGS, ensureCreateImage, type CreatePullArgs } from './create-pull.js';

export interface CreateArgs extends GlobalArgs, CreatePullArgs {
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
  domainname?: string;
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
  'init-ctr'?: string;
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
  network?: string | string[];
  'network-alias'?: string[];
  ip?: string;
  ip6?: string;
  'mac-address'?: string;
  publish?: string[];
  'publish-all'?: boolean;
  'cap-add'?: string[];
  'cap-drop'?: string[];
  privileged?: boolean;
  'security-opt'?: string[];
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  secret?: string[];
  'health-cmd'?: string;
  'health-interval'?: string;
  'health-retries'?: string;
  'health-start-period'?: string;
  'health-timeout'?: string;
  'health-on-failure'?: string;
  /** --no-healthcheck (yargs reads `--no-X` as X=false; `--no-healthcheck=true` sets no-healthcheck). */
  healthcheck?: boolean;
  'no-healthcheck'?: boolean;
  'no-hosts'?: boolean;
  annotation?: string[];
  'env-merge'?: string[];
  unsetenv?: string[];
  'unsetenv-all'?: boolean;
  'http-proxy'?: boolean;
  expose?: string[];
  'group-add'?: string[];
  hostuser?: string[];
  'passwd-entry'?: string;
  'label-file'?: string[];
  pidfile?: string;
  'conmon-pidfile'?: string;
  'kernel-memory'?: string;
  requires?: string[];
  timeout?: string;
  tz?: string;
  umask?: string;
  'oom-score-adj'?: string;
  cgroups?: string;
  'cgroup-parent'?: string;
  'cpu-shares'?: string;
  'cpu-period'?: string;
  'cpu-quota'?: string;
  'cpu-rt-period'?: string;
  'cpu-rt-runtime'?: string;
  'cpuset-cpus'?: string;
  'cpuset-mems'?: string;
  'memory-reservation'?: string;
  'memory-swap'?: string;
  'memory-swappiness'?: string;
  'oom-kill-disable'?: boolean;
  'blkio-weight'?: string;
  'blkio-weight-device'?: string[];
  'device-read-bps'?: string[];
  'device-write-bps'?: string[];
  'device-read-iops'?: string[];
  'device-write-iops'?: string[];
  'cgroup-conf'?: string[];
  'device-cgroup-rule'?: string[];
  pod?: string;
  'pod-id-file'?: string;
  cgroupns?: string;
  device?: string[];
  ipc?: string;
  personality?: string;
  pid?: string;
  'shm-size'?: string;
  sysctl?: string[];
  ulimit?: string[];
  uts?: string;
  chrootdirs?: string[];
  'image-volume'?: string;
  sdnotify?: string;
  'seccomp-policy'?: string;
  subgidname?: string;
  subuidname?: string;
  'volumes-from'?: string[];
  'init-path'?: string;
  systemd?: string;
  rootfs?: boolean;
  /** run only */
  'preserve-fds'?: string;
  detach?: boolean;
  'sig-proxy'?: boolean;
  attach?: string[];
  rmi?: boolean;
  passwd?: boolean;
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
  /** Only `create` has it (podman's run lacks it). */
  createOnly?: boolean;
  /** pflag's type word in help when it is not string/strings (`uint`, `stringArray`, `<number>[<unit>]`). */
  goType?: string;
  /** Accepted, not in help (podman hides it too, or it is the parsing half of a `--no-X` flag). */
  hidden?: boolean;
}

export const CREATE_FLAGS: readonly CreateFlag[] = [
  { name: 'chrootdirs', type: 'strings', describe: 'Chroot directories inside the container' },
  { name: 'image-volume', type: 'string', describe: 'Tells podman how to handle the builtin image volumes ("bind"|"tmpfs"|"ignore")' },
  { name: 'sdnotify', type: 'string', describe: 'control sd-notify behavior ("container"|"conmon"|"ignore")' },
  { name: 'seccomp-policy', type: 'string', describe: 'Policy for selecting a seccomp profile (experimental)' },
  { name: 'subgidname', type: 'string', describe: 'Name of range listed in /etc/subgid for use in user namespace' },
  { name: 'subuidname', type: 'string', describe: 'Name of range listed in /etc/subuid for use in user namespace' },
  { name: 'volumes-from', type: 'strings', describe: 'Mount volumes from the specified container(s)', goType: 'stringArray' },
  { name: 'cgroupns', type: 'string', describe: 'cgroup namespace to use' },
  { name: 'device', type: 'strings', describe: 'Add a host device to the container' },
  { name: 'ipc', type: 'string', describe: 'IPC namespace to use' },
  { name: 'personality', type: 'string', describe: 'Configure execution domain using personality (e.g., LINUX/LINUX32)' },
  { name: 'pid', type: 'string', describe: 'PID namespace to use' },
  { name: 'shm-size', type: 'string', describe: 'Size of /dev/shm (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))', goType: '<number>[<unit>]' },
  { name: 'sysctl', type: 'strings', describe: 'Sysctl options' },
  { name: 'ulimit', type: 'strings', describe: 'Ulimit options' },
  { name: 'uts', type: 'string', describe: 'UTS namespace to use' },
  { name: 'annotation', type: 'strings', describe: 'Add annotations to container (key=value)' },
  { name: 'blkio-weight', type: 'string', describe: 'Block IO weight (relative weight) accepts a weight value between 10 and 1000.' },
  { name: 'blkio-weight-device', type: 'strings', describe: 'Block IO weight (relative device weight, format: DEVICE_NAME:WEIGHT)', goType: 'DEVICE_NAME:WEIGHT' },
  { name: 'cgroup-conf', type: 'strings', describe: 'Configure cgroup v2 (key=value)' },
  { name: 'cgroup-parent', type: 'string', describe: 'Optional parent cgroup for the container' },
  { name: 'cgroups', type: 'string', describe: 'control container cgroup configuration ("enabled"|"disabled"|"no-conmon"|"split")' },
  { name: 'conmon-pidfile', type: 'string', describe: 'Path to the file that will receive the PID of conmon' },
  { name: 'cpu-period', type: 'string', describe: 'Limit the CPU CFS (Completely Fair Scheduler) period', goType: 'uint' },
  { name: 'cpu-quota', type: 'string', describe: 'Limit the CPU CFS (Completely Fair Scheduler) quota', goType: 'int' },
  { name: 'cpu-rt-period', type: 'string', describe: 'Limit the CPU real-time period in microseconds', goType: 'uint' },
  { name: 'cpu-rt-runtime', type: 'string', describe: 'Limit the CPU real-time runtime in microseconds', goType: 'int' },
  { name: 'cpu-shares', alias: 'c', type: 'string', describe: 'CPU shares (relative weight)', goType: 'uint' },
  { name: 'cpuset-cpus', type: 'string', describe: 'CPUs in which to allow execution (0-3, 0,1)' },
  { name: 'cpuset-mems', type: 'string', describe: 'Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA systems.' },
  { name: 'device-cgroup-rule', type: 'strings', describe: 'Add a rule to the cgroup allowed devices list' },
  { name: 'device-read-bps', type: 'strings', describe: 'Limit read rate (bytes per second) from a device (e.g. --device-read-bps=/dev/sda:1mb)' },
  { name: 'device-read-iops', type: 'strings', describe: 'Limit read rate (IO per second) from a device (e.g. --device-read-iops=/dev/sda:1000)' },
  { name: 'device-write-bps', type: 'strings', describe: 'Limit write rate (bytes per second) to a device (e.g. --device-write-bps=/dev/sda:1mb)' },
  { name: 'device-write-iops', type: 'strings', describe: 'Limit write rate (IO per second) to a device (e.g. --device-write-iops=/dev/sda:1000)' },
  { name: 'env-merge', type: 'strings', describe: 'Preprocess environment variables from image before injecting them into the container', goType: 'stringArray' },
  { name: 'expose', type: 'strings', describe: 'Expose a port or a range of ports' },
  { name: 'group-add', type: 'strings', describe: "Add additional groups to the primary container process. 'keep-groups' allows container processes to use supplementary groups." },
  { name: 'hostuser', type: 'strings', describe: 'Host user account to add to /etc/passwd within container' },
  { name: 'http-proxy', type: 'boolean', default: true, describe: 'Set proxy environment variables in the container based on the host proxy vars' },
  { name: 'label-file', type: 'strings', describe: 'Read in a line delimited file of labels' },
  { name: 'memory-reservation', type: 'string', describe: 'Memory soft limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))', goType: '<number>[<unit>]' },
  { name: 'memory-swap', type: 'string', describe: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
  { name: 'memory-swappiness', type: 'string', describe: 'Tune container memory swappiness (0 to 100, or -1 for system default)', goType: 'int' },
  { name: 'oom-kill-disable', type: 'boolean', describe: 'Disable OOM Killer' },
  { name: 'oom-score-adj', type: 'string', describe: "Tune the host's OOM preferences (-1000 to 1000)", goType: 'int' },
  { name: 'passwd-entry', type: 'string', describe: 'Entry to write to /etc/passwd' },
  { name: 'pidfile', type: 'string', describe: 'Write the container process ID to the file' },
  { name: 'requires', type: 'strings', describe: 'Add one or more requirement containers that must be started before this container will start' },
  { name: 'timeout', type: 'string', describe: 'Maximum length of time a container is allowed to run. The container will be killed automatically after the time expires.', goType: 'uint' },
  { name: 'tz', type: 'string', describe: 'Set timezone in container' },
  { name: 'umask', type: 'string', describe: 'Set umask in container' },
  { name: 'unsetenv', type: 'strings', describe: 'Unset environment default variables in container', goType: 'stringArray' },
  { name: 'unsetenv-all', type: 'boolean', describe: 'Unset all default environment variables in container' },
  { name: 'add-host', type: 'strings', describe: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'cap-add', type: 'strings', describe: 'Add capabilities to the container' },
  { name: 'cap-drop', type: 'strings', describe: 'Drop capabilities from the container' },
  { name: 'cidfile', type: 'string', describe: 'Write the container ID to the file' },
  { name: 'cpus', type: 'string', describe: 'Number of CPUs. The default is 0.000 which means no limit', goType: 'float' },
  { name: 'detach-keys', type: 'string', runOnly: true, describe: 'Override the key sequence for detaching a container. Format is a single character [a-Z] or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`', goType: '[a-Z]' },
  { name: 'dns', type: 'strings', describe: 'Set custom DNS servers' },
  { name: 'dns-option', alias: 'dns-opt', type: 'strings', describe: 'Set custom DNS options' },
  { name: 'dns-search', type: 'strings', describe: 'Set custom DNS search domains' },
  { name: 'entrypoint', type: 'string', describe: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', alias: 'e', type: 'strings', describe: 'Set environment variables in container', goType: 'stringArray' },
  { name: 'env-file', type: 'strings', describe: 'Read in a file of environment variables' },
  { name: 'env-host', type: 'boolean', describe: 'Use all current host environment variables in container' },
  { name: 'gidmap', type: 'strings', describe: 'GID map to use for the user namespace' },
  // yargs reads `--no-hosts` as hosts=false; help shows podman's --no-hosts.
  { name: 'hosts', type: 'boolean', default: true, hidden: true, describe: 'Create /etc/hosts within the container' },
  { name: 'no-hosts', type: 'boolean', describe: 'Do not create /etc/hosts within the container, instead use the version from the image' },
  { name: 'health-cmd', type: 'string', describe: 'set a healthcheck command for the container (\'none\' disables the existing healthcheck)' },
  { name: 'health-interval', type: 'string', describe: 'set an interval for the healthcheck (a value of disable results in no automatic timer setup) (default "30s")' },
  { name: 'health-on-failure', type: 'string', describe: 'action to take once the container turns unhealthy (none, kill, restart, stop) (default "none")' },
  { name: 'health-retries', type: 'string', describe: 'the number of retries allowed before a healthcheck is considered to be unhealthy (default 3)', goType: 'uint' },
  { name: 'health-start-period', type: 'string', describe: 'the initialization time needed for a container to bootstrap (default "0s")' },
  { name: 'health-timeout', type: 'string', describe: 'the maximum time allowed to complete the healthcheck before an interval is considered failed (default "30s")' },
  { name: 'healthcheck', type: 'boolean', default: true, hidden: true, describe: 'Run the healthcheck' },
  { name: 'no-healthcheck', type: 'boolean', describe: 'Disable healthchecks on container' },
  { name: 'hostname', alias: 'h', type: 'string', describe: 'Set container hostname' },
  // docker's flag (podman 4.3 lacks it; hidden so help stays podman's): compose's domainname.
  { name: 'domainname', type: 'string', hidden: true, describe: 'Container NIS domain name' },
  { name: 'init', type: 'boolean', describe: 'Run an init binary inside the container that forwards signals and reaps processes' },
  { name: 'interactive', alias: 'i', type: 'boolean', describe: 'Keep STDIN open even if not attached' },
  { name: 'label', alias: 'l', type: 'strings', describe: 'Set metadata on container', goType: 'stringArray' },
  { name: 'log-driver', type: 'string', describe: 'Logging driver for the container (k8s-file, json-file, none)' },
  { name: 'log-opt', type: 'strings', describe: 'Logging driver options (max-size=SIZE, path=FILE)' },
  { name: 'memory', alias: 'm', type: 'string', describe: 'Memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))', goType: '<number>[<unit>]' },
  { name: 'mount', type: 'strings', describe: 'Attach a filesystem mount to the container', goType: 'stringArray' },
  { name: 'name', type: 'string', describe: 'Assign a name to the container' },
  { name: 'network', alias: 'net', type: 'strings', describe: 'Connect a container to a network (pasta, slirp4netns, host, none, container:NAME, bridge or a network name)', goType: 'stringArray' },
  { name: 'network-alias', type: 'strings', describe: 'Add network-scoped alias for the container' },
  { name: 'ip', type: 'string', describe: 'Specify a static IPv4 address for the container' },
  { name: 'ip6', type: 'string', describe: 'Specify a static IPv6 address for the container' },
  { name: 'mac-address', type: 'string', describe: 'Container MAC address (e.g. 92:d0:c6:0a:29:33)' },
  { name: 'pod', type: 'string', describe: 'Run container in an existing pod (NAME or ID), or in a new one (new:NAME)' },
  { name: 'pod-id-file', type: 'string', describe: 'Read the pod ID from the file' },
  { name: 'pids-limit', type: 'string', describe: 'Tune container pids limit (set -1 for unlimited)', goType: 'int' },
  { name: 'privileged', type: 'boolean', describe: 'Give extended privileges to container' },
  { name: 'publish', alias: 'p', type: 'strings', describe: "Publish a container's port, or a range of ports, to the host" },
  { name: 'publish-all', alias: 'P', type: 'boolean', describe: 'Publish all exposed ports to random ports on the host interfaces' },
  { name: 'read-only', type: 'boolean', describe: "Make containers root filesystem read-only" },
  { name: 'read-only-tmpfs', type: 'boolean', default: true, describe: 'When running --read-only containers mount read-write tmpfs on /dev, /dev/shm, /run, /tmp and /var/tmp' },
  { name: 'replace', type: 'boolean', describe: 'If a container with the same name exists, replace it' },
  { name: 'restart', type: 'string', describe: 'Restart policy to apply when a container exits ("always"|"no"|"on-failure"|"unless-stopped")' },
  { name: 'rm', type: 'boolean', describe: 'Remove container and any anonymous unnamed volume associated with the container after exit' },
  { name: 'secret', type: 'strings', describe: 'Add secret to container (NAME[,type=mount][,target=PATH]): mounted read-only at /run/secrets/NAME', goType: 'stringArray' },
  { name: 'security-opt', type: 'strings', describe: 'Security Options', goType: 'stringArray' },
  { name: 'stop-signal', type: 'string', describe: 'Signal to stop a container. Default is SIGTERM' },
  { name: 'stop-timeout', type: 'string', describe: 'Timeout (in seconds) that containers stopped by user command have to exit. If exceeded, the container will be forcibly stopped via SIGKILL', goType: 'uint' },
  { name: 'tmpfs', type: 'strings', describe: 'Mount a temporary filesystem (tmpfs) into a container', goType: 'tmpfs' },
  { name: 'tty', alias: 't', type: 'boolean', describe: 'Allocate a pseudo-TTY for container' },
  { name: 'uidmap', type: 'strings', describe: 'UID map to use for the user namespace' },
  { name: 'user', alias: 'u', type: 'string', describe: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'userns', type: 'string', describe: 'User namespace to use (keep-id, host)' },
  { name: 'volume', alias: 'v', type: 'strings', describe: 'Bind mount a volume into the container', goType: 'stringArray' },
  { name: 'workdir', alias: 'w', type: 'string', describe: 'Working directory inside the container' },
  // --pull, -q, the platform and registry flags (create-pull.ts)
  ...CREATE_PULL_FLAGS,
  // run only
  { name: 'detach', alias: 'd', type: 'boolean', runOnly: true, describe: 'Run container in background and print container ID' },
  { name: 'sig-proxy', type: 'boolean', default: true, runOnly: true, describe: 'Proxy received signals to the process' },
  // create -a: podman 4.3 takes it and does nothing with it; here (as Docker) the streams are kept for a later `start --attach`.
  { name: 'attach', alias: 'a', type: 'strings', describe: 'Attach to STDIN, STDOUT or STDERR' },
  { name: 'init-ctr', type: 'string', createOnly: true, describe: 'Make this a pod init container.' },
  // podman's documented no-op, kept for Docker's command lines.
  // Deprecated in the runtime spec: podman takes it hidden and says it does nothing; so do we.
  { name: 'kernel-memory', type: 'string', hidden: true, describe: 'Kernel memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))' },
  { name: 'disable-content-trust', type: 'boolean', describe: 'This is a Docker specific option: tsc-run never enables Docker content trust, so it is always disabled' },
  { name: 'preserve-fds', type: 'string', runOnly: true, describe: 'Pass a number of additional file descriptors into the container', goType: 'uint' },
  { name: 'init-path', type: 'string', describe: 'Path to the container-init binary' },
  { name: 'systemd', type: 'string', describe: 'Run container in systemd mode ("true"|"false"|"always")' },
  { name: 'rootfs', type: 'boolean', describe: 'The first argument is not an image but the rootfs to the exploded container' },
  { name: 'rmi', type: 'boolean', runOnly: true, describe: 'Remove container image unless used by other containers' },
  { name: 'passwd', type: 'boolean', default: true, runOnly: true, describe: 'add entries to /etc/passwd and /etc/group' },
];

function lastValue(v: unknown): unknown {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function flagForms(f: CreateFlag): string[] {
  const forms = [`--${f.name}`];
  if (f.alias) forms.push(f.alias.length === 1 ? `-${f.alias}` : `--${f.alias}`);
  return forms;
}

/** Flags that take a value (for the trailing command split, see index.ts). */
export const CREATE_VALUE_FLAGS: string[] = CREATE_FLAGS.filter((f) => f.type !== 'boolean').flatMap(flagForms);

/** podman 4.3 `update`'s flags: the cgroup resource flags of run/create (not --pids-limit). */
export const UPDATE_FLAG_NAMES = [
  'blkio-weight', 'blkio-weight-device', 'cpu-period', 'cpu-quota', 'cpu-rt-period', 'cpu-rt-runtime', 'cpu-shares', 'cpus', 'cpuset-cpus', 'cpuset-mems',
  'device-read-bps', 'device-read-iops', 'device-write-bps', 'device-write-iops', 'memory', 'memory-reservation', 'memory-swap', 'memory-swappiness',
] as const;

export function withUpdateFlags<T>(y: Argv<T>): Argv<T & CreateArgs> {
  let out = y;
  for (const f of CREATE_FLAGS.filter((x) => (UPDATE_FLAG_NAMES as readonly string[]).includes(x.name))) {
    const alias = f.alias !== undefined ? { alias: f.alias } : {};
    const extra = f.goType ? { goType: f.goType } : {};
    if (f.type === 'string') out = out.option(f.name, { type: 'string', requiresArg: true, describe: f.describe, coerce: lastValue, ...alias, ...extra });
    else out = out.option(f.name, { type: 'string', array: true, nargs: 1, requiresArg: true, describe: f.describe, ...alias, ...extra });
  }
  return out as unknown as Argv<T & CreateArgs>;
}

export function withCreateFlags<T>(y: Argv<T>, command: 'run' | 'create'): Argv<T & CreateArgs> {
  let out = y
    .positional('image', { type: 'string', describe: 'Image name or id' })
    .positional('command', { type: 'string', array: true, describe: "Command and arguments (default: the image's)" });
  // Code-unit order, not localeCompare: the first localeCompare loads ICU's
  // collator, ~6 ms of every `run`. Flag names are [a-z0-9-]: the same order.
  const flags = CREATE_FLAGS.filter((f) => (command === 'run' ? !f.createOnly : !f.runOnly)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of flags) {
    const alias = f.alias !== undefined ? { alias: f.alias } : {};
    const dflt = f.default !== undefined ? { default: f.default } : {};
    // goType is read by the help (src/cli/help/command-info.ts), not by yargs.
    const extra = { ...(f.goType ? { goType: f.goType } : {}), ...(f.hidden ? { hidden: true } : {}) };
    if (f.type === 'boolean') out = out.option(f.name, { type: 'boolean', describe: f.describe, ...alias, ...dflt, ...extra });
    // podman (pflag): a string flag given twice keeps the last value.
    else if (f.type === 'string') out = out.option(f.name, { type: 'string', requiresArg: true, describe: f.describe, coerce: lastValue, ...alias, ...extra });
    else out = out.option(f.name, { type: 'string', array: true, nargs: 1, requiresArg: true, describe: f.describe, ...alias, ...extra });
  }
  return out as unknown as Argv<T & CreateArgs>;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** --no-hosts, defaulting to containers.conf no_hosts; exclusive with --add-host (podman's message). */
function noHostsOf(argv: CreateArgs): boolean {
  const noHosts = argv.hosts === false || (argv['no-hosts'] ?? containersTable().noHosts);
  if (noHosts && argv['add-host']?.length) throw new UsageError('--no-hosts and --add-host cannot be set together');
  return noHosts;
}

/** -a/--attach: only the named streams (podman's message for another name). */
export function parseAttach(values: readonly string[] | undefined): { stdin: boolean; stdout: boolean; stderr: boolean } | undefined {
  if (values === undefined) return undefined;
  const out = { stdin: false, stdout: false, stderr: false };
  for (const v of values.flatMap((x) => String(x).split(','))) {
    const k = v.toLowerCase();
    if (k !== 'stdin' && k !== 'stdout' && k !== 'stderr') {
      throw new UsageError(`invalid stream ${JSON.stringify(v)} for --attach - must be one of stdin, stdout, or stderr: invalid argument`);
    }
    out[k] = true;
  }
  return out;
}

/** --network, -p, -P (src/network/network-flags.ts), with the host and the store at hand. */
async function planNetworkFlags(argv: CreateArgs, roots: Roots): Promise<import('../../network/network-flags.js').NetworkPlan> {
  const { planNetwork } = await import('../../network/network-flags.js');
  const { findExecutable } = await import('../../host/executables.js');
  const { readUnprivilegedPortStart } = await import('../../network/privileged-ports.js');
  const dnsFlags = (['dns', 'dns-search', 'dns-option'] as const).filter((k) => argv[k]?.length).map((k) => `--${k}`);
  return planNetwork(
    {
      // yargs gives an array for a repeated --network.
      network: argv.network,
      publish: (argv.publish ?? []).map(String),
      publishAll: argv['publish-all'] === true,
      dnsFlags,
      addHosts: (argv['add-host'] ?? []).map(String),
      usernsFlags: (argv.userns !== undefined && !/^(container|ns):/.test(argv.userns)) || Boolean(argv.uidmap?.length || argv.gidmap?.length),
      aliases: (argv['network-alias'] ?? []).map(String),
      dnsSearch: (argv['dns-search'] ?? []).map(String),
      ip: argv.ip,
      ip6: argv.ip6,
      mac: argv['mac-address'],
    },
    {
      installed: () => ({ pasta: findExecutable('pasta') !== undefined, slirp4netns: findExecutable('slirp4netns') !== undefined }),
      lookupContainer: async (n) => {
        const { ContainerStore } = await import('../../storage/containers.js');
        return new ContainerStore(roots.dataRoot).lookup(n);
      },
      lookupNetwork: async (n) => {
        const { NetworkStore } = await import('../../network/config/network-store.js');
        return new NetworkStore(roots.dataRoot).lookup(n);
      },
      rootless: process.getuid!() !== 0,
      unprivilegedPortStart: () => readUnprivilegedPortStart(),
      // podman prints specgen's warnings as plain lines, not through logrus.
      warn: (m) => void process.stderr.write(`${m}\n`),
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
      throw new TscRunError(`open ${f}: ${errnoText(e)}`);
    }
    out.push(...parseEnvFile(text, f));
  }
  return out;
}

/**
 * The resource flags: parsed with podman's messages, then applied where a
 * cgroup v2 subtree is delegated to us (memory, cpus, pids today); on a
 * cgroup v1 host rootless, podman 4.3's warning and no limits, as podman;
 * anywhere else refused with the reason (docs/run-flags.md).
 */
export async function planResources(argv: CreateArgs): Promise<ContainerConfig['resources']> {
  const { parseResourceFlags, anyResource, CGROUP_V1_ROOTLESS_WARNING } = await import('../../runtime/create-flags/resource-flags.js');
  const r = parseResourceFlags(argv, (p) => fsSync.existsSync(p), true);
  if (!anyResource(r) && !r.deviceRules) return undefined;
  const { probeCgroups } = await import('../../host/cgroup-probe.js');
  const facts = probeCgroups(process.getuid!());
  const rootlessV1 = !facts.delegation.delegated && process.getuid!() !== 0 && facts.layout !== 'unified';
  // Rootless on cgroup v1 podman drops every limit unchecked (a range error too) and says so once; device rules silently.
  if (r.rangeError && !rootlessV1) throw new UsageError(r.rangeError);
  if (r.deviceRules && !rootlessV1) r.others.push('--device-cgroup-rule');
  if (!anyResource(r)) return undefined;
  if (facts.delegation.delegated) {
    if (r.others.length) {
      throw new TscRunError(`${r.others.join(', ')}: not applied by tsc-run yet (only --memory, --cpus and --pids-limit are, on a delegated cgroup v2 subtree); run the container without ${r.others.length > 1 ? 'them' : 'it'}`);
    }
  } else if (process.getuid!() !== 0 && facts.layout !== 'unified') {
    process.stderr.write(`${CGROUP_V1_ROOTLESS_WARNING}\n`);
    return undefined;
  } else {
    const given = [r.memory !== undefined && '--memory', r.cpus !== undefined && '--cpus', r.pidsLimit !== undefined && '--pids-limit', ...r.others].filter(Boolean).join(', ');
    if (!given) return undefined; // --memory=0 alone: nothing to apply
    throw new TscRunError(
      `${given} need${given.includes(',') ? '' : 's'} a cgroup v2 subtree delegated to this user, and ${facts.delegation.detail}: ` +
        'the limits cannot be applied; run the container without them (it then runs without limits)',
    );
  }
  const out: NonNullable<ContainerConfig['resources']> = {};
  if (r.memory !== undefined) out.memory = r.memory;
  if (r.cpus !== undefined) out.cpus = r.cpus;
  if (r.pidsLimit !== undefined) out.pidsLimit = r.pidsLimit;
  return Object.keys(out).length ? out : undefined;
}

/** --subuidname/--subgidname NAME: the ranges /etc/subuid and /etc/subgid give NAME, mapped from container id 0 (podman's rule). */
export async function subIdMaps(argv: Pick<CreateArgs, 'subuidname' | 'subgidname'>): Promise<{ uid: string[]; gid: string[] }> {
  const read = async (file: string, name: string | undefined, flag: string): Promise<string[]> => {
    if (name === undefined) return [];
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    const ranges = text.split('\n').map((l) => l.trim().split(':')).filter((f) => f.length === 3 && f[0] === name && /^\d+$/.test(f[1]!) && /^\d+$/.test(f[2]!));
    if (!ranges.length) throw new TscRunError(`${flag} ${name}: no range for ${name} in ${file}`);
    let next = 0;
    return ranges.map((f) => {
      const m = `${next}:${f[1]}:${f[2]}`;
      next += Number(f[2]);
      return m;
    });
  };
  return { uid: await read('/etc/subuid', argv.subuidname, '--subuidname'), gid: await read('/etc/subgid', argv.subgidname, '--subgidname') };
}

/** --volumes-from CTR[:ro|rw]: the volumes and bind mounts of CTR as -v values (ro/rw forced when given, else as CTR has them). */
export async function volumesFrom(roots: Roots, values: readonly string[]): Promise<string[]> {
  const { ContainerStore } = await import('../../storage/containers.js');
  const store = new ContainerStore(roots.dataRoot);
  const out: string[] = [];
  for (const v of values) {
    const [name = '', mode, ...rest] = v.split(':');
    if (rest.length || (mode !== undefined && !/^(ro|rw|z|Z)(,(ro|rw|z|Z))*$/.test(mode))) throw new UsageError(`invalid options ${JSON.stringify(mode ?? '')}, can only specify 'ro', 'rw', and 'z'`);
    const src = await store.lookup(name).catch((err: unknown) => {
      if (err instanceof TscRunError) throw new TscRunError(`looking up container ${JSON.stringify(name)} for volumes-from: ${err.message}`, err.exitCode, { cause: err });
      throw err;
    });
    const force = mode?.split(',').find((m) => m === 'ro' || m === 'rw');
    for (const m of src.config.mounts ?? []) {
      if (m.type === 'tmpfs') continue;
      const ro = force ? force === 'ro' : m.options.includes('ro');
      out.push(`${m.type === 'volume' ? m.name : m.source}:${m.destination}${ro ? ':ro' : ''}`);
    }
  }
  return out;
}

/** --pid, --ipc, --uts, --cgroupns: host or private (podman's ParseNamespace words); container:/ns: are joins (planJoins). */
function parseNamespaceFlag(flag: string, value: string | undefined): 'host' | 'private' | 'shareable' | 'none' | undefined {
  if (value === undefined || value === '' || /^(container|ns):/.test(value)) return undefined;
  if (value === 'host' || value === 'private') return value;
  if (flag === 'ipc' && value === 'shareable') return 'shareable';
  // none: an ipc namespace of its own without /dev/shm (podman's NoShm).
  if (flag === 'ipc' && value === 'none') return 'none';
  throw new UsageError(`unrecognized namespace mode ${value} passed`);
}

/** container:NAME / ns:PATH of --pid, --ipc, --uts, --cgroupns, --userns (src/runtime/container/namespace-joins.ts). */
async function planJoins(argv: CreateArgs, roots: Roots, net: import('../../network/network-flags.js').NetworkPlan, ownMaps: string | undefined, shmSize: string | undefined, pod: string | undefined): Promise<import('../../runtime/container/namespace-joins.js').JoinPlan | undefined> {
  const flags = (['pid', 'ipc', 'uts', 'cgroupns', 'userns'] as const).filter((k) => argv[k] !== undefined && /^(container|ns):/.test(argv[k]));
  if (!flags.length) return undefined;
  const j = await import('../../runtime/container/namespace-joins.js');
  const { ContainerStore } = await import('../../storage/containers.js');
  const store = new ContainerStore(roots.dataRoot);
  const deps = { lookup: (n: string) => store.lookup(n), get: (id: string) => store.get(id), rootless: process.getuid!() !== 0 };
  const requested: Partial<Record<(typeof flags)[number], import('../../runtime/container/namespace-joins.js').NsValue>> = {};
  for (const k of flags) requested[k] = j.parseJoinValue(argv[k]!);
  const networkOwner = net.sharedWith ? await j.usernsOwner(net.sharedWith, deps) : net.network === 'bridge' ? 'bridge' : undefined;
  const networkLabel = net.sharedWith ? `--network container:${net.sharedWith.name}` : '--network bridge';
  return j.planNamespaceJoins(requested, { networkOwner, networkLabel, ownMaps, hostname: argv.hostname, shmSize, pod }, deps);
}

/** --ulimit, --sysctl, --shm-size, --personality, --device and the namespace flags into the config. */
async function planProcessFlags(argv: CreateArgs, config: Partial<ContainerConfig>, network: string): Promise<void> {
  const p = await import('../../runtime/create-flags/process-flags.js');
  const ns: NonNullable<ContainerConfig['namespaces']> = {};
  for (const k of ['pid', 'ipc', 'uts', 'cgroupns'] as const) {
    const v = parseNamespaceFlag(k, argv[k]);
    if (v !== undefined) ns[k] = v;
  }
  if (ns.uts === 'host' && argv.hostname !== undefined) {
    throw new UsageError('invalid config provided: cannot set hostname when running in the host UTS namespace: invalid configuration');
  }
  if (Object.keys(ns).length) config.namespaces = { ...config.namespaces, ...ns };
  if (argv.domainname !== undefined && argv.domainname !== '') {
    if (ns.uts === 'host') throw new UsageError('invalid config provided: cannot set domainname when running in the host UTS namespace: invalid configuration');
    // setdomainname(2)'s limit (__NEW_UTS_LEN), said here rather than at start.
    if (Buffer.byteLength(argv.domainname) > 64) throw new UsageError(`invalid domainname ${JSON.stringify(argv.domainname)}: longer than 64 bytes`);
    config.domainname = argv.domainname;
  }
  if (argv.ulimit?.length) {
    const u = p.parseUlimits(argv.ulimit.map(String));
    if (u.length) config.ulimits = u;
  }
  if (argv.sysctl?.length) {
    config.sysctls = p.parseSysctls(argv.sysctl.map(String), { ownNetns: network !== 'host' && !network.startsWith('container:'), ownIpc: ns.ipc !== 'host', ownUts: ns.uts !== 'host' });
  }
  if (argv['shm-size'] !== undefined && (ns.ipc === 'host' || ns.ipc === 'none')) {
    throw new UsageError(`invalid config provided: cannot set shmsize when running in the {${ns.ipc} } IPC Namespace`);
  }
  if (argv['shm-size'] !== undefined) config.shmSize = p.parseShmSize(argv['shm-size']);
  if (argv.personality !== undefined) {
    p.personalityNumber(argv.personality);
    config.personality = argv.personality;
  }
  if (argv.device?.length) {
    config.devices = p.parseDevices(argv.device.map(String), {
      kind: (f) => {
        const st = fsSync.statSync(f, { throwIfNoEntry: false });
        if (!st) return 'missing';
        return st.isCharacterDevice() || st.isBlockDevice() ? 'device' : st.isDirectory() ? 'dir' : 'other';
      },
      list: (dir) =>
        (fsSync.readdirSync(dir, { recursive: true, encoding: 'utf8' }))
          .map((e) => path.join(dir, e))
          .filter((f) => {
            const st = fsSync.lstatSync(f, { throwIfNoEntry: false });
            return st !== undefined && (st.isCharacterDevice() || st.isBlockDevice());
          }),
    });
  }
}

/**
 * --init-path: that binary (bound read-only at /run/podman-init) is PID 1
 * instead of our built-in init, as podman's catatonit. podman ignores it
 * without --init; we refuse rather than ignore.
 */
function planInitPath(argv: CreateArgs): string {
  const p = argv['init-path']!;
  if (!argv.init) throw new UsageError(`--init-path ${p} only acts with --init: add --init, or leave --init-path out`);
  if (argv.pid !== undefined && argv.pid !== 'private' && argv.pid !== '') throw new TscRunError("cannot add init binary as PID 1 (PID namespace isn't private)");
  if (argv.systemd?.toLowerCase() === 'always') throw new TscRunError('cannot use container-init binary with systemd=always');
  if (p === '') throw new TscRunError('please specify a path to the container-init binary');
  if (!fsSync.existsSync(p)) throw new TscRunError(`container-init binary not found on the host: stat ${p}: no such file or directory`);
  return path.resolve(p);
}

/** --rootfs: the first argument is a directory (PATH[:O], podman's overlay form), not an image. */
function planRootfs(arg: string, argv: CreateArgs): { path: string; overlay: boolean } {
  const overlay = arg.endsWith(':O');
  const p = overlay ? arg.slice(0, -2) : arg;
  const st = fsSync.statSync(p, { throwIfNoEntry: false });
  if (!st) throw new TscRunError(`running container create option: stat ${p}: no such file or directory`);
  if (!st.isDirectory()) throw new TscRunError(`running container create option: ${p} is not a directory`);
  if (![...(argv.command ?? []), ...(argv['--'] ?? [])].length && argv.entrypoint === undefined) {
    throw new TscRunError('no command or entrypoint provided, and no CMD or ENTRYPOINT from image');
  }
  return { path: path.resolve(p), overlay };
}

/** --label-file: lines KEY=VALUE (or KEY), blank lines and # comments skipped; -l wins over the file. */
export async function readLabelFiles(files: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await fs.readFile(f, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new TscRunError(`open ${f}: ${errnoText(e)}`);
    }
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      out.push(line);
    }
  }
  return out;
}

/** Go's strconv.ParseUint(s, 10, 16) as podman's nat.ParsePortRange calls it; its error text. */
function parseUint16(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
  const n = Number(text);
  if (n > 65535) throw new UsageError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`);
  return n;
}

/**
 * --expose: PORT[-PORT][/PROTO] each → `PORT/proto` keys, as podman 4.3:
 * the range checked first (verifyExpose: "invalid range format for
 * --expose: ..."), then each port and protocol (no 0, no SCTP; tcp,udp).
 */
function parseExpose(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const parts = v.split('/');
    const range = parts[0] ?? '';
    const proto = parts.length > 1 && parts[1] !== '' ? parts[1]! : 'tcp';
    let a: number;
    let b: number;
    try {
      if (v === '' || range === '') throw new UsageError('Empty string specified for ports.');
      const dash = range.split('-');
      a = parseUint16(dash[0]!);
      b = dash.length > 1 ? parseUint16(dash[1]!) : a;
      if (b < a) throw new UsageError(`Invalid range specified for the Port: ${range}`);
    } catch (err) {
      throw new UsageError(`invalid range format for --expose: ${v}: ${(err as Error).message}`);
    }
    for (let p = a; p <= b; p++) {
      if (p === 0) throw new UsageError('port numbers must be between 1 and 65535 (inclusive), got 0');
      const protos = [...new Set(proto.split(',').map((x) => (x.toLowerCase() === '' ? 'tcp' : x.toLowerCase())))];
      for (const x of protos) {
        if (x === 'sctp') throw new UsageError(`validating protocols for exposed port ${p}: protocol SCTP is not allowed for exposed ports`);
        if (x !== 'tcp' && x !== 'udp') throw new UsageError(`validating protocols for exposed port ${p}: unrecognized protocol ${JSON.stringify(x)} in port mapping`);
        out.push(`${p}/${x}`);
      }
    }
  }
  return out;
}

/** --passwd, --passwd-entry, --hostuser and keep-id's entry for the user running us. */
async function planPasswd(argv: CreateArgs, keepId: boolean): Promise<PreparedCreate['passwd']> {
  if (argv.passwd === false) return undefined;
  const hostUsers = argv.hostuser ?? [];
  const { findHostUser, findHostGroupName } = await import('../../runtime/create-flags/passwd-entries.js');
  const passwdText = hostUsers.length || keepId ? await fs.readFile('/etc/passwd', 'utf8').catch(() => '') : '';
  // An unknown account fails every start, not create (podman looks it up when it starts).
  let error: string | undefined;
  const users: HostUser[] = [];
  for (const u of hostUsers) {
    const found = findHostUser(passwdText, String(u));
    if (found) users.push(found);
    else error ??= `user: unknown user ${/^\d+$/.test(String(u)) ? 'userid ' : ''}${String(u)}`;
  }
  let currentUser: NonNullable<PreparedCreate['passwd']>['currentUser'];
  if (keepId && process.getuid!() !== 0) {
    const me = findHostUser(passwdText, String(process.getuid!()));
    if (me) {
      const groupText = await fs.readFile('/etc/group', 'utf8').catch(() => '');
      currentUser = { user: { ...me, gid: process.getgid!() }, groupName: findHostGroupName(groupText, process.getgid!()) };
    }
  }
  return { hostUsers: users, currentUser, entry: argv['passwd-entry'], ...(error ? { error } : {}) };
}

/** Everything `run`/`create` need from the flags, validated; nothing is written yet except --replace's removal. */
/** podman's StringSlice flags among the network ones (netflags.go) and --expose: each value is a comma-separated list. */
const CSV_FLAGS = ['add-host', 'dns', 'dns-option', 'dns-search', 'network-alias', 'publish', 'expose'] as const;

export async function prepareCreate(argv: CreateArgs, roots: Roots, opts: { detach: boolean }): Promise<PreparedCreate> {
  if (argv.image === undefined) throw new UsageError('requires at least 1 arg(s), only received 0');
  for (const k of CSV_FLAGS) {
    const v = argv[k];
    if (v?.length) argv[k] = v.flatMap((x) => String(x).split(','));
  }
  if (argv['kernel-memory'] !== undefined) {
    const { warn } = await import('../warn.js');
    warn('The --kernel-memory flag is no longer supported. This flag is a noop.');
  }
  if (argv.name !== undefined && !NAME_RE.test(argv.name)) {
    throw new UsageError('running container create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument');
  }
  if (argv['init-ctr'] !== undefined) {
    if (argv.pod === undefined) throw new UsageError('must specify pod value with init-ctr');
    if (argv['init-ctr'] !== 'always' && argv['init-ctr'] !== 'once') throw new UsageError("init-ctr value must be 'always' or 'once'");
  }
  const o = await import('../../runtime/container/run-options.js');
  // --pod: the infra's network and namespaces (src/pod/pod-join.ts).
  const pod = argv.pod !== undefined || argv['pod-id-file'] !== undefined ? await joinPod(argv, roots) : undefined;
  if (pod && argv['init-ctr'] !== undefined) await (await import('../../pod/pod-init.js')).checkInitCtrJoin(roots, pod.pod);
  const ownShmSize = argv['shm-size'];
  // The pod's --device, --security-opt, --shm-size, --pid/--uts host (src/pod/pod-inherit.ts), the member's own after them.
  if (pod) {
    const i = pod.inherited;
    argv = { ...argv, device: i.device, 'security-opt': i.securityOpt, 'shm-size': i.shmSize, pid: i.pid, uts: i.uts, ...(i.ipc !== undefined ? { ipc: i.ipc } : {}) };
  }
  const net = await planNetworkFlags(pod?.network ? { ...argv, network: pod.network, publish: [] } : argv, roots);
  // podman checks --rm against the policy's word before it parses it.
  if (argv.rm === true && argv.restart !== undefined && argv.restart !== '' && argv.restart !== 'no') o.checkRestartWithRm({ name: 'always', maxRetries: 0 }, true);
  const restartPolicy = o.parseRestartPolicy(argv.restart);
  o.checkRestartWithRm(restartPolicy, argv.rm === true);
  const log = o.parseLogOptions(argv['log-driver'], (argv['log-opt'] ?? []).map(String));
  if (argv['detach-keys'] !== undefined) o.parseDetachKeys(argv['detach-keys']);

  const config: Partial<ContainerConfig> = {
    createCommand: ['tsc-run', ...process.argv.slice(2)],
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
  const fileLabels = await readLabelFiles((argv['label-file'] ?? []).map(String)).catch((err: unknown) => {
    throw err instanceof TscRunError ? new TscRunError(`unable to process labels: ${err.message}`, err.exitCode, { cause: err }) : err;
  });
  const labels = [...fileLabels, ...(argv.label ?? []).map(String)];
  if (labels.length) config.labels = o.parseLabels(labels);
  // podman creates only the image's WORKDIR; a --workdir must exist. Compose's working_dir is
  // created, as docker (and podman's compat API behind docker compose) does.
  if (argv.workdir !== undefined && config.labels?.['com.docker.compose.project'] === undefined) config.createWorkingDir = false;
  if (argv.init) config.init = true;
  {
    const { parseHealthFlags } = await import('../../health/health-config.js');
    const health = parseHealthFlags({
      cmd: argv['health-cmd'],
      interval: argv['health-interval'],
      retries: argv['health-retries'],
      startPeriod: argv['health-start-period'],
      timeout: argv['health-timeout'],
      onFailure: argv['health-on-failure'],
      none: argv.healthcheck === false || argv['no-healthcheck'] === true,
    });
    if (health) config.healthcheck = health;
  }
  if (pod?.netJoin.length) config.netJoin = pod.netJoin;
  if (argv['init-ctr'] === 'always' || argv['init-ctr'] === 'once') config.initContainerType = argv['init-ctr'];
  if (argv.annotation?.length) {
    config.annotations = {};
    for (const a of argv.annotation.map(String)) {
      const eq = a.indexOf('=');
      if (eq < 0) throw new UsageError(`annotations must be formatted KEY=VALUE`);
      config.annotations[a.slice(0, eq)] = a.slice(eq + 1);
    }
  }
  // podman's own spec annotations (inspect reads HostConfig.SecurityOpt/ContainerIDFile/VolumesFrom back from them).
  {
    const extra: Record<string, string> = {};
    if (argv['security-opt']?.length) Object.assign(extra, (await import('../../runtime/security/security-args.js')).securityOptAnnotations(argv['security-opt'].map(String)));
    if (argv.cidfile !== undefined) extra['io.podman.annotations.cid-file'] = argv.cidfile;
    if (argv['volumes-from']?.length) extra['io.podman.annotations.volumes-from'] = argv['volumes-from'].map(String).join(',');
    if (Object.keys(extra).length) config.annotations = { ...config.annotations, ...extra };
  }
  if (argv.expose?.length) config.expose = parseExpose(argv.expose.map(String));
  if (argv.umask !== undefined) {
    if (!/^[0-7]{1,4}$/.test(argv.umask)) throw new UsageError(`running container create option: invalid umask string ${argv.umask}: invalid argument`);
    config.umask = argv.umask;
  }
  if (argv.timeout !== undefined) {
    if (!/^\d+$/.test(argv.timeout)) throw new UsageError(`invalid argument ${JSON.stringify(argv.timeout)} for "--timeout" flag: strconv.ParseUint: parsing ${JSON.stringify(argv.timeout)}: invalid syntax`);
    if (Number(argv.timeout) > 0) config.timeout = Number(argv.timeout);
  }
  if (argv['oom-score-adj'] !== undefined) {
    const v = argv['oom-score-adj'];
    if (!/^[-+]?\d+$/.test(v)) throw new UsageError(`invalid argument ${JSON.stringify(v)} for "--oom-score-adj" flag: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
    if (Number(v) < -1000 || Number(v) > 1000) throw new UsageError(`oom_score_adj must be between -1000 and 1000: ${v}`);
    config.oomScoreAdj = Number(v);
  }
  if (argv.pidfile !== undefined) config.pidFile = path.resolve(argv.pidfile);
  if (argv['conmon-pidfile'] !== undefined) config.conmonPidFile = path.resolve(argv['conmon-pidfile']);
  if (argv.cgroups !== undefined) {
    const { parseCgroupsMode } = await import('../../runtime/create-flags/resource-flags.js');
    config.cgroupsMode = parseCgroupsMode(argv.cgroups);
  }
  if (argv['cgroup-parent'] !== undefined) {
    throw new TscRunError(`--cgroup-parent ${argv['cgroup-parent']}: tsc-run places containers in no cgroup of its own on this host (no cgroup v2 subtree delegated to this user); run the container without it`);
  }
  await planProcessFlags(argv, config, net.network);
  if (argv['init-path'] !== undefined) config.initPath = planInitPath(argv);
  const rootfs = argv.rootfs ? planRootfs(String(argv.image), argv) : undefined;
  // --systemd (podman's default true): the mode itself is decided by createContainer from the command.
  const { parseSystemdFlag } = await import('../../runtime/create-flags/systemd-mode.js');
  const systemd = parseSystemdFlag(argv.systemd ?? 'true');
  if (systemd === 'always' && argv.init) throw new TscRunError('cannot use container-init binary with systemd=always');
  // --image-volume, defaulting to containers.conf [engine] image_volume_mode (podman's default "bind").
  const imageVolume = argv['image-volume'] ?? (containersTable().imageVolumeMode || undefined);
  if (imageVolume !== undefined) {
    if (!['bind', 'tmpfs', 'ignore'].includes(imageVolume)) {
      throw new UsageError(`invalid image volume mode ${JSON.stringify(imageVolume)} required value: bind, tmpfs, ignore`);
    }
    config.imageVolumeMode = imageVolume;
  }
  if (argv['seccomp-policy'] !== undefined) {
    if (argv['seccomp-policy'] !== 'default' && argv['seccomp-policy'] !== 'image') {
      throw new UsageError(`invalid seccomp policy ${JSON.stringify(argv['seccomp-policy'])}: valid policies are ["default" "image"]`);
    }
    config.seccompPolicy = argv['seccomp-policy'];
  }
  if (argv.sdnotify !== undefined) {
    if (!['container', 'conmon', 'ignore'].includes(argv.sdnotify)) {
      throw new UsageError(`invalid config provided: invalid argument: invalid sdnotify value ${JSON.stringify(argv.sdnotify)}: must be container, conmon or ignore`);
    }
    // Without NOTIFY_SOCKET (no systemd unit started us) every mode has nothing to do, as in podman.
    if (argv.sdnotify === 'conmon' && process.env.NOTIFY_SOCKET) {
      throw new TscRunError('--sdnotify=conmon: tsc-run does not send readiness for the container itself; use --sdnotify=container (the container notifies) or ignore');
    }
    config.sdNotify = argv.sdnotify;
  }
  if (argv.chrootdirs?.length) {
    for (const d of argv.chrootdirs.map(String)) if (!d.startsWith('/')) throw new UsageError(`chroot directory ${JSON.stringify(d)} must be an absolute path`);
    config.chrootDirs = argv.chrootdirs.map(String);
  }
  const resources = await planResources(argv);
  if (resources) config.resources = resources;
  const groupAdd = (argv['group-add'] ?? []).map(String);
  if (groupAdd.includes('keep-groups') && groupAdd.length > 1) {
    throw new UsageError("the '--group-add keep-groups' option is not allowed with any other --group-add options");
  }
  if (groupAdd.length) config.groupAdd = groupAdd;
  let zoneFile: string | undefined;
  if (argv.tz !== undefined && argv.tz !== '') {
    const { resolveZoneFile } = await import('../../runtime/create-flags/etc-files.js');
    zoneFile = await resolveZoneFile(argv.tz);
    config.timezone = argv.tz;
  }
  if (argv.requires?.length) {
    const { ContainerStore } = await import('../../storage/containers.js');
    const store = new ContainerStore(roots.dataRoot);
    config.requires = [];
    for (const r of argv.requires.flatMap((v) => String(v).split(','))) {
      const dep = await store.lookup(r).catch((err: Error) => {
        throw new TscRunError(`${JSON.stringify(r)} is not a valid container, cannot be used as a dependency: ${err.message}`);
      });
      config.requires.push(dep.id);
    }
  }

  let user = argv.user;
  const usernsJoin = argv.userns !== undefined && /^(container|ns):/.test(argv.userns);
  const ownMaps = argv.userns !== undefined && !usernsJoin ? '--userns' : argv.uidmap?.length ? '--uidmap' : argv.gidmap?.length ? '--gidmap' : argv.subuidname !== undefined ? '--subuidname' : argv.subgidname !== undefined ? '--subgidname' : undefined;
  const joins = await planJoins(argv, roots, net, ownMaps, ownShmSize, pod?.pod.id);
  if (joins) {
    config.namespaces = { ...config.namespaces, ...joins.namespaces };
    if (joins.requires.length) config.requires = [...new Set([...(config.requires ?? []), ...joins.requires])];
  }
  // --network container:X depends on X as the other namespace joins do: rm X is refused while this exists.
  if (net.sharedWith) config.requires = [...new Set([...(config.requires ?? []), net.sharedWith.id])];
  // Sharing a container's network or other namespaces means living in its user namespace: its maps are ours.
  const shared = net.sharedWith?.config ?? joins?.usernsDonor?.config;
  const userns = shared ? shared.userns : usernsJoin ? undefined : argv.userns;
  if ((argv.subuidname !== undefined || argv.subgidname !== undefined) && argv.userns !== undefined) {
    throw new UsageError('--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive');
  }
  const subMaps = await subIdMaps(argv);
  const uidmap = shared ? (shared.uidmap ?? []) : [...(argv.uidmap ?? []).map(String), ...subMaps.uid];
  const gidmap = shared ? (shared.gidmap ?? []) : [...(argv.gidmap ?? []).map(String), ...subMaps.gid];
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
    // keep-id's user comes with the flag, not with a namespace joined from a keep-id container (podman's WithUserNSFrom).
    if (!joins?.usernsDonor || net.sharedWith) user ??= plan.defaultUser;
  }

  let cidfile: string | undefined;
  if (argv.cidfile !== undefined) {
    cidfile = path.resolve(argv.cidfile);
    if (await fs.stat(cidfile).then(() => true, () => false)) {
      throw new TscRunError(`container id file exists. Ensure another container is not using it or delete ${cidfile}`);
    }
  }

  const fromVolumes = argv['volumes-from']?.length ? await volumesFrom(roots, argv['volumes-from'].map(String)) : [];
  const ownVolumes = [...fromVolumes, ...(argv.volume ?? []).map(String)];
  // A pod's -v reach each member, unless its own mount takes that destination (src/pod/pod-resources.ts).
  const podVolumes = pod?.volumes.length ? (await import('../../pod/pod-resources.js')).memberPodVolumes(pod.volumes, ownVolumes) : [];
  const userVolumes = [...podVolumes, ...ownVolumes];
  const mounts = { volume: userVolumes.length ? userVolumes : undefined, mount: argv.mount?.map(String), tmpfs: argv.tmpfs?.map(String) };
  if (argv.secret?.length) {
    // A secret is a read-only bind of its stored file (src/secret/): its bytes never enter the container's config.
    const { secretBinds } = await import('../../secret/secret-binds.js');
    mounts.volume = [...(mounts.volume ?? []), ...(await secretBinds(roots.dataRoot, argv.secret.map(String)))];
  }
  if (mounts.volume || mounts.mount || mounts.tmpfs) {
    // The flags' syntax now; host paths and volumes when the container is created.
    const { parseMountFlags } = await import('../../volume/mount-spec.js');
    parseMountFlags(mounts);
  }

  const env = [...(await readEnvFiles((argv['env-file'] ?? []).map(String))), ...(argv.env ?? []).map(String)];
  const { resolveContainerStorage } = await import('../../runtime/container/container-rootfs.js');
  let storage = await resolveContainerStorage({ roots, flagDriver: argv['storage-driver'], storageOpts: argv['storage-opt'] });
  // keep-id rootless: fuse-overlayfs serves the layers id-mapped, so the image's root-owned files stay
  // 0:0 inside (podman's behaviour); native overlay cannot remap them (see docs/runtime.md).
  if (userns === 'keep-id' && !rootfs && storage.driver === 'overlay' && storage.mountProgram === undefined && process.getuid!() !== 0) {
    const { findExecutable } = await import('../../host/executables.js');
    const fuse = findExecutable('fuse-overlayfs');
    if (fuse) storage = { ...storage, mountProgram: fuse };
  }

  // Made local (pulled by the policy) before anything is replaced or created.
  if (rootfs?.overlay && storage.driver === 'vfs') {
    throw new TscRunError(`--rootfs ${rootfs.path}:O needs overlay storage (native overlay or fuse-overlayfs), and this store uses vfs; run it without :O (writes then go to the directory)`);
  }
  const { image, record: imageRecord } = rootfs ? { image: '', record: undefined } : await ensureCreateImage(argv, String(argv.image), roots.dataRoot);
  if (!rootfs) (await import('./auto-update-policy.js')).checkAutoUpdateImage(config.labels, String(argv.image));

  if (argv.replace && argv.name !== undefined) await replaceNamed(roots, argv.name);
  void opts;

  return {
    roots,
    storage,
    image,
    imageRecord,
    rootfs,
    name: argv.name,
    noHealthcheck: argv.healthcheck === false || argv['no-healthcheck'] === true,
    ...(argv['health-cmd'] === undefined && argv['health-on-failure'] !== undefined ? { healthOnFailure: argv['health-on-failure'] as 'none' | 'kill' | 'restart' | 'stop' } : {}),
    flags: {
      command: [...(argv.command ?? []), ...(argv['--'] ?? [])].map(String),
      entrypoint: argv.entrypoint,
      env,
      workdir: argv.workdir,
      user,
    },
    hostname: pod?.hostname ?? joins?.hostname ?? argv.hostname,
    pod: pod?.pod.id,
    network: net.network,
    networkOptions: net.networkOptions,
    ports: net.ports,
    publishAll: net.publishAll,
    autoRemove: argv.rm === true,
    envFlags: {
      merge: argv['env-merge']?.map(String),
      unset: argv.unsetenv?.map(String),
      unsetAll: argv['unsetenv-all'] === true,
      envHost: argv['env-host'] === true,
      httpProxy: argv['http-proxy'] !== false,
    },
    groupAdd: groupAdd.filter((g) => g !== 'keep-groups'),
    passwd: await planPasswd(argv, userns === 'keep-id' || userns?.startsWith('keep-id:') === true),
    zoneFile,
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
    noHosts: noHostsOf(argv),
    mounts,
    config: net.networks ? { ...config, networks: net.networks } : config,
    systemd,
    cidfile,
  };
}

async function joinPod(argv: CreateArgs, roots: Roots): Promise<import('../../pod/pod-join.js').PodJoin> {
  const { podForCreate } = await import('../../pod/pod-join.js');
  const { removePod } = await import('../../pod/pod-lifecycle.js');
  const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
  const { warn } = await import('../warn.js');
  const treeOps = helperTreeOps();
  return podForCreate(
    {
      pod: argv.pod,
      podIdFile: argv['pod-id-file'],
      publish: (argv.publish ?? []).map(String),
      network: Array.isArray(argv.network) ? argv.network[0] : argv.network,
      hostname: argv.hostname,
      own: {
        device: argv.device?.map(String),
        securityOpt: argv['security-opt']?.map(String),
        shmSize: argv['shm-size'],
        pid: argv.pid,
        uts: argv.uts,
        ipc: argv.ipc,
        cgroupns: argv.cgroupns,
      },
    },
    {
      roots,
      warn,
      rmtree: (...p) => treeOps.rmtree(...p),
      removeExisting: (p) => removePod({ roots, treeOps, warn }, p, { force: true }),
      // new:NAME with containers.conf's infra_image: that image's infra, as pod create's.
      resolveInfraImage: (await import('./pod.js')).infraImageResolver(roots, treeOps),
    },
  );
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
    throw new TscRunError(`opening cidfile: ${errorText(err)}`, undefined, { cause: err });
  }
}
