// The `run`/`create` flags that configure the monitor and the container's
// life (restart policy, logs, stop signal, detach keys, env files, labels,
// resource limits), parsed with podman's rules and messages. Pure.

import { constants } from 'node:os';
import { UsageError } from '../../errors.js';
import type { LogDriver, RestartPolicy } from '../../storage/containers.js';

/** podman's default --detach-keys. */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';
export const DEFAULT_STOP_TIMEOUT = 10;

/** --restart: no, always, unless-stopped, on-failure[:N]. */
export function parseRestartPolicy(value: string | undefined): RestartPolicy {
  if (value === undefined || value === '' || value === 'no') return { name: 'no', maxRetries: 0 };
  const [name, count, ...rest] = value.split(':');
  if (rest.length === 0 && count === undefined && (name === 'always' || name === 'unless-stopped' || name === 'on-failure')) {
    return { name, maxRetries: 0 };
  }
  if (name === 'on-failure' && count !== undefined && rest.length === 0) {
    if (!/^\d+$/.test(count)) throw new UsageError(`maximum retry count must be an integer: invalid restart policy ${JSON.stringify(value)}`);
    return { name, maxRetries: Number(count) };
  }
  if (count !== undefined && (name === 'always' || name === 'unless-stopped' || name === 'no')) {
    throw new UsageError(`restart policy retries can only be specified with on-failure: invalid restart policy ${JSON.stringify(value)}`);
  }
  throw new UsageError(`running container create option: ${JSON.stringify(value)} is not a valid restart policy: invalid argument`);
}

/** The helper's --restart value (unless-stopped behaves as always while the monitor lives). */
export function restartArg(p: RestartPolicy): string {
  if (p.name === 'no') return 'no';
  if (p.name === 'on-failure') return p.maxRetries ? `on-failure:${p.maxRetries}` : 'on-failure';
  return 'always';
}

const DECIMAL_UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12 };
const BINARY_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

function sizeOf(value: string, units: Record<string, number>): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
  if (!m) return undefined;
  const unit = units[m[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.floor(Number(m[1]) * unit);
}

export interface LogOptions {
  driver: LogDriver;
  /** Bytes; 0 = unlimited. */
  maxSize: number;
  /** --log-opt path=...: another file for the log. */
  path?: string;
}

/** --log-driver and --log-opt (max-size=SIZE, path=FILE; podman's units: 10mb = 10·10⁶). */
export function parseLogOptions(driver: string | undefined, opts: readonly string[]): LogOptions {
  const d = driver ?? 'k8s-file';
  if (d !== 'k8s-file' && d !== 'json-file' && d !== 'none') {
    // journald exists in podman but needs the journal: ours keeps logs in files only.
    if (d === 'journald') throw new UsageError(`invalid log driver: ${d}: supported drivers are k8s-file, json-file and none`);
    throw new UsageError('running container create option: invalid log driver: invalid argument');
  }
  const out: LogOptions = { driver: d, maxSize: 0 };
  for (const o of opts) {
    const eq = o.indexOf('=');
    const key = eq < 0 ? o : o.slice(0, eq);
    const v = eq < 0 ? '' : o.slice(eq + 1);
    if (key === 'max-size') {
      const n = sizeOf(v, DECIMAL_UNITS);
      if (n === undefined) throw new UsageError(`invalid size: ${JSON.stringify(v)}`);
      out.maxSize = n;
    } else if (key === 'path') {
      if (!v.startsWith('/')) throw new UsageError(`log path ${JSON.stringify(v)} must be absolute`);
      out.path = v;
    } else if (key === 'tag') {
      // podman's conmon refuses it when the container starts (126); refused here before anything is made.
      if (d !== 'none') throw new UsageError(`${d === 'json-file' ? 'k8s-file' : d} doesn't support --log-tag`);
    } else if (key === 'labels' || key === 'env' || key === 'mode' || key === 'max-buffer-size' || key === 'max-file') {
      // podman accepts these for other drivers; nothing here reads them.
    } else {
      throw new UsageError(`unknown log-opt ${JSON.stringify(key)}`);
    }
  }
  return out;
}

/** --memory: a number with b, k, m or g (binary units, as podman's RAMInBytes); at least 6 MB, as podman requires. */
export function parseMemory(value: string): number {
  const n = sizeOf(value, BINARY_UNITS);
  if (n === undefined || n <= 0) throw new UsageError(`invalid memory limit ${JSON.stringify(value)}: want a size like 512m`);
  if (n < 6 * 1024 * 1024) throw new UsageError('minimum memory limit allowed is 6MB');
  return n;
}

export function parseCpus(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(n > 0)) throw new UsageError(`invalid argument ${JSON.stringify(value)} for "--cpus" flag`);
  return n;
}

