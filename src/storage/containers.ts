// containers/<id>/container.json: a container's config and state, plus its
// overlay upper/ and work/ dirs. Created under the containers lock (names
// are unique across containers), changed by read-modify-write under the
// container's own lock, removed through the helper (upper/ holds files
// owned by sub-ids).

import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { NoSuchObjectError, TscRunError } from '../errors.js';
import { randomBytesSync } from '../host/random-bytes.js';
import { errnoCode, fsyncDir, isTempFileName, writeTempBeside } from './atomic-file.js';
import { ContainerIndex, type ContainerSummary } from './container-index.js';

export type { ContainerSummary } from './container-index.js';
import { jsonText, parseJsonText, readJson, updateJson } from './json-store.js';
import { withLock } from './lock.js';
import type { ProcStamp } from './proc-stamp.js';
import type { ContainerMount } from './volume-types.js';

/** `removing`: an rm has begun (a killed rm leaves it; the next rm finishes it). `paused`: running, every process stopped (pause).
 * `stopping`: never stored; views show a running container so while a live `stop` waits (runtime/container/stopping-mark.ts). */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'exited' | 'removing' | 'stopping';

export interface ContainerState {
  status: ContainerStatus;
  /** The helper process watching the container (pid + start time, against pid reuse). */
  monitor?: ProcStamp;
  /** The container's process on the host and its start time (/proc/<pid>/stat field 22). */
  pid?: number;
  pidStartTime?: number;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** Times the monitor restarted the container under its restart policy. */
  restartCount?: number;
  /** Why the state is what it is when the engine had to guess (e.g. the monitor died). */
  error?: string;
  /** The healthcheck's results since this start (src/health/). */
  health?: ContainerHealthState;
}

/** --health-* (src/health/health-config.ts): durations in nanoseconds, as podman's inspect. */
export interface ContainerHealthConfig {
  test: string[];
  interval: number;
  timeout: number;
  startPeriod: number;
  retries: number;
  onFailure: 'none' | 'kill' | 'restart' | 'stop';
}

