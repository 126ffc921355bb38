// `--change` instructions (import, commit): a small subset of Dockerfile
// syntax applied to an image's runtime config, with podman's parsing rules
// and messages (libimage ImageConfigFromChanges). Pure.

import path from 'node:path';
import { constants } from 'node:os';
import { UsageError } from '../errors.js';
import type { ContainerConfig } from './oci.js';

export const CHANGE_INSTRUCTIONS = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'] as const;

function bad(change: string, why: string): UsageError {
  return new UsageError(`invalid change ${JSON.stringify(change)} - ${why}`);
}

/** A JSON array of strings, or undefined when the text is not one. */
function jsonStringArray(text: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  } catch {
    /* shell form */
  }
  return undefined;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** A signal name (`TERM`, `SIGTERM`, `sigterm`) or number → its number, as podman's ParseSignal. */
export function parseSignal(raw: string): number {
  const s = raw.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= 64) return n;
    throw new Error(`invalid signal: ${raw}`);
  }
  const name = s.toUpperCase().replace(/^SIG/, '');
  const signals = constants.signals as Record<string, number>;
  const rt = /^RTMIN\+(\d+)$/.exec(name);
  if (rt) return 34 + Number(rt[1]);
  const n = signals[`SIG${name}`];
  if (n === undefined) throw new Error(`invalid signal: ${raw}`);
  return n;
}

/** Go's filepath.Join: joined and cleaned, `` for nothing. */
function joinClean(a: string, b: string): string {
  const joined = path.posix.normalize(a ? `${a}/${b}` : b);
  return joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
}

/** Apply `--change` instructions, in order, to a copy of `base`. Throws UsageError on the first bad one. */
export function applyChanges(changes: readonly string[], base: ContainerConfig = {}): ContainerConfig {
  const config: ContainerConfig = structuredClone(base);
  for (const change of changes) {
    // Dockerfile form `KEY value` first, then `KEY=value`.
    let cut = change.indexOf(' ');
    if (cut < 0) cut = change.indexOf('=');
    if (cut < 0) throw bad(change, 'must be formatted as KEY VALUE');
    const key = change.slice(0, cut).trim().toUpperCase();
    const value = change.slice(cut + 1).trim();
    switch (key) {
      case 'USER':
        if (!value) throw bad(change, 'must provide a value to USER');
        config.User = value;
        break;
      case 'EXPOSE': {
        const parts = value.split('/');
        if (parts.length > 2) throw bad(change, 'EXPOSE port must be formatted as PORT[/PROTO]');
        if (!/^[+-]?\d+$/.test(parts[0]!)) {
          throw bad(change, `EXPOSE port must be an integer: strconv.Atoi: parsing ${JSON.stringify(parts[0])}: invalid syntax`);
        }
        const port = Number(parts[0]);
        if (port <= 0 || port > 65535) throw bad(change, 'EXPOSE port must be a valid port number');
        let proto = 'tcp';
        if (parts.length > 1) {
          proto = parts[1]!.toLowerCase();
          if (proto !== 'tcp' && proto !== 'udp') throw bad(change, 'EXPOSE protocol must be TCP or UDP');
        }
        config.ExposedPorts = { ...config.ExposedPorts, [`${port}/${proto}`]: {} };
        break;
      }
      case 'ENV': {
        // Only `key=value` (podman keeps `ENV A B` as the key `A B`).
        const eq = value.indexOf('=');
        const k = unquote(eq < 0 ? value : value.slice(0, eq));
        const v = eq < 0 ? '' : unquote(value.slice(eq + 1));
        if (!(eq < 0 ? value : value.slice(0, eq))) throw bad(change, 'ENV must have at least one argument');
        config.Env = [...(config.Env ?? []), `${k}=${v}`];
        break;
      }
      case 'ENTRYPOINT':
        // JSON array, else a shell command line; empty means no entrypoint.
        config.Entrypoint = jsonStringArray(value) ?? (value ? ['/bin/sh', '-c', value] : []);
        break;
      case 'CMD':
        config.Cmd = jsonStringArray(value) ?? ['/bin/sh', '-c', ...(value ? [value] : [])];
        break;
      case 'VOLUME': {
        const vols = jsonStringArray(value) ?? value.split(' ');
        if (vols.length === 0) throw bad(change, 'must provide at least one argument to VOLUME');
        const volumes = { ...config.Volumes };
        for (const v of vols) {
          if (!v) throw bad(change, 'VOLUME paths must not be empty');
          volumes[v] = {};
        }
        config.Volumes = volumes;
        break;
      }
      case 'WORKDIR':
        // Successive WORKDIRs are relative to the previous one.
        if (!value) throw bad(change, 'must provide a non-empty WORKDIR');
        config.WorkingDir = joinClean(config.WorkingDir ?? '', value);
        break;
      case 'LABEL': {
        const eq = value.indexOf('=');
        if (eq < 0) throw bad(change, 'LABEL must be formatted key=value');
        const k = unquote(value.slice(0, eq));
        if (!k) throw bad(change, 'LABEL must have a non-empty key');
        config.Labels = { ...config.Labels, [k]: unquote(value.slice(eq + 1)) };
        break;
      }
      case 'STOPSIGNAL': {
        let n: number;
        try {
          n = parseSignal(value);
        } catch (err) {
          throw bad(change, `KILLSIGNAL must be given a valid signal: ${(err as Error).message}`);
        }
        config.StopSignal = String(n);
        break;
      }
      case 'ONBUILD':
        if (!value) throw bad(change, 'ONBUILD must be given an argument');
        config.OnBuild = [...(config.OnBuild ?? []), value];
        break;
      default:
        throw bad(change, `invalid instruction ${key}`);
    }
  }
  return config;
}
