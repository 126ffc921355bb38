// A service's `build:` section (and `compose build`'s flags) as the engine's
// `tsc-run build` flags, as docker compose hands them to its builder. A key
// the engine cannot honour is refused naming the key and the reason. Pure.

import path from 'node:path';
import type { BuildConfig } from './model.js';
import { ComposeError } from './errors.js';

/** `compose build` flags that reach every service's build. */
export interface BuildFlags {
  noCache?: boolean | undefined;
  pull?: boolean | undefined;
  quiet?: boolean | undefined;
  memory?: string | undefined;
  ssh?: string[] | undefined;
  /** --build-arg KEY=VAL (or KEY: from the environment), over the file's args. */
  buildArgs?: string[] | undefined;
}

export interface BuildArgsInput {
  service: string;
  build: BuildConfig;
  /** The image tag (the service's `image`, else PROJECT-SERVICE). */
  image: string;
  /** The written dockerfile_inline, when there is one. */
  inlineDockerfile?: string | undefined;
  /** Whether build.dockerfile names a file to pass (a missing default `Dockerfile` lets the engine look for Containerfile). */
  dockerfileGiven: boolean;
  /** Files of the project's secrets by name (materialized). */
  secretFiles: Record<string, string>;
  environment: Record<string, string | undefined>;
  flags?: BuildFlags | undefined;
}

const REFUSED: Record<string, string> = {
  privileged: 'RUN steps cannot be privileged in a rootless build',
  entitlements: 'buildx entitlements do not exist in the engine (RUN steps run rootless)',
};

const KNOWN = new Set(['context', 'dockerfile', 'dockerfile_inline', 'args', 'target', 'labels', 'no_cache', 'pull', 'network', 'shm_size', 'extra_hosts', 'ssh', 'secrets', 'tags', 'platforms', 'ulimits', 'cache_from', 'cache_to', 'additional_contexts', 'isolation']);

/** list (`K=V`, `K`) or map, as compose allows for args, labels, ssh, additional_contexts. */
function entries(v: unknown): Array<[string, string | null]> {
  if (Array.isArray(v)) {
    return v.map((e) => {
      const s = String(e);
      const eq = s.indexOf('=');
      return eq < 0 ? [s, null] : [s.slice(0, eq), s.slice(eq + 1)];
    });
  }
  if (v !== null && typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, x === null || x === undefined ? null : String(x)]);
  return [];
}

function sizeOf(v: unknown): string {
  return typeof v === 'number' ? `${v}b` : String(v);
}

export function buildArgs(i: BuildArgsInput): string[] {
  const b = i.build;
  const where = `services.${i.service}.build`;
  for (const k of Object.keys(b)) {
    if (REFUSED[k]) throw new ComposeError(`${where}.${k}: not supported by tsc-run compose: ${REFUSED[k]}`);
    if (!KNOWN.has(k)) throw new ComposeError(`${where}.${k}: not supported by tsc-run compose`);
  }
  const f = i.flags ?? {};
  const a = ['build', '-t', i.image];
  for (const t of (b.tags as string[] | undefined) ?? []) a.push('-t', String(t));
  if (i.inlineDockerfile !== undefined) a.push('-f', i.inlineDockerfile);
  else if (i.dockerfileGiven && b.dockerfile !== undefined) a.push('-f', path.resolve(b.context, b.dockerfile));
  // The file's args, then --build-arg over them (a bare KEY takes the environment's value, or is left out).
  const args = new Map<string, string | null>(entries(b.args));
  for (const s of f.buildArgs ?? []) {
    const eq = s.indexOf('=');
    if (eq < 0) {
      const v = i.environment[s];
      if (v !== undefined) args.set(s, v);
    } else args.set(s.slice(0, eq), s.slice(eq + 1));
  }
  for (const [k, v] of args) a.push('--build-arg', v === null ? k : `${k}=${v}`);
  if (b.target !== undefined) a.push('--target', b.target);
  for (const [k, v] of entries(b.labels)) a.push('--label', `${k}=${v ?? ''}`);
  if (b.no_cache === true || f.noCache) a.push('--no-cache');
  if (b.pull === true || f.pull) a.push('--pull=always');
  if (typeof b.network === 'string' && b.network !== 'default') a.push('--network', b.network);
  if (b.shm_size !== undefined) a.push('--shm-size', sizeOf(b.shm_size));
  if (f.memory !== undefined) a.push('--memory', f.memory);
  for (const [h, ip] of entries(b.extra_hosts)) {
    // host:ip or host=ip (list), host: ip (map); an IPv6 address keeps its colons.
    if (ip !== null) a.push('--add-host', `${h}:${ip}`);
    else {
      const c = h.indexOf(':');
      if (c < 0) throw new ComposeError(`${where}.extra_hosts: invalid entry ${JSON.stringify(h)} (HOST:IP)`);
      a.push('--add-host', h);
    }
  }
  for (const [id, p] of entries(b.ssh)) a.push('--ssh', p === null ? id : `${id}=${p}`);
  for (const s of f.ssh ?? []) a.push('--ssh', s);
  for (const s of (b.secrets as unknown[] | undefined) ?? []) {
    const g = typeof s === 'string' ? { source: s } : (s as { source: string; target?: string; uid?: string; gid?: string; mode?: unknown });
    if (g.uid !== undefined || g.gid !== undefined || g.mode !== undefined) throw new ComposeError(`${where}.secrets.${g.source}: uid, gid and mode are not supported for build secrets`);
    const file = i.secretFiles[g.source];
    if (file === undefined) throw new ComposeError(`${where}.secrets: undefined secret ${JSON.stringify(g.source)}`);
    // The id a Dockerfile's RUN --mount=type=secret,id= names: the target when given, else the secret's name.
    a.push('--secret', `id=${g.target ?? g.source},src=${file}`);
  }
  const platforms = (b.platforms as string[] | undefined) ?? [];
  if (platforms.length > 1) throw new ComposeError(`${where}.platforms: one platform only (the engine builds for one platform)`);
  if (platforms.length) a.push('--platform', String(platforms[0]));
  for (const [name, v] of Object.entries((b.ulimits as Record<string, unknown> | undefined) ?? {})) {
    if (typeof v === 'number' || typeof v === 'string') a.push('--ulimit', `${name}=${v}`);
    else {
      const l = v as { soft?: number; hard?: number };
      a.push('--ulimit', `${name}=${l.soft}:${l.hard}`);
    }
  }
  // Passed on: the engine refuses remote layer caches with its reason.
  for (const c of (b.cache_from as string[] | undefined) ?? []) a.push('--cache-from', String(c));
  for (const c of (b.cache_to as string[] | undefined) ?? []) a.push('--cache-to', String(c));
  for (const [k, v] of entries(b.additional_contexts)) a.push('--build-context', `${k}=${v ?? ''}`);
  if (b.isolation !== undefined) a.push('--isolation', String(b.isolation));
  if (f.quiet) a.push('--quiet');
  a.push(b.context);
  return a;
}

/** The secrets the services' builds name (to materialize with theirs). */
export function buildSecretNames(builds: ReadonlyArray<BuildConfig | undefined>): string[] {
  return builds.flatMap((b) => ((b?.secrets as unknown[] | undefined) ?? []).map((s) => (typeof s === 'string' ? s : (s as { source: string }).source)));
}