/** podman's State.Health. */
export interface ContainerHealthState {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

/** podman's HostConfig.RestartPolicy. */
export interface RestartPolicy {
  name: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  /** on-failure only; 0 = no limit. */
  maxRetries: number;
}

export type LogDriver = 'k8s-file' | 'json-file' | 'none';

/** A published port (-p), podman's types.PortMapping: `range` ports from hostPort/containerPort up. */
export interface PortMapping {
  hostIP?: string;
  hostPort: number;
  containerPort: number;
  /** tcp (default), udp, sctp. */
  protocol?: string;
  range?: number;
}

/** One attachment to a named network: podman's PerNetworkOptions. */
export interface NetworkAttachment {
  /** eth0, eth1, ... inside the container. */
  interfaceName: string;
  aliases?: string[];
  /** --ip/--ip6 or `:ip=`; otherwise the address is allocated at each start. */
  staticIps?: string[];
  staticMac?: string;
}

export interface ContainerConfig {
  /** The container's full command line (entrypoint + cmd). */
  command: string[];
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
  /** false: `--workdir` named it, and it must exist in the container (podman's 126); absent:
   * created at start when missing (the image's WORKDIR, compose's working_dir, older records). */
  createWorkingDir?: false;
  /** --hostuser named no host account: every start fails with this (podman looks it up at start). */
  passwdError?: string;
  /** As given (`1000:1000`, `nobody`); `uid`/`gid` are what it resolved to. */
  user: string;
  uid: number;
  gid: number;
  hostname: string;
  /** create --init-ctr: a pod init container, run to completion at each pod start (`always`) or at the first, then removed (`once`). */
  initContainerType?: 'always' | 'once';
  /** host, none, pasta, slirp4netns, bridge, or `container:<full id>` (src/network/network-mode.ts). */
  network: string;
  /** bridge: the named networks it is attached to (docs/networking.md). */
  networks?: Record<string, NetworkAttachment>;
  /** The options after `pasta:` / `slirp4netns:`. */
  networkOptions?: string[];
  /** -P: the image's exposed ports are among `ports`. */
  publishAll?: boolean;
  // Set by create/run since the monitor exists; absent in older records (= false/defaults).
  tty?: boolean;
  /** -i: stdin kept open for attach. */
  stdin?: boolean;
  /** podman's spec (`ctrl-p,ctrl-q`), "" = none. */
  detachKeys?: string;
  logDriver?: LogDriver;
  /** ctr.log (absent for --log-driver none). */
  logPath?: string;
  /** --log-opt max-size in bytes; 0 = unlimited. */
  logMaxSize?: number;
  restartPolicy?: RestartPolicy;
  healthcheck?: ContainerHealthConfig;
  /** Signal number (podman 4 stores a number). */
  stopSignal?: number;
  /** Seconds to wait after stopSignal before SIGKILL. */
  stopTimeout?: number;
  labels?: Record<string, string>;
  /** --init: the helper as PID 1, reaping and forwarding signals. */
  init?: boolean;
  /** Systemd mode (--systemd, decided at create: src/runtime/create-flags/systemd-mode.ts). */
  systemd?: boolean;
  /** --init-path: with init, this host binary (bound at /run/podman-init) is PID 1 instead of the helper. */
  initPath?: string;
  readOnly?: boolean;
  readOnlyTmpfs?: boolean;
  /** --add-host `name:ip` entries and --dns servers, for /etc/hosts and /etc/resolv.conf. */
  addHosts?: string[];
  dns?: string[];
  /** --dns-search, --dns-option, --no-hosts (container-files.ts). */
  dnsSearch?: string[];
  dnsOptions?: string[];
  noHosts?: boolean;
  /** --userns (`keep-id`, ...) and --uidmap/--gidmap as given. */
  userns?: string;
  uidmap?: string[];
  gidmap?: string[];
  /** -p and -P: published ports, host ports resolved at create (src/network/port-mappings.ts). */
  ports?: PortMapping[];
  /** --memory (bytes), --cpus, --pids-limit. */
  resources?: { memory?: number; cpus?: number; pidsLimit?: number };
  /** -v, --mount, --tmpfs and the image's VOLUMEs, planned at create (src/volume/). */
  mounts?: ContainerMount[];
  // run/create flags handled in src/runtime/create-flags/ (docs/run-flags.md).
  /** --annotation KEY=VALUE. */
  annotations?: Record<string, string>;
  /** --expose: `PORT[/PROTO]` each, with the image's EXPOSE for -P. */
  expose?: string[];
  /** --tz: `local` or an IANA zone; /etc/localtime is bound from userdata/. */
  timezone?: string;
  /** --timeout seconds: the monitor kills the container after them. */
  timeout?: number;
  /** --umask (octal string). */
  umask?: string;
  /** --group-add as given; their gids are in the security plan. */
  groupAdd?: string[];
  /** --pidfile, --conmon-pidfile: written at every start. */
  pidFile?: string;
  conmonPidFile?: string;
  /** --requires: ids of containers started before this one. */
  requires?: string[];
  /** Files generated at create in userdata/ and bound over the image's (passwd, group, localtime). */
  etcFiles?: string[];
  /** --ulimit `NAME=SOFT[:HARD]` each. */
  ulimits?: string[];
  /** --domainname (docker's; podman 4.3 lacks it): the UTS namespace's domain name. */
  domainname?: string;
  /** --sysctl KEY=VALUE. */
  sysctls?: Record<string, string>;
  /** --personality LINUX|LINUX32 as given. */
  personality?: string;
  /** --shm-size in bytes. */
  shmSize?: number;
  /** --device: host device nodes bound at these paths (a directory expanded at create). */
  devices?: Array<{ host: string; container: string }>;
  /** --pid, --ipc, --uts, --cgroupns: `host`, `private` (ipc: `shareable`), `container:<id>`, `ns:<path>` (absent: private; cgroupns host); `user`: --userns `container:<id>`/`ns:<path>` (src/runtime/container/namespace-joins.ts). */
  namespaces?: { pid?: string; ipc?: string; uts?: string; cgroupns?: string; user?: string };
  /** --oom-score-adj. */
  oomScoreAdj?: number;
  /** --cgroups (enabled, disabled, no-conmon). */
  cgroupsMode?: string;
  /** The run/create command line that made it (podman's CreateCommand; generate systemd --new). */
  createCommand?: string[];
  /** create -a: the streams `start --attach` carries (stdin needs -i as well); absent = all. */
  attach?: Array<'stdin' | 'stdout' | 'stderr'>;
  /** --sdnotify (container, conmon, ignore). */
  sdNotify?: string;
  /** --chrootdirs. */
  chrootDirs?: string[];
  /** --seccomp-policy (default, image). */
  seccompPolicy?: string;
  /** --subuidname/--subgidname as given (the maps they produced are uidmap/gidmap). */
  subUidName?: string;
  subGidName?: string;
  /** --image-volume (bind, tmpfs, ignore). */
  imageVolumeMode?: string;
  /** --rootfs: the directory (and :O) the container runs from instead of an image. */
  rootfs?: string;
  rootfsOverlay?: boolean;
  /** A pod's infra: no image and no command, the helper itself holds the namespaces (`run --pause`). */
  pause?: boolean;
  /** kube play --service-container: a pause container that runs as long as the pods naming it (src/pod/pod-service.ts). */
  isService?: boolean;
  /** With `network: container:<id>` (a pod member): more of that container's namespaces joined (ipc, uts, pid). */
  netJoin?: string[];
}

export interface ContainerRecord {
  id: string;
  /** Podman gives a container exactly one name. */
  name: string;
  /** Image id and the name the user asked for. */
  image: string;
  imageName: string;
  /** The image's layers (chain ids), bottom first. */
  layers: string[];
  created: string;
  autoRemove: boolean;
  config: ContainerConfig;
  state: ContainerState;
  /** Chosen at create and kept for life; absent in older records (= native overlay). */
  storage?: ContainerStorage;
  /** The pod it belongs to (src/pod/), full id. */
  pod?: string;
}

/** How a container's root filesystem is made (podman's GraphDriver). */
export interface ContainerStorage {
  driver: 'overlay' | 'vfs';
  /** overlay served by this FUSE program (fuse-overlayfs) instead of the kernel. */
  mountProgram?: string;
}

function validate(v: unknown): ContainerRecord {
  const r = v as Partial<ContainerRecord> | null;
  if (!r || typeof r.id !== 'string' || typeof r.name !== 'string' || !r.config || !r.state || !Array.isArray(r.layers)) {
    throw new Error('malformed container record');
  }
  return r as ContainerRecord;
}

export function newContainerId(): string {
  // Not node:crypto or Web Crypto: either costs `run` ~6 ms of CPU to load (host/random-bytes.ts).
  return randomBytesSync(32).toString('hex');
}

/** Podman's wording when a name or id matches no container. */
export class NoSuchContainerError extends NoSuchObjectError {
  constructor(readonly nameOrId: string) {
    super('container', nameOrId);
    this.message = `no container with name or ID ${JSON.stringify(nameOrId)} found: no such container`;
  }
}

/** Podman's message when rename's new name is taken. */
export class ContainerRenameClashError extends TscRunError {
  constructor(name: string, id: string) {
    super(`renaming container ${id}: name ${name} already in use, cannot rename container ${id}: container already exists`);
  }
}

/** Podman's message when a name is taken. */
export class ContainerNameInUseError extends TscRunError {
  constructor(name: string, id: string) {
    super(
      `creating container storage: the container name ${JSON.stringify(name)} is already in use by ${id}. ` +
        'You have to remove that container to be able to reuse that name: that name is already in use',
    );
  }
}

export class ContainerStore {
  readonly dir: string;
  private readonly locks: string;
  /** What ps reads instead of every record (container-index.ts); every change of a record is told to it. */
  private readonly index: ContainerIndex;

