// Start a container under its monitor (the helper's `run` mode with monitor
// options, docs/helper-protocol.md "The monitor"), in the foreground (our
// stdio is the container's, we wait for its exit and fold it into the
// record ourselves) or detached (the monitor outlives us; its exit command,
// `container cleanup`, folds the exit). The start is recorded under the
// container's lock before the monitor is told `ok`, so a cleanup racing a
// quick exit always finds the running state first, and a CLI killed before
// recording leaves no container running behind the store's back.

import { activationFds, listenEnvArgs } from './socket-activation.js';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Socket } from 'node:net';
import { cacheDir } from '../../config/paths.js';
import { emitContainer } from '../../events/emit.js';
import { TscRunError } from '../../errors.js';
import type { Roots } from '../../config/paths.js';
import { ContainerStore, type ContainerRecord, type ContainerState } from '../../storage/containers.js';
import type { TreeOps } from '../../storage/layers/layer-store.js';
import { LayerStore } from '../../storage/layers/layer-store.js';
import { ensureShortLink, shortLinkPath } from '../../storage/layers/short-links.js';
import { bootId } from '../../storage/proc-stamp.js';
import { rootfsRunSpec } from './container-rootfs.js';
import { reconcile } from './container-state.js';
import { seaRuntime } from '../../host/helper/embedded-helper.js';
import { securityAndFilesArgs } from './container-start-args.js';
import { runModeArgs, type RunSpec } from '../../host/helper/helper.js';
import { exitCommand, monitorArgs, withMonitorArgs } from '../monitor/monitor-args.js';
import { PRESERVE_FDS_BASE, startMonitor, type Handshake, type MonitorEnd, type MonitorSession } from '../monitor/monitor-session.js';
import { hostUserNamespace } from '../../host/preflight.js';
import { containerLogPath, containerRuntimePaths, defaultConmonPidFile } from '../monitor/runtime-dir.js';
import { prepareContainerCgroup } from './container-cgroup.js';
import { containerUserNamespace, nestedUserNamespace } from '../userns/container-userns.js';
import { keepIdFuseMapping } from '../userns/userns-options.js';
import { prepareContainerNetwork, type ContainerNetwork } from '../../network/container-network.js';
import { volumeHelperArgs } from '../../volume/container-volumes.js';
import { generatedFileArgs, monitorFlagArgs, processArgs } from '../create-flags/start-args.js';
import { startRequired, writePidFiles } from '../create-flags/start-hooks.js';
import { userdataDir } from './container-files.js';
import { loadContainerSecurity } from '../security/security-args.js';
import { nowRfc3339Nano } from '../../format/go-time.js';
import { joinsNamespaces, joinsUts, namespaceJoinArgs } from './namespace-joins.js';
import { escapeField } from '../../volume/helper-args.js';
import { mountsWithSystemd, systemdStartArgs } from '../create-flags/systemd-start.js';
import { containerHookArgs } from '../hooks/container-hooks.js';
import { runPoststopHooks } from '../hooks/poststop.js';
import { refuseRuntimeFlagsAtStart } from './runtime-flags.js';
import { ociInvokeError } from './oci-invoke-error.js';

function envRecord(env: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** keep-id served by fuse-overlayfs: the image's files keep the owners they show by default (root's 0:0, as podman). */
function keepIdStorageArgs(c: ContainerRecord, storage: ContainerRecord['storage']): string[] {
  if (c.config.userns !== 'keep-id' || storage?.mountProgram === undefined) return [];
  const host = hostUserNamespace();
  if (host.kind !== 'rootless' || process.getuid!() === 0) return [];
  return ['--mount-program-idmap', keepIdFuseMapping({ uid: process.getuid!(), gid: process.getgid!() }, host.maps)];
}