export function parsePidsLimit(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new UsageError(`invalid argument ${JSON.stringify(value)} for "--pids-limit" flag`);
  return Number(value);
}

/** --stop-signal: a name (TERM, SIGTERM) or a number, as podman's ParseSignal. */
export function parseSignal(value: string): number {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n < 1 || n > 64) throw new UsageError(`invalid signal: ${value}`);
    return n;
  }
  const name = (value.toUpperCase().startsWith('SIG') ? value.toUpperCase() : `SIG${value.toUpperCase()}`) as keyof typeof constants.signals;
  const n = constants.signals[name];
  if (n === undefined) throw new UsageError(`invalid signal: ${value}`);
  return n;
}

/** --stop-timeout: seconds. */
export function parseStopTimeout(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_STOP_TIMEOUT;
  const s = String(value);
  if (!/^\d+$/.test(s)) throw new UsageError(`invalid argument ${JSON.stringify(s)} for "--stop-timeout" flag: strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

/**
 * podman's --detach-keys: comma-separated keys, each one character or
 * `ctrl-X` (X in a-z, @ [ \ ] ^ _); "" disables detaching. Returns the bytes.
 */
export function parseDetachKeys(spec: string): Uint8Array {
  if (spec === '') return new Uint8Array();
  const out: number[] = [];
  for (const key of spec.split(',')) {
    if (key.length === 1) {
      out.push(key.charCodeAt(0));
      continue;
    }
    const m = /^ctrl-(.)$/.exec(key);
    if (m) {
      const c = m[1]!.toLowerCase();
      if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96);
      else if (c === '@') out.push(0);
      else if ('[\\]^_'.includes(c)) out.push(c.charCodeAt(0) - 64);
      else throw new UsageError(`invalid detach keys: ${JSON.stringify(spec)}: unknown character ${JSON.stringify(key)}`);
      continue;
    }
    throw new UsageError(`invalid detach keys: ${JSON.stringify(spec)}: unknown character ${JSON.stringify(key)}`);
  }
  if (out.length > 16) throw new UsageError(`invalid detach keys: ${JSON.stringify(spec)}: at most 16 keys`);
  return Uint8Array.from(out);
}

export function hexBytes(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/**
 * An --env-file: `NAME=VALUE` lines, or `NAME` alone to take it from our
 * environment; blank lines and `#` comments skipped (podman's envfile rules:
 * leading whitespace trimmed, the value kept as is).
 */
export function parseEnvFile(text: string, file: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+/, '').replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const name = line.includes('=') ? line.slice(0, line.indexOf('=')) : line;
    if (name === '' || /\s/.test(name)) throw new UsageError(`variable ${JSON.stringify(name)} contains whitespaces: invalid env file ${file}`);
    out.push(line);
  }
  return out;
}

/** --env-host: our whole environment, as `NAME=VALUE`. */
export function hostEnvEntries(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
}

/** -l/--label `KEY=VALUE` (or `KEY`, empty value). */
export function parseLabels(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const key = eq < 0 ? v : v.slice(0, eq);
    if (key === '') throw new UsageError(`invalid label format: ${JSON.stringify(v)}`);
    out[key] = eq < 0 ? '' : v.slice(eq + 1);
  }
  return out;
}

/** podman's check that --rm and a restart policy exclude each other. */
export function checkRestartWithRm(policy: RestartPolicy, rm: boolean): void {
  if (rm && policy.name !== 'no') {
    throw new UsageError('the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"');
  }
}