  constructor(dataRoot: string) {
    this.dir = path.join(dataRoot, 'containers');
    this.locks = path.join(dataRoot, 'locks');
    this.index = new ContainerIndex(dataRoot);
  }

  containerDir(id: string): string {
    return path.join(this.dir, id);
  }

  private file(id: string): string {
    return path.join(this.containerDir(id), 'container.json');
  }

  private lockOf(id: string): string {
    return path.join(this.locks, `container-${id}.lock`);
  }

  upperDir(id: string): string {
    return path.join(this.containerDir(id), 'upper');
  }

  workDir(id: string): string {
    return path.join(this.containerDir(id), 'work');
  }

  /** vfs: the container's own full copy of its image. */
  rootfsDir(id: string): string {
    return path.join(this.containerDir(id), 'rootfs');
  }

  async get(id: string): Promise<ContainerRecord | undefined> {
    return readJson<ContainerRecord | undefined>(this.file(id), { missing: undefined, validate });
  }

  /**
   * Every container with a complete record (half-created ones are left to
   * `system check`). No lock: records are replaced atomically. Synchronous
   * reads on purpose: for `ps` over 500 small files they take ~5 ms where
   * 500 concurrent fs.promises reads take ~70 ms.
   */
  async list(): Promise<ContainerRecord[]> {
    return Promise.resolve().then(() => this.listSync());
  }

  /** list(), for a critical section that must not yield. */
  listSync(): ContainerRecord[] {
    const out: ContainerRecord[] = [];
    for (const id of this.ids()) {
      const r = this.readSync(id);
      if (r) out.push(r);
    }
    return out;
  }

  /**
   * What ps shows of every container listSync lists, from the summary index
   * (one snapshot and a short journal instead of every record). For readers
   * only: not under a container's lock.
   */
  async listSummaries(): Promise<ContainerSummary[]> {
    return this.index.list(this.indexSource());
  }

  private indexSource() {
    return { ids: () => this.ids(), read: (id: string) => this.readSync(id), lockOf: (id: string) => this.lockOf(id) };
  }

