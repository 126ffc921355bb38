// What a container runs, from its image's config and the `run` flags, with
// podman's rules: entrypoint/cmd precedence, the default environment,
// working directory, and user resolution against the image's passwd and
// group files. Pure.

import path from 'node:path';
import { TscRunError, UsageError } from '../../errors.js';
import type { ContainerConfig as ImageRuntimeConfig } from '../../image/oci.js';

/** containers.conf's default PATH, used when the image sets none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface RunFlags {
  /** Arguments after IMAGE. */
  command: readonly string[];
  /** --entrypoint: a string, or a JSON array of strings; "" clears the image's. */
  entrypoint?: string | undefined;
  /** -e/--env: `K=V`, or `K` to copy K from our environment. */
  env: readonly string[];
  workdir?: string | undefined;
  user?: string | undefined;
}

export interface ResolvedCommand {
  entrypoint: string[];
  cmd: string[];
  command: string[];
}

/** `--entrypoint` value → argv: a JSON array as given, else one word; "" means none. */
export function parseEntrypointFlag(value: string): string[] {
  if (value === '') return [];
  try {
    const v: unknown = JSON.parse(value);
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  } catch {
    /* a plain command name */
  }
  return [value];
}

/**
 * The command line: entrypoint + cmd, where arguments after IMAGE replace
 * the image's CMD, and --entrypoint replaces its ENTRYPOINT and drops its CMD.
 */
export function resolveCommand(image: ImageRuntimeConfig, flags: Pick<RunFlags, 'command' | 'entrypoint'>): ResolvedCommand {
  const entrypoint = flags.entrypoint !== undefined ? parseEntrypointFlag(flags.entrypoint) : [...(image.Entrypoint ?? [])];
  const cmd = flags.command.length > 0 ? [...flags.command] : flags.entrypoint !== undefined ? [] : [...(image.Cmd ?? [])];
  const command = [...entrypoint, ...cmd];
  if (command.length === 0) {
    throw new UsageError('no command or entrypoint provided, and no CMD or ENTRYPOINT from image');
  }
  return { entrypoint, cmd, command };
}

function envName(kv: string): string {
  const i = kv.indexOf('=');
  return i < 0 ? kv : kv.slice(0, i);
}

export interface EnvContext {
  /** Our own environment, for `-e NAME` without a value, --env-host and --http-proxy. */
  hostEnv: Readonly<Record<string, string | undefined>>;
  hostname: string;
  home: string;
}

/** The environment flags besides -e (podman's order is in buildEnv). */
export interface EnvFlags {
  /** --env-merge `NAME=...${NAME}...`: rewrites a default or image variable that exists. */
  merge?: readonly string[] | undefined;
  /** --unsetenv NAME: drops a default or image variable. */
  unset?: readonly string[] | undefined;
  /** --unsetenv-all: drops every default and image variable. */
  unsetAll?: boolean | undefined;
  /** --env-host: our whole environment over the image's. */
  envHost?: boolean | undefined;
  /** --http-proxy (default true): our proxy variables, when not --env-host. */
  httpProxy?: boolean | undefined;
}

/** containers/common's ProxyEnv. */
const PROXY_ENV = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'ftp_proxy', 'FTP_PROXY', 'no_proxy', 'NO_PROXY'];

/** `$NAME` and `${NAME}` from env (unknown: empty), as imagebuilder's ProcessWord for --env-merge. */
export function expandWord(word: string, env: ReadonlyMap<string, string>): string {
  return word.replace(/\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a?: string, b?: string) =>
    m === '\\$' ? '$' : (env.get((a ?? b)!) ?? ''),
  );
}

/**
 * The container's environment, in podman 4.3's order: defaults (PATH, TERM,
 * container=podman) under the image's ENV; then --env-merge, --unsetenv,
 * --unsetenv-all; our environment (--env-host) or our proxy variables
 * (--http-proxy); then -e; HOME and HOSTNAME unless set.
 */
