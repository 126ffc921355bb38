// Starting and poking the DNS responder (the helper's `dns-serve`,
// helpers/src/dns.c). Called under the netns lock by a start or a connect
// once the container's allocation is written: the records file is written
// (dns-records.ts), the responder of this holder is told to re-read it
// (SIGHUP), or started inside the rootless netns (`nsenter ...
// tsc-run-helper dns-serve`), and we wait until it listens on every gateway
// asked for, so the container's first query finds it.
// <runroot>/networks/dns.json names it (and the holder it serves: one of a
// dead holder is replaced).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Roots } from '../../config/paths.js';
import { TscRunError } from '../../errors.js';
import { helperPath } from '../../host/helper/helper-path.js';
import { readJson, writeJsonAtomic } from '../../storage/json-store.js';
import { bootId, isAlive, processStartTime, type ProcStamp } from '../../storage/proc-stamp.js';
import { parseIp } from '../config/ip-net.js';
import { readAllocations } from '../bridge/bridge-attach.js';
import { containerPidFile, netnsPaths, nsenterArgs, program } from '../bridge/rootless-netns.js';
import { dnsRecordsFile, writeDnsRecords } from './dns-records.js';

export interface DnsState extends ProcStamp {
  holder: { pid: number; startTime: number };
}

export function dnsStateFile(runRoot: string): string {
  return path.join(netnsPaths(runRoot).dir, 'dns.json');
}

function dnsLogFile(runRoot: string): string {
  return path.join(netnsPaths(runRoot).dir, 'dns.log');
}

/** `10.89.0.1` → `0100590A:0035` as /proc/net/udp prints a socket bound to port 53 (host byte order words). */
export function procNetAddress(ip: string, port: number): string | undefined {
  const p = parseIp(ip);
  if (!p) return undefined;
  const len = p.v6 ? 16 : 4;
  const bytes: number[] = [];
  let v = p.value;
  for (let i = 0; i < len; i++) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  let hex = '';
  for (let w = 0; w < len; w += 4) {
    for (let i = 3; i >= 0; i--) hex += bytes[w + i]!.toString(16).padStart(2, '0');
  }
  return `${hex.toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The local addresses of UDP sockets in the namespace of `pid`. */
function udpListeners(pid: number): Set<string> {
  const out = new Set<string>();
  for (const f of ['udp', 'udp6']) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${f}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local) out.add(local);
    }
  }
  return out;
}

async function liveResponder(runRoot: string): Promise<DnsState | undefined> {
  const st = await readJson<DnsState | undefined>(dnsStateFile(runRoot), { missing: undefined }).catch(() => undefined);
  return st && isAlive(st) ? st : undefined;
}

function lastLogLine(runRoot: string): string {
  try {
    return fs.readFileSync(dnsLogFile(runRoot), 'utf8').trim().split('\n').pop() ?? '';
  } catch {
    return '';
  }
}

function startResponder(roots: Roots, holder: ProcStamp): number {
  const log = fs.openSync(dnsLogFile(roots.runRoot), 'a', 0o600);
  try {
    const args = [...nsenterArgs(holder.pid), '--', helperPath(), 'dns-serve', '--records', dnsRecordsFile(roots.runRoot), '--holder', `${holder.pid}:${holder.startTime}`, '--pids', path.dirname(containerPidFile(roots.runRoot, 'x'))];
    const child = spawn(program('nsenter', 'util-linux'), args, { detached: true, stdio: ['ignore', 'ignore', log] });
    child.on('error', () => {});
    child.unref();
    if (!child.pid) throw new TscRunError('the DNS responder did not start: nsenter could not be run');
    return child.pid;
  } finally {
    fs.closeSync(log);
  }
}

/**
 * Under the netns lock: the responder of this holder runs and listens on
 * `gateways` (port 53). Nothing to do without gateways.
 */
export async function ensureDnsResponder(roots: Roots, holder: ProcStamp, gateways: readonly string[]): Promise<void> {
  await writeDnsRecords(roots, await readAllocations(roots.runRoot));
  if (!gateways.length) return;
  let st = await liveResponder(roots.runRoot);
  if (st && (st.holder.pid !== holder.pid || st.holder.startTime !== holder.startTime)) {
    // It serves a namespace that is gone (its holder was killed): it leaves by itself, we do not wait.
    try {
      process.kill(st.pid, 'SIGTERM');
    } catch {
      // gone
    }
    st = undefined;
  }
  let spawned = false;
  const spawnNew = async (): Promise<DnsState> => {
    spawned = true;
    const pid = startResponder(roots, holder);
    const startTime = processStartTime(pid);
    if (startTime === undefined) throw new TscRunError(`the DNS responder exited at once: ${lastLogLine(roots.runRoot) || 'no reason given'}`);
    const fresh: DnsState = { pid, startTime, bootId: bootId(), holder: { pid: holder.pid, startTime: holder.startTime } };
    await writeJsonAtomic(dnsStateFile(roots.runRoot), fresh, { durable: false });
    return fresh;
  };
  if (st) process.kill(st.pid, 'SIGHUP');
  else st = await spawnNew();
  const wanted = gateways.map((g) => procNetAddress(g, 53)).filter((x): x is string => x !== undefined);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const have = udpListeners(holder.pid);
    if (wanted.every((w) => have.has(w))) return;
    if (!isAlive(st)) {
      // One we only poked may have been on its way out (or killed): start ours.
      if (spawned) throw new TscRunError(`the DNS responder exited: ${lastLogLine(roots.runRoot) || 'no reason given'}`);
      st = await spawnNew();
    }
    if (Date.now() > deadline) throw new TscRunError(`the DNS responder does not listen on ${gateways.join(', ')} port 53: ${lastLogLine(roots.runRoot) || 'no reason given'}`);
    await sleep(20);
  }
}

/** A container left a network (disconnect): the records are written again and the responder re-reads them at once. */
export async function pokeDnsResponder(roots: Roots): Promise<void> {
  await writeDnsRecords(roots, await readAllocations(roots.runRoot));
  const st = await liveResponder(roots.runRoot);
  if (!st) return;
  try {
    process.kill(st.pid, 'SIGHUP');
  } catch {
    // gone
  }
}
