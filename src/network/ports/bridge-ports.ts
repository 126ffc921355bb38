// Published ports of a container on bridge networks, at its start: the
// helper's port-bind binds the host sockets (a port in use fails the start
// with rootlessport's message and 126), then execs nsenter into the rootless
// netns and the helper's port-forward (helpers/src/portfwd.c, splice(2)),
// which inherits them. We wait for its `ready` line. <runroot>/networks/ports/<id>.json names the
// forwarder; one left from an earlier start of the container is killed
// first, so its ports are free again.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Roots } from '../../config/paths.js';
import { TscRunError } from '../../errors.js';
import { helperPath } from '../../host/helper/helper-path.js';
import type { PortMapping } from '../../storage/containers.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import { readJson, writeJsonAtomic } from '../../storage/json-store.js';
import { bootId, isAlive, processStartTime, type ProcStamp } from '../../storage/proc-stamp.js';
import { containerPidFile, netnsPaths, nsenterArgs, program } from '../bridge/rootless-netns.js';

export interface ForwardSpec {
  proto: 'tcp' | 'udp';
  /** The inherited socket (3, 4, ...). */
  fd: number;
  /** Whether the host socket is bound on an IPv6 address. */
  v6: boolean;
  target: string;
  port: number;
}

/** `tcp:3:4:10.89.0.2:80` / `udp:4:6:fd00::2:53` (proto, fd, family of the host socket, target, port): port-forward's argument. */
export function formatForwardSpec(s: ForwardSpec): string {
  return `${s.proto}:${s.fd}:${s.v6 ? 6 : 4}:${s.target}:${s.port}`;
}

function portsDir(runRoot: string): string {
  return path.join(netnsPaths(runRoot).dir, 'ports');
}

export function forwarderStateFile(runRoot: string, id: string): string {
  return path.join(portsDir(runRoot), `${id}.json`);
}


/** The helper's socket options and the forwarder's specs: one socket per host port of each range. */
export function forwardPlan(ports: readonly PortMapping[], target: string): { bindArgs: string[]; specs: ForwardSpec[] } {
  const bindArgs: string[] = [];
  const specs: ForwardSpec[] = [];
  for (const p of ports) {
    const protocol = p.protocol ?? 'tcp';
    // sctp: refused at create for bridge networks (planNetwork); nothing else reaches here.
    if (protocol !== 'tcp' && protocol !== 'udp') continue;
    const host = p.hostIP || '0.0.0.0';
    for (let i = 0; i < (p.range ?? 1); i++) {
      bindArgs.push(`--${protocol}`, host, String(p.hostPort + i));
      specs.push({ proto: protocol, fd: 3 + specs.length, v6: isIP(host) === 6, target, port: p.containerPort + i });
    }
  }
  return { bindArgs, specs };
}

/** Whether the container's forwarder runs. */
export async function forwarderAlive(runRoot: string, id: string): Promise<boolean> {
  const st = await readJson<ProcStamp | undefined>(forwarderStateFile(runRoot, id), { missing: undefined }).catch(() => undefined);
  return st !== undefined && isAlive(st);
}

/** Kill the forwarder an earlier start of this container left (its sockets hold the ports). */
export async function stopForwarder(runRoot: string, id: string): Promise<void> {
  const file = forwarderStateFile(runRoot, id);
  const st = await readJson<ProcStamp | undefined>(file, { missing: undefined }).catch(() => undefined);
  if (st && isAlive(st)) {
    try {
      process.kill(st.pid, 'SIGKILL');
    } catch {
      // gone
    }
    const end = Date.now() + 5000;
    while (isAlive(st) && Date.now() < end) await sleep(10);
  }
  fs.rmSync(file, { force: true });
  fs.rmSync(containerPidFile(runRoot, id), { force: true });
  fs.rmSync(`${containerPidFile(runRoot, id)}.monitor`, { force: true });
}

/**
 * Start the forwarder of a container whose first attachment is `veth` with
 * address `target`; `running`: its process, when it runs already (reload).
 */
export async function startForwarder(
  roots: Roots,
  holder: ProcStamp,
  id: string,
  veth: string,
  target: string,
  ports: readonly PortMapping[],
  running?: { pid: number; startTime: number },
): Promise<void> {
  await stopForwarder(roots.runRoot, id);
  const { bindArgs, specs } = forwardPlan(ports, target);
  if (!specs.length) return;
  fs.mkdirSync(portsDir(roots.runRoot), { recursive: true, mode: 0o700 });
  const watch = containerPidFile(roots.runRoot, id);
  if (running) {
    fs.mkdirSync(path.dirname(watch), { recursive: true, mode: 0o700 });
    await writeFileAtomic(watch, `${running.pid} ${running.startTime}\n`, { durable: false, mode: 0o600 });
  }
  const logFile = path.join(portsDir(roots.runRoot), `${id}.log`);
  const log = fs.openSync(logFile, 'w', 0o600);
  const helper = helperPath();
  const forwarder = [helper, 'port-forward', '--veth', veth, '--watch', watch, ...specs.map(formatForwardSpec)];
  const args = ['port-bind', ...bindArgs, '--', program('nsenter', 'util-linux'), ...nsenterArgs(holder.pid), '--', ...forwarder];
  let pid: number;
  try {
    const child = spawn(helper, args, { detached: true, stdio: ['ignore', 'pipe', log] });
    pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      const fail = () => {
        const why = fs.readFileSync(logFile, 'utf8').trim().split('\n').pop()?.replace(/^tsc-run-helper: /, '') ?? '';
        reject(new TscRunError(why || 'the port forwarder exited before it was ready', /address already in use/.test(why) ? 126 : undefined));
      };
      child.on('error', reject);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('ready\n')) resolve(child.pid!);
      });
      child.on('exit', fail);
    });
    child.removeAllListeners('exit');
    child.stdout!.destroy();
    child.unref();
  } finally {
    fs.closeSync(log);
  }
  const startTime = processStartTime(pid);
  if (startTime !== undefined) await writeJsonAtomic(forwarderStateFile(roots.runRoot, id), { pid, startTime, bootId: bootId() }, { durable: false });
}