export function buildEnv(imageEnv: readonly string[], flagEnv: readonly string[], ctx: EnvContext, flags: EnvFlags = {}): string[] {
  const env = new Map<string, string>([
    ['PATH', DEFAULT_PATH],
    ['TERM', 'xterm'],
    ['container', 'podman'],
  ]);
  for (const kv of imageEnv) {
    const name = envName(kv);
    if (name) env.set(name, kv.slice(name.length + 1));
  }
  for (const m of flags.merge ?? []) {
    const word = expandWord(m, env);
    const name = envName(word);
    if (env.has(name)) env.set(name, word.slice(name.length + 1));
  }
  for (const name of flags.unset ?? []) env.delete(name);
  if (flags.unsetAll) env.clear();
  if (flags.envHost) {
    for (const [k, v] of Object.entries(ctx.hostEnv)) if (v !== undefined) env.set(k, v);
  } else if (flags.httpProxy !== false) {
    for (const k of PROXY_ENV) if (ctx.hostEnv[k] !== undefined) env.set(k, ctx.hostEnv[k]);
  }
  for (const kv of flagEnv) {
    const name = envName(kv);
    if (!name) throw new UsageError(`invalid environment variable: ${JSON.stringify(kv)}`);
    if (kv.includes('=')) env.set(name, kv.slice(name.length + 1));
    else if (name.endsWith('*')) {
      // podman: `-e PREFIX*` copies every variable of ours that starts with PREFIX.
      const prefix = name.slice(0, -1);
      for (const [k, v] of Object.entries(ctx.hostEnv)) if (v !== undefined && k.startsWith(prefix)) env.set(k, v);
    } else if (ctx.hostEnv[name] !== undefined) env.set(name, ctx.hostEnv[name]);
  }
  if (!env.has('HOME')) env.set('HOME', ctx.home);
  if (!env.has('HOSTNAME')) env.set('HOSTNAME', ctx.hostname);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** -w or the image's WorkingDir (relative ones from /), default /. */
export function resolveWorkdir(image: ImageRuntimeConfig, flag: string | undefined): string {
  const w = flag ?? image.WorkingDir ?? '';
  return w === '' ? '/' : path.posix.resolve('/', w);
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
}

/** /etc/passwd lines `name:x:uid:gid:gecos:home:shell`; malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 7 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) return [];
    return [{ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! }];
  });
}

/** /etc/group lines `name:x:gid:members`. */
export function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 3 || !/^\d+$/.test(f[2]!)) return [];
    return [{ name: f[0]!, gid: Number(f[2]) }];
  });
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  home: string;
}

const MAX_ID = 4294967294;

function numericId(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= MAX_ID ? n : undefined;
}

/**
 * `USER[:GROUP]` (names or numbers) → ids in the container. Names need the
 * image's passwd/group files (undefined = the image has none).
 */
export function resolveUser(spec: string, passwd: readonly PasswdEntry[] | undefined, group: readonly GroupEntry[] | undefined): ResolvedUser {
  const [userPart = '', groupPart] = spec.split(':', 2) as [string?, string?];
  let uid: number;
  let entry: PasswdEntry | undefined;
  if (userPart === '') {
    uid = 0;
    entry = passwd?.find((e) => e.uid === 0);
  } else {
    const n = numericId(userPart);
    entry = n !== undefined ? passwd?.find((e) => e.uid === n) : passwd?.find((e) => e.name === userPart);
    if (n === undefined && !entry) throw new TscRunError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = n ?? entry!.uid;
  }
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== '') {
    const n = numericId(groupPart);
    const g = n === undefined ? group?.find((e) => e.name === groupPart) : undefined;
    if (n === undefined && !g) throw new TscRunError(`unable to find group ${groupPart}: no matching entries in group file`);
    gid = n ?? g!.gid;
  }
  const home = entry?.home || (uid === 0 ? '/root' : '/');
  return { uid, gid, home };
}

/** Podman's default hostname: the first 12 characters of the container id. */
export function defaultHostname(containerId: string): string {
  return containerId.slice(0, 12);
}
