// The rootless network namespace: one per user (per run root), held by the
// helper's `netns-hold` process, connected to the outside by pasta, with
// one Linux bridge per network in use. Made on demand under the netns lock
// (<runroot>/networks/netns.lock); the holder exits by itself once no
// container is attached and nobody touched <runroot>/networks/netns.busy
// for IDLE_SECONDS (pasta exits with its namespace). See docs/networking.md.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Roots } from '../../config/paths.js';
import { TscRunError } from '../../errors.js';
import { findExecutable } from '../../host/executables.js';
import { namespaceArgs } from '../../host/helper/helper.js';
import { helperPath } from '../../host/helper/helper-path.js';
import { hostUserNamespace } from '../../host/preflight.js';
import { writeJsonAtomic, readJson } from '../../storage/json-store.js';
import { withLock } from '../../storage/lock.js';
import { bootId, isAlive, processStartTime, type ProcStamp } from '../../storage/proc-stamp.js';
import { networkNameservers, PASTA_DNS_FORWARD } from '../../runtime/container/container-files.js';

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export const IDLE_SECONDS = 10;

export interface NetnsPaths {
  dir: string;
  lock: string;
  state: string;
  busy: string;
  log: string;
  pastaPid: string;
}

export function netnsPaths(runRoot: string): NetnsPaths {
  const dir = path.join(runRoot, 'networks');
  return {
    dir,
    lock: path.join(dir, 'netns.lock'),
    state: path.join(dir, 'netns.json'),
    busy: path.join(dir, 'netns.busy'),
    log: path.join(dir, 'netns.log'),
    pastaPid: path.join(dir, 'pasta.pid'),
  };
}

export function program(name: string, pkg: string): string {
  const p = findExecutable(name);
  if (!p) throw new TscRunError(`${name} is not installed (sudo apt-get install ${pkg}): bridge networks need it`);
  return p;
}

const rootless = (): boolean => process.getuid!() !== 0;

/**
 * `PID START` of a bridge container's process (host pid, field 22 of its
 * stat), written by its network set-up at each start (a reload writes it
 * for the containers it rewires). The DNS responder and the port forwarder
 * take a container for dead once that process is gone, without waiting for
 * its veth, which lingers while the kernel tears its namespace down (tens
 * of seconds on a busy host).
 */
export function containerPidFile(runRoot: string, id: string): string {
  return path.join(netnsPaths(runRoot).dir, 'pids', id);
}

/** nsenter's options to act inside the holder's (or a container's) namespaces. */
export function nsenterArgs(pid: number): string[] {
  return rootless() ? ['-t', String(pid), '-U', '--preserve-credentials', '-n'] : ['-t', String(pid), '-n'];
}

/**
 * nsenter's options to act inside a bridge container's net namespace, as root of its user
 * namespace: the holder's own (then the user, as above), or one nested in it (--userns keep-id,
 * --uidmap: there the user is not root, and a process that is not root there loses its
 * capabilities when nsenter execs).
 */
export function containerNsenterArgs(pid: number): string[] {
  return rootless() ? ['-t', String(pid), '-U', '-n'] : ['-t', String(pid), '-n'];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runProgram(bin: string, args: readonly string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + (signal ? 9 : 0), stdout, stderr }));
    // A program that does not read its stdin (it failed first) must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Run a command inside the holder's namespaces; its failure becomes a one-line error. */
