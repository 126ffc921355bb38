// --ulimit, --sysctl, --shm-size, --personality, --device: podman 4.3's
// parsing and messages (pure apart from the device lookups the caller
// passes), and the helper options they become at each start.

import { TscRunError, UsageError } from '../../errors.js';
import { ramInBytes } from './resource-flags.js';

const ULIMITS = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack', 'as'];

/** --ulimit NAME=SOFT[:HARD] (go-units ParseUlimit): `NAME=SOFT:HARD` normalised; `host` = ours as they are (nothing to set). */
export function parseUlimits(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v === 'host') continue;
    const fail = (why: string) => new UsageError(`ulimit option ${JSON.stringify(v)} requires name=SOFT:HARD, failed to be parsed: ${why}`);
    const eq = v.indexOf('=');
    if (eq < 0) throw fail(`invalid ulimit argument: ${v}`);
    const name = v.slice(0, eq);
    if (!ULIMITS.includes(name)) throw fail(`invalid ulimit type: ${name}`);
    const [soft = '', hard = soft, ...rest] = v.slice(eq + 1).split(':');
    const num = /^-?\d+$/;
    if (rest.length || !num.test(soft) || !num.test(hard)) throw fail(`too many limit value arguments - ${v.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
    if (Number(soft) > Number(hard) && Number(hard) !== -1) throw fail(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
    out.push(`${name}=${soft}:${hard}`);
  }
  return out;
}

const SYSCTLS = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced'];

/** --sysctl KEY=VALUE: the namespaced ones podman allows (net.* only with a network namespace of its own). */
export function parseSysctls(values: readonly string[], ctx: { ownNetns: boolean; ownIpc: boolean; ownUts: boolean }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const parts = v.split('=');
    if (parts.length < 2) throw new UsageError(`${v} is invalid, sysctl values must be in the form of KEY=VALUE`);
    const [key = '', value = ''] = parts;
    if (`${key.trim()}=${value.trim()}` !== v) throw new UsageError(`'${v}' is invalid, extra spaces found`);
    if (!SYSCTLS.includes(key) && !key.startsWith('net.') && !key.startsWith('fs.mqueue.')) throw new UsageError(`sysctl '${key}' is not allowed`);
    if (key.startsWith('net.') && !ctx.ownNetns) throw new UsageError(`sysctl ${v} can't be set since Network Namespace set to host: invalid argument`);
    if ((key.startsWith('kernel.') || key.startsWith('fs.mqueue.')) && !ctx.ownIpc) throw new UsageError(`sysctl ${v} can't be set since IPC Namespace set to host: invalid argument`);
    out[key] = value;
  }
  return out;
}

/** --shm-size in bytes (podman's message for a bad one). */
export function parseShmSize(value: string): number {
  const n = ramInBytes(value);
  if (n === undefined) throw new UsageError(`unable to translate --shm-size: invalid size: '${value}'`);
  return n;
}

/** --personality: the execution domains podman (crun) knows. */
export function personalityNumber(value: string): number {
  if (value === 'LINUX') return 0x0000;
  if (value === 'LINUX32') return 0x0008;
  throw new UsageError(`unknown persona specified ${JSON.stringify(value)}`);
}

export interface DeviceMapping {
  host: string;
  container: string;
}

/** --device HOST[:CONTAINER[:PERMS]]; a directory means every device under it. podman's stat error for a missing one. */
export function parseDevices(values: readonly string[], fsinfo: { kind: (p: string) => 'device' | 'dir' | 'other' | 'missing'; list: (dir: string) => string[] }): DeviceMapping[] {
  const out: DeviceMapping[] = [];
  for (const v of values) {
    const [host = '', second, third, ...rest] = v.split(':');
    let container = host;
    if (rest.length) throw new UsageError(`invalid device specification: ${v}`);
    if (second !== undefined) {
      if (second.startsWith('/')) container = second;
      else if (third !== undefined || !/^[rwm]+$/.test(second)) throw new UsageError(`invalid device mode: ${second}`);
    }
    if (third !== undefined && !/^[rwm]+$/.test(third)) throw new UsageError(`invalid device mode: ${third}`);
    if (!host.startsWith('/')) throw new UsageError(`${host} is not an absolute path`);
    const kind = fsinfo.kind(host);
    if (kind === 'missing') throw new TscRunError(`stat ${host}: no such file or directory`);
    if (kind === 'dir') {
      for (const d of fsinfo.list(host)) out.push({ host: d, container: `${container}${d.slice(host.length)}` });
    } else if (kind === 'device') out.push({ host, container });
    else throw new TscRunError(`${host} is not a valid device`);
  }
  return out;
}