  private ids(): string[] {
    let names: string[];
    try {
      names = fsSync.readdirSync(this.dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    return names.filter((n) => !isTempFileName(n) && /^[0-9a-f]{64}$/.test(n));
  }

  private readSync(id: string): ContainerRecord | undefined {
    // this.dir is absolute and normalised: concatenation is enough (path.join per record shows in ps).
    const file = `${this.dir}/${id}/container.json`;
    let text: string;
    try {
      text = fsSync.readFileSync(file, 'utf8');
    } catch (err) {
      // Removed since readdir, or a directory an interrupted create/rm left without its record.
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw err;
    }
    return parseJsonText(file, text, validate);
  }

  /** Find by full id, exact name, or unique id prefix. */
  async lookup(nameOrId: string): Promise<ContainerRecord> {
    const all = await this.list();
    const hit =
      all.find((c) => c.id === nameOrId) ??
      all.find((c) => c.name === nameOrId) ??
      (() => {
        if (!/^[0-9a-f]+$/.test(nameOrId)) return undefined;
        const m = all.filter((c) => c.id.startsWith(nameOrId));
        if (m.length > 1) throw new TscRunError(`more than one result for container ${JSON.stringify(nameOrId)}`);
        return m[0];
      })();
    if (!hit) throw new NoSuchContainerError(nameOrId);
    return hit;
  }

  /**
   * Store a new container: its directory with empty upper/ and work/, and
   * container.json written last (a directory without it is a leftover).
   */
  async create(record: ContainerRecord): Promise<ContainerRecord> {
    // Every create, rm and rename takes the containers lock, and 50 `run -d`
    // at once queue on it: only the name check and the commit (the rename of
    // the record, already written and fsynced under a temp name in the
    // container's own new directory) happen under it, synchronously.
    const dir = this.containerDir(record.id);
    const file = this.file(record.id);
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Not recursive: an existing directory is not ours to remove on failure.
    await fs.mkdir(dir, { mode: 0o700 });
    let committed = false;
    try {
      await fs.mkdir(this.upperDir(record.id), { mode: 0o755 });
      await fs.mkdir(this.workDir(record.id), { mode: 0o700 });
      const tmp = await writeTempBeside(file, jsonText(record));
      try {
        // The new id's own lock too: the summary index settles an id only under its lock.
        await withLock(this.lockOf(record.id), () =>
          withLock(path.join(this.locks, 'containers.lock'), () => {
            const clash = this.listSync().find((c) => c.name === record.name);
            if (clash) throw new ContainerNameInUseError(record.name, clash.id);
            this.index.willChange(record.id);
            fsSync.renameSync(tmp, file);
            committed = true;
            this.told(() => this.index.written(record));
          }),
        );
      } finally {
        if (!committed) fsSync.rmSync(tmp, { force: true });
      }
    } catch (err) {
      // Nothing of it was ever listed: the directory goes with the failure.
      if (!committed) await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    // Durable before we return (the commit point for a power loss).
    await fsyncDir(dir);
    await this.index.foldIfLarge(this.indexSource());
    return record;
  }

  /** Run fn under this container's lock; update() inside it re-enters the lock. */
  async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return withLock(this.lockOf(id), fn);
  }

  /**
   * Read-modify-write of one container's record under its lock. durable:
   * false skips the fsyncs (still atomic) for state a power loss voids anyway.
   */
  async update(id: string, mutate: (r: ContainerRecord) => void, options: { durable?: boolean } = {}): Promise<ContainerRecord> {
    const r = await updateJson<ContainerRecord>(
      this.file(id),
      this.lockOf(id),
      () => {
        throw new NoSuchContainerError(id);
      },
      mutate,
      {
        validate,
        ...(options.durable === false ? { durable: false } : {}),
        beforeWrite: () => this.index.willChange(id),
        afterWrite: (r) => this.told(() => this.index.written(r)),
      },
    );
    await this.index.foldIfLarge(this.indexSource());
    return r;
  }

  /**
   * The index after a commit: a failure leaves the id marked as changing,
   * so it is read from its record (the commit stands).
   */
  private told(fn: () => void): void {
    try {
      fn();
    } catch {
      /* see above */
    }
  }

  /** Give a container a new name, unique among containers (under the containers lock, as create). */
  async rename(id: string, name: string): Promise<ContainerRecord> {
    return withLock(path.join(this.locks, 'containers.lock'), async () => {
      const clash = (await this.list()).find((c) => c.name === name && c.id !== id);
      if (clash) throw new ContainerRenameClashError(name, id);
      return this.update(id, (r) => {
        r.name = name;
      });
    });
  }

  /**
   * Remove a container: its record first (so it stops being listed), then
   * its directory through `rmtree` (sub-id-owned files in upper/).
   */
  async remove(id: string, rmtree: (...paths: string[]) => Promise<void>): Promise<void> {
    await withLock(path.join(this.locks, 'containers.lock'), async () => {
      await withLock(this.lockOf(id), async () => {
        this.index.willChange(id);
        await fs.rm(this.file(id), { force: true });
        this.told(() => this.index.removed(id));
      });
      await rmtree(this.containerDir(id));
    });
    await this.index.foldIfLarge(this.indexSource());
  }
}
