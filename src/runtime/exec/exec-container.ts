// `exec`: run a command in a running container, as podman exec does. The
// helper's `exec` mode joins the container's namespaces and applies the
// container's own security (its stored capability sets, adjusted for the
// exec user as podman does: exec-caps.ts; its no_new_privs and seccomp
// rules); the environment is the container's plus -e/--env-file, the user
// is resolved against the container's current /etc/passwd and /etc/group.
//
//   const r = await execInContainer({ roots, nameOrId, command, flags })
//   // { code } (foreground), { sessionId } (-d), { detached } (detach keys)

import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, type Roots } from '../../config/paths.js';
import { TscRunError, UsageError, errnoText } from '../../errors.js';
import { emitContainer } from '../../events/emit.js';
import { ContainerStore, newContainerId, type ContainerRecord } from '../../storage/containers.js';
import { bootId, processStartTime } from '../../storage/proc-stamp.js';
import { capabilitySets } from '../security/capabilities.js';
import { shownRecord } from '../container/stopping-mark.js';
import { readContainerFile } from '../container/etc-files.js';
import { seaRuntime } from '../../host/helper/embedded-helper.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys, parseEnvFile } from '../container/run-options.js';
import { buildEnv } from '../container/run-spec.js';
import type { ContainerSecurity } from '../security/security-args.js';
import { needsGroupFile, parseGroupMembers, resolveUserIds, type UserIds } from '../userns/user-resolve.js';
import { parsePasswd } from '../container/run-spec.js';
import { execHelperArgs } from './exec-args.js';
import { execCapabilities } from './exec-caps.js';
import { runExecHelper } from './exec-helper.js';
import { execExitFile, removeExecSession, writeExecSession } from './exec-sessions.js';
import { refuseRuntimeFlagsAtExec } from '../container/runtime-flags.js';
import { ociInvokeError } from '../container/oci-invoke-error.js';

export interface ExecFlags {
  detach: boolean;
  interactive: boolean;
  tty: boolean;
  /** -e, in order. */
  env: readonly string[];
  envFiles: readonly string[];
  user?: string | undefined;
  workdir?: string | undefined;
  privileged: boolean;
  detachKeys?: string | undefined;
  /** --preserve-fds N: our fds 3..3+N-1 become the command's. */
  preserveFds?: number | undefined;
  /** Collect the command's stdout and stderr (top's ps fallback) rather than print them. */
  capture?: { stdout: Buffer[]; stderr: Buffer[] } | undefined;
}

export interface ExecInput {
  roots: Roots;
  container: ContainerRecord;
  command: readonly string[];
  flags: ExecFlags;
}

export type ExecResult = { code: number } | { sessionId: string } | { detached: true };

/** podman's refusal for anything but a running container, with its exec's generic exit code 255. */
export class ExecNotRunningError extends TscRunError {
  constructor() {
    super('can only create exec sessions on running containers: container state improper', 255);
  }
}

/** userdata/security.json (security-args.ts) read here: exec is a latency path and needs none of the seccomp machinery. */
function readSecurity(containerDir: string): ContainerSecurity | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(containerDir, 'userdata', 'security.json'), 'utf8')) as ContainerSecurity;
    return v && typeof v === 'object' && v.capabilities ? v : undefined;
  } catch {
    return undefined;
  }
}

function kernelLastCap(): number {
  try {
    const n = Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
    return Number.isInteger(n) && n >= 0 ? n : 40;
  } catch {
    return 40;
  }
}

/** No -u: the container's own user; else resolved against the container's /etc files as they are now. */
async function execUser(dataRoot: string, c: ContainerRecord, spec: string | undefined, sec: ContainerSecurity | undefined): Promise<UserIds> {
  // podman 4.3's exec: its process takes the container's static spec, not the groups resolved
  // at start: no supplementary groups unless --group-add gave some; with -u, only the groups
  // that list the user's name (not its primary group, nor a GROUP given after the colon).
  if (spec === undefined || spec === '') {
    return { uid: c.config.uid, gid: c.config.gid, home: '', additionalGids: c.config.groupAdd?.length ? (sec?.additionalGids ?? []) : [] };
  }
  const passwd = await readContainerFile(dataRoot, c, 'etc/passwd');
  const group = await readContainerFile(dataRoot, c, 'etc/group');
  const ids = resolveUserIds(spec, passwd, needsGroupFile(spec) ? group : undefined);
  const [userPart = '', groupPart = ''] = spec.split(':', 2);
  if (groupPart !== '') return { ...ids, additionalGids: [] };
  const entry = parsePasswd(passwd ?? '').find((e) => (/^\d+$/.test(userPart) ? e.uid === ids.uid : e.name === userPart));
  const member = entry ? parseGroupMembers(group ?? '').filter((g) => g.members.includes(entry.name)).map((g) => g.gid) : [];
  return { ...ids, additionalGids: [...new Set(member)].sort((a, b) => a - b) };
}

function selfCommand(): string[] {
  return seaRuntime() ? [process.execPath] : [process.execPath, process.argv[1]!];
}