export async function inNetns(pid: number, argv: readonly string[], input?: string): Promise<string> {
  const r = await runProgram(program('nsenter', 'util-linux'), [...nsenterArgs(pid), '--', ...argv], input);
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`;
    throw new TscRunError(`rootless network namespace: ${argv[0]}: ${why}`);
  }
  return r.stdout;
}

function touch(file: string): void {
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    fs.writeFileSync(file, '', { mode: 0o600 });
  }
}

/**
 * Start the holder and read its child's pid (the process whose namespaces
 * are the rootless netns). `joinUserns`: a container of a holder that is
 * gone, still running: the new holder joins its user namespace (rootless),
 * so the containers can be wired into the new namespace (bridge-restore.ts).
 */
async function startHolder(p: NetnsPaths, joinUserns?: { pid: number; startTime: number }): Promise<number> {
  const log = fs.openSync(p.log, 'w', 0o600);
  try {
    // pasta for the outside: its tap0 gets the host's addresses and default route.
    // --dns-forward only when the host has nothing but loopback resolvers (as pasta mode does):
    // given otherwise, this pasta stops answering for the host's own resolvers.
    const forward = networkNameservers('pasta', readText('/etc/resolv.conf')).includes(PASTA_DNS_FORWARD) ? ['--dns-forward', PASTA_DNS_FORWARD] : [];
    const pastaArgs = ['--config-net', '-I', 'tap0', '-t', 'none', '-u', 'none', '-T', 'none', '-U', 'none', '--no-map-gw', ...forward, '-q'];
    const args = ['netns-hold', '--busy', p.busy, '--idle', String(IDLE_SECONDS), '--pasta', program('pasta', 'passt'), ...pastaArgs.flatMap((a) => ['--pasta-arg', a]), '--pasta-pid', p.pastaPid];
    const join = joinUserns && rootless() ? ['--userns-of', `${joinUserns.pid}:${joinUserns.startTime}`] : [];
    const nsArgs = join.length ? ['--error-fd', '3'] : namespaceArgs(hostUserNamespace());
    const child = spawn(helperPath(), [...nsArgs, ...args, ...join], {
      detached: true,
      stdio: ['ignore', 'pipe', log, log],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('error', reject);
      child.stdout!.on('end', () => {
        const n = Number(out.trim());
        if (Number.isInteger(n) && n > 0) resolve(n);
        else reject(new TscRunError(`the rootless network namespace did not start: ${fs.readFileSync(p.log, 'utf8').trim().split('\n').pop() ?? 'no reason given'}`));
      });
    });
    child.unref();
    return pid;
  } finally {
    fs.closeSync(log);
  }
}

/** Forwarding and the FORWARD policy (pasta runs already: the holder started it). */
async function configureHolder(pid: number): Promise<void> {
  const iptables = program('iptables', 'iptables');
  const ip6tables = program('ip6tables', 'iptables');
  // Bridged frames must not pass iptables (FORWARD drops between bridges only).
  const script = [
    'echo 1 > /proc/sys/net/ipv4/ip_forward',
    'echo 1 > /proc/sys/net/ipv6/conf/all/forwarding',
    '[ ! -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || echo 0 > /proc/sys/net/bridge/bridge-nf-call-iptables',
    '[ ! -e /proc/sys/net/bridge/bridge-nf-call-ip6tables ] || echo 0 > /proc/sys/net/bridge/bridge-nf-call-ip6tables',
    `${iptables} -P FORWARD DROP`,
    `${ip6tables} -P FORWARD DROP`,
  ].join(' && ');
  await inNetns(pid, ['/bin/sh', '-c', script]);
}

/**
 * The live holder's stamp, started (with pasta and its policy) if there is
 * none. The caller holds the netns lock; the busy file is touched first, so
 * an idle holder does not exit while we use it.
 */
async function ensureHolderLocked(p: NetnsPaths, findOrphan?: () => Promise<{ pid: number; startTime: number } | undefined>): Promise<{ stamp: ProcStamp; fresh: boolean }> {
  touch(p.busy);
  const known = await readJson<ProcStamp | undefined>(p.state, { missing: undefined });
  if (known && isAlive(known)) return { stamp: known, fresh: false };
  const pid = await startHolder(p, await findOrphan?.());
  const startTime = processStartTime(pid);
  if (startTime === undefined) throw new TscRunError(`the rootless network namespace holder (pid ${pid}) exited at once: see ${p.log}`);
  const stamp: ProcStamp = { pid, startTime, bootId: bootId() };
  try {
    await configureHolder(pid);
  } catch (err) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    throw err;
  }
  await writeJsonAtomic(p.state, stamp, { durable: false });
  return { stamp, fresh: true };
}

/**
 * Run fn with the live holder, under the netns lock. A holder made anew
 * while containers of a lost one still run (it was killed) first gets them
 * back: their namespaces are wired into the new one, their ports and DNS
 * served again (bridge-restore.ts), as `network reload` does.
 */
export async function withNetns<T>(roots: Roots, fn: (holder: ProcStamp) => Promise<T>): Promise<T> {
  const p = netnsPaths(roots.runRoot);
  fs.mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  return withLock(p.lock, async () => {
    const restore = await import('./bridge-restore.js');
    const { stamp, fresh } = await ensureHolderLocked(p, () => restore.orphanedContainer(roots));
    if (fresh) await restore.restoreRunning(roots, stamp);
    return fn(stamp);
  });
}

/** The live holder, if any (no lock, nothing started). */
export async function currentHolder(runRoot: string): Promise<ProcStamp | undefined> {
  const known = await readJson<ProcStamp | undefined>(netnsPaths(runRoot).state, { missing: undefined });
  return known && isAlive(known) ? known : undefined;
}