/** The helper's `run` spec for a container (its rootfs as its storage says: container-rootfs.ts). */
export async function containerRunSpec(dataRoot: string, c: ContainerRecord, treeOps: TreeOps, net: ContainerNetwork): Promise<RunSpec> {
  const store = new ContainerStore(dataRoot);
  const lower = async (): Promise<string[]> => {
    const layers = await new LayerStore(dataRoot, treeOps).stack(c.layers);
    const out: string[] = [];
    for (const l of [...layers].reverse()) {
      await ensureShortLink(dataRoot, l.id);
      out.push(shortLinkPath(dataRoot, l.id));
    }
    return out;
  };
  // --rootfs: the directory itself, or (:O) the lower layer under the container's upper dir.
  const dirs = c.config.rootfs
    ? { lower: () => Promise.resolve([c.config.rootfs!]), upper: store.upperDir(c.id), work: store.workDir(c.id), rootfs: c.config.rootfs }
    : { lower, upper: store.upperDir(c.id), work: store.workDir(c.id), rootfs: store.rootfsDir(c.id) };
  const storage = c.config.rootfs ? (c.config.rootfsOverlay ? c.storage : { driver: 'vfs' as const }) : c.storage;
  return {
    ...(await rootfsRunSpec(storage, dirs)),
    // A pod member in the infra's uts namespace has the pod's hostname already.
    ...(c.config.netJoin?.includes('uts') || joinsUts(c) ? {} : { hostname: c.config.hostname, ...(c.config.domainname ? { domainname: c.config.domainname } : {}) }),
    cwd: c.config.workingDir,
    user: { uid: c.config.uid, gid: c.config.gid },
    env: envRecord(c.config.env),
    // Security (stored at create), the generated /etc files (container-start-args.ts), the network (--net ...).
    extra: [...(await securityAndFilesArgs(store.containerDir(c.id), c, net.files)), ...net.helperArgs, ...(c.config.createWorkingDir === false ? ['--cwd-must-exist'] : []), ...keepIdStorageArgs(c, storage)],
    // --init-path: podman's catatonit way, the binary bound at /run/podman-init runs `-- CMD`.
    command: c.config.init && c.config.initPath ? ['/run/podman-init', '--', ...c.config.command] : c.config.command,
    // A pod's infra: the helper's pause, unless it was made from an image (--infra-image) and runs its command.
    ...(c.config.pause && c.config.command.length === 0 ? { pause: true } : {}),
  };
}

/** How this very program is run again (the exit command): the single executable, or node + script. */
export function selfCommand(): string[] {
  return seaRuntime() ? [process.execPath] : [process.execPath, process.argv[1]!];
}

export interface StartInput {
  roots: Roots;
  container: ContainerRecord;
  treeOps: TreeOps;
  detach: boolean;
  /** Foreground: feed our stdin to the container (it must have been created with -i). */
  attachStdin: boolean;
  sigProxy: boolean;
  /** Foreground: which output streams reach our stdout/stderr (run -a); absent = both. */
  streams?: { stdout: boolean; stderr: boolean } | undefined;
  /** Foreground: the helper's stdout and stderr go to this one socket instead of ours (a build step shown in the terminal view). */
  output?: Socket | undefined;
  /** run --preserve-fds N: our fds 3..3+N-1 become the container's. */
  preserveFds?: number | undefined;
}

/** The container is already running (start on a running container is not an error for podman). */
export class AlreadyRunning {
  constructor(readonly record: ContainerRecord) {}
}

function runningState(h: Handshake, startedAt: string): ContainerState {
  return {
    status: 'running',
    startedAt,
    pid: h.pid,
    pidStartTime: h.pidStartTime,
    monitor: { pid: h.monitorPid, startTime: h.monitorStartTime, bootId: bootId() },
    restartCount: 0,
  };
}

function ttySize(): { rows: number; cols: number } | undefined {
  const t = process.stdout.isTTY ? process.stdout : process.stderr.isTTY ? process.stderr : undefined;
  return t && t.rows && t.columns ? { rows: t.rows, cols: t.columns } : undefined;
}

async function helperArgs(i: StartInput, net: ContainerNetwork, joinArgs: readonly string[]): Promise<string[]> {
  const c = i.container;
  const paths = containerRuntimePaths(i.roots.runRoot, c.id);
  const run = runModeArgs(await containerRunSpec(i.roots.dataRoot, c, i.treeOps, net));
  const monitor = monitorArgs({
    container: c,
    runtimeDir: paths.dir,
    logPath: c.config.logPath ?? containerLogPath(i.roots.dataRoot, c.id),
    detach: i.detach,
    attachStdin: i.attachStdin,
    sigProxy: i.sigProxy,
    exitCommand: exitCommand(selfCommand(), i.roots, c.id),
    ttySize: c.config.tty ? ttySize() : undefined,
    cgroup: c.config.resources ? await prepareContainerCgroup(c.id, c.config.resources) : undefined,
  });
  if (!i.detach && i.streams?.stdout === false) monitor.push('--no-stdout');
  if (!i.detach && i.streams?.stderr === false) monitor.push('--no-stderr');
  if (i.preserveFds) monitor.push('--preserve-fds', `${PRESERVE_FDS_BASE}:${i.preserveFds}`);
  // Volumes, binds and tmpfs mounts (src/volume/): run options like the rest, placed before `--` with the monitor's.
  // A volume's first copy-up only from a directory with entries (podman): asked of the root only then.
  const rootHasEntries = async (dest: string) => (await import('../../container-fs/copy-up-source.js')).rootDirHasEntries(i.roots, c, dest);
  const volumes = await volumeHelperArgs(i.roots.dataRoot, c.config.systemd ? { config: { ...c.config, mounts: mountsWithSystemd(c) }, state: c.state } : c, rootHasEntries);
  const userdata = userdataDir(new ContainerStore(i.roots.dataRoot).containerDir(c.id));
  const privileged = (await loadContainerSecurity(userdata))?.privileged === true;
  const generated = await generatedFileArgs(userdata, c, privileged);
  if (c.config.init && c.config.initPath) generated.push('--bind', `${escapeField(c.config.initPath)}:/run/podman-init:ro`);
  generated.push(...systemdStartArgs(c), ...listenEnvArgs(process.env));
  generated.push(...(await containerHookArgs(c, { userdata, runtimeDir: paths.dir, privileged })));
  return withMonitorArgs(run, [...monitor, ...monitorFlagArgs(c), ...processArgs(c), ...joinArgs, ...(await seccompCacheArgs(run)), ...volumes, ...generated]);
}