function terminalSize(): { rows: number; cols: number } | undefined {
  const t = process.stdout.isTTY ? process.stdout : process.stderr.isTTY ? process.stderr : undefined;
  return t && t.rows && t.columns ? { rows: t.rows, cols: t.columns } : undefined;
}

export async function execInContainer(i: ExecInput): Promise<ExecResult> {
  const { roots, flags } = i;
  if (i.command.length === 0) throw new UsageError('must provide a non-empty command to start an exec session: invalid argument');
  const detachKeys = parseDetachKeys(flags.detachKeys ?? DEFAULT_DETACH_KEYS);
  const fileEnv = flags.envFiles.flatMap((f) => {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (err) {
      throw new TscRunError(`open ${f}: ${errnoText(err)}`);
    }
    return parseEnvFile(text, f);
  });

  const store = new ContainerStore(roots.dataRoot);
  // podman refuses a container that a stop is stopping too.
  const c = shownRecord(roots.runRoot, i.container);
  const s = c.state;
  if (s.status !== 'running' || s.pid === undefined || s.pidStartTime === undefined) throw new ExecNotRunningError();
  refuseRuntimeFlagsAtExec();

  const sec = readSecurity(store.containerDir(c.id));
  const user = await execUser(roots.dataRoot, c, flags.user, sec);
  const lastCap = kernelLastCap();
  const caps = execCapabilities({
    container: sec?.capabilities ?? capabilitySets({ uid: c.config.uid, lastCap }),
    uid: user.uid,
    sameUser: flags.user === undefined || flags.user === '' || flags.user === c.config.user,
    privileged: flags.privileged,
    lastCap,
  });
  const env = buildEnv(c.config.env, [...fileEnv, ...flags.env], { hostEnv: process.env, hostname: c.config.hostname, home: user.home || '/' }, { httpProxy: false });
  const base = c.config.workingDir || '/';
  const cwd = flags.workdir ? path.posix.resolve(base, flags.workdir) : base;

  const sessionId = newContainerId();
  const seccompCache = path.join(cacheDir(), 'seccomp');
  const args = execHelperArgs({
    pid: s.pid,
    pidStartTime: s.pidStartTime,
    cwd,
    uid: user.uid,
    gid: user.gid,
    groups: user.additionalGids,
    env,
    tty: flags.tty,
    stdin: flags.interactive,
    detach: flags.detach,
    ttySize: flags.tty && !flags.detach ? terminalSize() : undefined,
    detachKeys,
    caps,
    noNewPrivs: sec?.noNewPrivileges === true,
    seccompRules: sec?.seccompRules,
    seccompCache: fs.existsSync(seccompCache) ? seccompCache : undefined,
    exitFile: execExitFile(roots.runRoot, c.id, sessionId),
    exitCommand: [...selfCommand(), '--root', roots.dataRoot, '--runroot', roots.runRoot, 'container', 'cleanup', '--exec', sessionId, c.id],
    command: i.command,
  });

  const session = {
    id: sessionId,
    command: [...i.command],
    tty: flags.tty,
    interactive: flags.interactive,
    detached: flags.detach,
    startedAt: new Date().toISOString(),
  };
  writeExecSession(roots.runRoot, c.id, session);
  const attributes = { execID: sessionId };
  let end;
  try {
    end = await runExecHelper({
      args,
      preserveFds: flags.preserveFds,
      capture: flags.capture,
      detach: flags.detach,
      stdin: flags.interactive,
      onStarted: (helperPid) => {
        // The helper outlives a killed CLI and removes the record at the end; if it is killed too, readers drop the record.
        const startTime = processStartTime(helperPid);
        if (startTime !== undefined) writeExecSession(roots.runRoot, c.id, { ...session, owner: { pid: helperPid, startTime, bootId: bootId() } });
        emitContainer(roots.dataRoot, c, 'exec', { attributes });
      },
    });
  } catch (err) {
    removeExecSession(roots.runRoot, c.id, sessionId);
    throw ociInvokeError(err);
  }
  if (flags.detach) return { sessionId };
  // After the detach keys the session goes on; its exit command tells of its end.
  if ('detached' in end) return { detached: true };
  removeExecSession(roots.runRoot, c.id, sessionId);
  emitContainer(roots.dataRoot, c, 'exec_died', { exitCode: end.exit, attributes });
  return { code: end.exit };
}

/**
 * `container cleanup --exec SESSION ID`: the exit command of a detached
 * session. Tells of its exit and forgets it.
 */
export async function cleanupExecSession(roots: Roots, c: ContainerRecord, sessionId: string): Promise<void> {
  const { readExecExit } = await import('./exec-sessions.js');
  const code = readExecExit(roots.runRoot, c.id, sessionId);
  removeExecSession(roots.runRoot, c.id, sessionId);
  if (code !== undefined) emitContainer(roots.dataRoot, c, 'exec_died', { exitCode: code, attributes: { execID: sessionId } });
}