/** A container whose namespaces another joins: its live process (pid, start time) if it runs. */
async function liveDonor(roots: Roots, id: string): Promise<{ record: ContainerRecord; pid?: number; startTime?: number } | undefined> {
  const rec = await new ContainerStore(roots.dataRoot).get(id);
  if (!rec) return undefined;
  const { liveRecord } = await import('./container-observe.js');
  const s = liveRecord(roots.runRoot, rec).state;
  const up = (s.status === 'running' || s.status === 'paused') && s.pid && s.pidStartTime;
  return up ? { record: rec, pid: s.pid, startTime: s.pidStartTime } : { record: rec };
}

/** With a seccomp filter: where the helper keeps compiled filters (saves ~20 ms of CPU per start). */
async function seccompCacheArgs(run: readonly string[]): Promise<string[]> {
  if (!run.includes('--seccomp')) return [];
  const dir = path.join(cacheDir(), 'seccomp');
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch {
    return []; // no cache then: the filter is compiled each time
  }
  return ['--seccomp-cache', dir];
}

/**
 * Start the container and record it running. Foreground: returns the
 * session, whose `end` the caller awaits (finishForeground). A failure to
 * start is recorded as an exit with the helper's code (125/126/127) and
 * rethrown for the CLI to report.
 */
export async function startContainer(i: StartInput, podLocked = false): Promise<MonitorSession | AlreadyRunning> {
  // A pod member: its infra runs first, under the pod's start lock (src/pod/pod-member.ts).
  if (i.container.pod && !i.container.config.pause && !podLocked) {
    const { withMemberStart } = await import('../../pod/pod-member.js');
    return withMemberStart(i.roots, i.container, i.treeOps, () => startContainer(i, true));
  }
  // Started by a systemd socket unit: the activated descriptors go in (socket-activation.ts).
  i = { ...i, preserveFds: activationFds(process.env, i.preserveFds) };
  const store = new ContainerStore(i.roots.dataRoot);
  const id = i.container.id;
  // podman's words; run exits 126 with them, start 125 (start.ts).
  if (i.container.config.passwdError) throw new TscRunError(`creating temporary passwd file for container ${id}: ${i.container.config.passwdError}`, 126);
  const paths = containerRuntimePaths(i.roots.runRoot, id);
  if (i.container.config.requires?.length) await startRequired(i.container.config.requires, (c) => startContainer({ ...i, container: c, detach: true, attachStdin: false }), i.roots);
  const mode = i.container.config.network;
  if (i.container.config.ports?.length && (mode === 'pasta' || mode === 'slirp4netns')) {
    const { checkPortsFree } = await import('../create-flags/port-probe.js');
    await checkPortsFree(i.container.config.ports);
  }
  const net = await prepareContainerNetwork(i.roots, i.container);
  // Sharing another container's network: the helper joins its user namespace.
  // --pid/--ipc/--uts/--cgroupns/--userns container:X|ns:PATH (namespace-joins.ts).
  const joins = joinsNamespaces(i.container) ? await namespaceJoinArgs(i.container, (id) => liveDonor(i.roots, id), process.getuid!() !== 0) : { args: [], joins: false };
  // Joining another container's network or namespaces: the helper joins its user namespace.
  // On a bridge with maps of its own: a namespace nested in the holder's (rootless), or, as
  // root, its own maps of host ids (the bridge is the host's: nothing to join).
  const bridge = net.joinsUserns && !joins.joins && i.container.config.network === 'bridge';
  const nested = bridge ? nestedUserNamespace(i.container, hostUserNamespace()) : undefined;
  const userns = nested ?? (bridge && process.getuid!() === 0 ? containerUserNamespace(i.container, hostUserNamespace()) : net.joinsUserns || joins.joins ? ({ kind: 'none' } as const) : containerUserNamespace(i.container, hostUserNamespace()));
  const args = await helperArgs(i, net, nested ? [...joins.args, '--userns-nested'] : joins.args);
  await fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
  return store.locked(id, async () => {
    const current = await store.get(id);
    if (!current) throw new TscRunError(`no container with name or ID ${JSON.stringify(id)} found: no such container`);
    if (current.state.status === 'running' || current.state.status === 'paused') {
      const { liveRecord } = await import('./container-observe.js');
      const live = liveRecord(i.roots.runRoot, current);
      if (live.state.status === 'running') return new AlreadyRunning(live);
      if (live.state.status === 'paused') {
        throw new TscRunError(`container ${id} must be in Created or Stopped state to be started: container state improper`);
      }
    }
    refuseRuntimeFlagsAtStart();
    const startedAt = nowRfc3339Nano();
    let session: MonitorSession;
    try {
      session = await startMonitor({ args, userns, detach: i.detach, stdin: i.attachStdin && i.container.config.stdin === true, preserveFds: i.preserveFds, output: i.output });
    } catch (err) {
      // As podman: a container whose command could not be started keeps its state (created
      // stays created, `wait` gives 0); only a record left `running` by a dead monitor is closed.
      if (current.state.status === 'running' || current.state.status === 'paused') {
        const exitCode = err instanceof TscRunError ? err.exitCode : 125;
        await store.update(id, (r) => {
          r.state = { status: 'exited', startedAt, finishedAt: nowRfc3339Nano(), exitCode };
        });
      }
      throw ociInvokeError(err);
    }
    // Not fsynced: after a power loss no container runs, and either record (created, or
    // running with a monitor of another boot) reads as not running.
    await store.update(
      id,
      (r) => {
        r.state = runningState(session.handshake, startedAt);
      },
      { durable: false },
    );
    session.ack();
    if (current.config.healthcheck) spawnHealthLoop(i.roots, id);
    await writePidFiles(current.config, session.handshake, defaultConmonPidFile(i.roots.runRoot, id));
    for (const ev of i.detach ? ['init', 'start'] : ['init', 'start', 'attach']) emitContainer(i.roots.dataRoot, current, ev);
    return session;
  });
}

/** The healthcheck's timer: a detached `tsc-run healthcheck loop ID` of ours (src/health/health-loop.ts), no systemd. */
function spawnHealthLoop(roots: Roots, id: string): void {
  const self = seaRuntime() ? [process.execPath] : [process.execPath, process.argv[1]!];
  const child = spawn(self[0]!, [...self.slice(1), '--root', roots.dataRoot, '--runroot', roots.runRoot, 'healthcheck', 'loop', id], { detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
}

/**
 * Foreground: wait for the monitor's end and fold it into the record. The
 * caller then removes an --rm container and calls session.done(). Returns
 * the exit code for the CLI (undefined after a detach).
 */
export async function finishForeground(roots: Roots, id: string, end: MonitorEnd): Promise<number | undefined> {
  if ('detached' in end) return undefined;
  const store = new ContainerStore(roots.dataRoot);
  const exit = 'exit' in end ? end.exit : undefined;
  let died = false;
  const rec = await store
    .update(id, (r) => {
      died = r.state.status !== 'exited';
      r.state = reconcile(r.state, { exit, monitorAlive: false }, new Date());
    })
    .catch(() => undefined); // removed meanwhile (rm -f from elsewhere)
  if (rec && died) emitContainer(roots.dataRoot, rec, 'died', { exitCode: rec.state.exitCode });
  if (rec) emitContainer(roots.dataRoot, rec, 'cleanup');
  if (rec) await runPoststopHooks(containerRuntimePaths(roots.runRoot, id).dir);
  if (rec?.pod && !rec.config.pause) await (await import('../../pod/pod-member.js')).releasePodHosts(roots, rec);
  if (rec?.config.network.startsWith('container:')) await (await import('../../network/shared-etc-files.js')).releaseJoinerHosts(roots, rec);
  if (rec?.pod && !rec.config.pause) await (await import('../../pod/pod-lifecycle.js')).applyExitPolicy(roots, rec.pod, () => undefined);
  return exit ? exit.exitCode : 'lost' in end ? end.lost : 125;
}
