// The merged tree → the project model (model.ts), as compose normalizes it:
// profiles, absolute paths, env_file folded into environment, the default
// network, resource names (`PROJECT_default`, `PROJECT_VOLUME`), Go
// durations, and the checks the schema cannot make (image or build,
// undefined volumes/networks/secrets/services, dependency cycles, scale with
// container_name). Pure: env files come through readEnvFile.

import path from 'node:path';
import { ComposeError, ComposeFileError } from './errors.js';
import { formatDuration, parseDuration } from './durations.js';
import type { Lookup } from './interpolate.js';
import type { LoadSwitches } from './load.js';
import type { ModelTop, Project, SecretTop, Service } from './model.js';
import { isPlainObject } from './yaml-read.js';

type Tree = Record<string, unknown>;

export interface NormalizeInput {
  tree: Tree;
  name: string;
  workingDir: string;
  configFiles: string[];
  /** The first file's name as the user knows it, for errors. */
  fileLabel: string;
  profiles: readonly string[];
  lookup: Lookup;
  environment: Record<string, string>;
  home: string | undefined;
  /** An env_file's variables (path absolute); undefined when it does not exist. */
  readEnvFile: (file: string) => Map<string, string> | undefined;
  /** `compose config --no-normalize` & co. (load.ts); all on when not given. */
  switches?: Partial<LoadSwitches>;
}

const invalid = (msg: string) => new ComposeError(`${msg}: invalid compose project`);

export function isRemoteContext(c: string): boolean {
  return /^[a-z]+:\/\//.test(c) || c.startsWith('git@') || c.startsWith('github.com/');
}

export function resolvePath(base: string, p: string, home: string | undefined): string {
  if (p === '~' || p.startsWith('~/')) return path.join(home ?? '/', p.slice(1));
  return path.resolve(base, p);
}

/** Relative paths of one service made absolute against base (for files of other directories too). */
export function resolveServicePaths(svc: Tree, base: string, home: string | undefined): Tree {
  const s: Tree = { ...svc };
  if (isPlainObject(s.build)) {
    const b: Tree = { ...s.build };
    const ctx = typeof b.context === 'string' ? b.context : '.';
    if (!isRemoteContext(ctx)) b.context = resolvePath(base, ctx, home);
    else b.context = ctx;
    // additional_contexts: a local directory is a path of the file's directory (an image or URL is not).
    if (Array.isArray(b.additional_contexts)) {
      b.additional_contexts = Object.fromEntries((b.additional_contexts as unknown[]).map((e) => { const t = String(e); const eq = t.indexOf('='); return eq < 0 ? [t, ''] : [t.slice(0, eq), t.slice(eq + 1)]; }));
    }
    if (isPlainObject(b.additional_contexts)) {
      b.additional_contexts = Object.fromEntries(
        Object.entries(b.additional_contexts).map(([k, v]) => [k, typeof v === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(v) ? resolvePath(base, v, home) : v]),
      );
    }
    s.build = b;
  }
  if (Array.isArray(s.volumes)) {
    s.volumes = (s.volumes as unknown[]).map((v) => {
      if (isPlainObject(v) && v.type === 'bind' && typeof v.source === 'string') return { ...v, source: resolvePath(base, v.source, home) };
      return v;
    });
  }
  if (Array.isArray(s.env_file)) {
    s.env_file = (s.env_file as unknown[]).map((e) => (isPlainObject(e) && typeof e.path === 'string' ? { ...e, path: resolvePath(base, e.path, home) } : e));
  }
  return s;
}

export function resolveTopPaths(tree: Tree, base: string, home: string | undefined): Tree {
  const out: Tree = { ...tree };
  for (const k of ['secrets', 'configs']) {
    if (!isPlainObject(tree[k])) continue;
    const m: Tree = {};
    for (const [n, d] of Object.entries(tree[k])) m[n] = isPlainObject(d) && typeof d.file === 'string' ? { ...d, file: resolvePath(base, d.file, home) } : d;
    out[k] = m;
  }
  if (isPlainObject(tree.services)) {
    const svcs: Tree = {};
    for (const [n, s] of Object.entries(tree.services)) svcs[n] = isPlainObject(s) ? resolveServicePaths(s, base, home) : s;
    out.services = svcs;
  }
  return out;
}

/** docker compose's project name rule: lower case, [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}

export function checkProjectName(name: string): void {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
    throw new ComposeError(`${JSON.stringify(name)} is not a valid project name: it must contain only lowercase letters, decimal digits, dashes, and underscores, and must begin with a lowercase letter or decimal digit`);
  }
}

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;

export function normalizeProject(inp: NormalizeInput): Project {
  const t = inp.tree;
  const sw = { normalize: true, consistency: true, ...inp.switches };
  const allServices = (isPlainObject(t.services) ? t.services : {}) as Record<string, Tree>;
  const active = new Set(inp.profiles);
  const enabled = (s: Tree) => {
    const p = Array.isArray(s.profiles) ? (s.profiles as string[]) : [];
    return p.length === 0 || active.has('*') || p.some((x) => active.has(x));
  };
  const services: Record<string, Service> = {};
  const disabled: Record<string, Service> = {};
  const project: Project = {
    name: inp.name,
    workingDir: inp.workingDir,
    configFiles: inp.configFiles,
    services,
    disabledServices: disabled,
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
    environment: inp.environment,
  };
  const topNetworks = (isPlainObject(t.networks) ? t.networks : {}) as Record<string, Tree | null>;
  const topVolumes = (isPlainObject(t.volumes) ? t.volumes : {}) as Record<string, Tree | null>;
  for (const [name, raw] of Object.entries(allServices)) {
    const svc = normalizeService(inp, name, raw ?? {});
    (enabled(raw ?? {}) ? services : disabled)[name] = svc;
  }
  // Cross-references, for enabled services only.
  let usesDefault = false;
  if (sw.normalize) for (const svc of [...Object.values(services), ...Object.values(disabled)]) impliedDependencies(svc);
  if (sw.consistency) checkContainerNames(services);
  for (const [name, svc] of Object.entries(services)) {
    if (sw.normalize && svc.networks === undefined && svc.network_mode === undefined) svc.networks = { default: null };
    if (Object.keys(svc.networks ?? {}).includes('default')) usesDefault = true;
    for (const [dep, d] of Object.entries(svc.depends_on ?? {})) {
      if (!(dep in services)) {
        if (dep in disabled) {
          if (d.required) throw new ComposeError(`service ${JSON.stringify(dep)} is required by ${JSON.stringify(name)} but is disabled: enable it with --profile ${(disabled[dep]!.profiles ?? []).join(' or --profile ')}`);
          delete svc.depends_on![dep];
          continue;
        }
        if (!d.required || !sw.consistency) continue;
        throw invalid(`service ${JSON.stringify(name)} depends on undefined service ${JSON.stringify(dep)}`);
      }
    }
    if (!sw.consistency) continue;
    const nm = svc.network_mode;
    if (nm?.startsWith('service:')) {
      const other = nm.slice(8);
      if (!(other in services)) throw invalid(`service ${JSON.stringify(name)} refers to undefined service ${JSON.stringify(other)} in network_mode`);
    }
    for (const n of Object.keys(svc.networks ?? {})) {
      if (n !== 'default' && !(n in topNetworks)) throw invalid(`service ${JSON.stringify(name)} refers to undefined network ${n}`);
    }
    for (const v of svc.volumes ?? []) {
      if (v.type === 'volume' && v.source !== undefined && !(v.source in topVolumes)) {
        throw invalid(`service ${JSON.stringify(name)} refers to undefined volume ${v.source}`);
      }
    }
    for (const k of ['secrets', 'configs'] as const) {
      const top = isPlainObject(t[k]) ? t[k] : {};
      for (const s of svc[k] ?? []) {
        if (!(s.source in top)) throw invalid(`service ${JSON.stringify(name)} refers to undefined ${k === 'secrets' ? 'secret' : 'config'} ${s.source}`);
      }
    }
  }
  checkCycles(services);
  // Resources get their names (PROJECT_KEY) from normalization only.
  const name = (key: string, raw: Tree | null) => (sw.normalize ? named(inp.name, key, raw ?? {}) : { ...raw });
  for (const [k, raw] of Object.entries(topNetworks)) project.networks[k] = name(k, raw);
  if (sw.normalize && usesDefault && !('default' in project.networks)) project.networks.default = { name: `${inp.name}_default` };
  for (const [k, raw] of Object.entries(topVolumes)) project.volumes[k] = name(k, raw);
  if (isPlainObject(t.models)) {
    const models: Record<string, ModelTop> = {};
    for (const [k, raw] of Object.entries(t.models as Record<string, Tree | null>)) models[k] = name(k, raw);
    project.models = models;
  }
  for (const k of ['secrets', 'configs'] as const) {
    const top = (isPlainObject(t[k]) ? t[k] : {}) as Record<string, Tree | null>;
    for (const [n, raw] of Object.entries(top)) {
      const d = name(n, raw) as SecretTop;
      if (sw.consistency && d.file === undefined && d.environment === undefined && d.content === undefined && !d.external) {
        throw invalid(`${k === 'secrets' ? 'secret' : 'config'} ${JSON.stringify(n)} must declare either "file", "environment", "content" or "external"`);
      }
      project[k][n] = d;
    }
  }
  return project;
}

/** name: the given one, the key itself for external resources, else PROJECT_KEY. */
function named(project: string, key: string, raw: Tree): Tree {
  const external = raw.external === true || (isPlainObject(raw.external) && true);
  const out: Tree = { ...raw };
  if (isPlainObject(raw.external)) {
    out.external = true;
    if (typeof raw.external.name === 'string') out.name = raw.external.name;
  }
  out.name ??= external ? key : `${project}_${key}`;
  return out;
}

function normalizeService(inp: NormalizeInput, name: string, raw: Tree): Service {
  const s: Tree = { ...raw };
  const sw = { normalize: true, consistency: true, resolvePaths: true, resolveEnvFiles: true, ...inp.switches };
  const label = inp.fileLabel;
  delete s.extends;
  if (sw.consistency && s.image === undefined && s.build === undefined && s.provider === undefined) {
    throw invalid(`service ${JSON.stringify(name)} has neither an image nor a build context specified`);
  }
  if (sw.normalize && isPlainObject(s.build)) {
    const b: Tree = { ...s.build };
    if (b.context === undefined) b.context = sw.resolvePaths ? inp.workingDir : '.';
    if (b.dockerfile === undefined && b.dockerfile_inline === undefined) b.dockerfile = 'Dockerfile';
    s.build = b;
  }
  // env_file first, environment over it; a bare name takes the environment's value
  // (normalization and env resolution each do that; --no-env-resolution keeps env_file).
  const env: Record<string, string | null> = {};
  if (sw.resolveEnvFiles) {
    for (const f of (s.env_file as Array<{ path: string; required: boolean }> | undefined) ?? []) {
      const file = path.resolve(inp.workingDir, f.path);
      const vars = inp.readEnvFile(file);
      if (vars === undefined) {
        if (f.required) throw new ComposeError(`env file ${file} not found: stat ${file}: no such file or directory`);
        continue;
      }
      for (const [k, v] of vars) env[k] = v;
    }
    delete s.env_file;
  }
  const lookupBare = sw.normalize || sw.resolveEnvFiles;
  for (const [k, v] of Object.entries((s.environment as Record<string, string | null> | undefined) ?? {})) {
    env[k] = v === null && lookupBare ? (inp.lookup(k) ?? null) : v;
  }
  if (Object.keys(env).length) s.environment = env;
  else delete s.environment;
  if (typeof s.restart === 'string' && !RESTART.test(s.restart)) {
    throw new ComposeFileError(label, `services.${name}.restart`, `invalid restart policy ${JSON.stringify(s.restart)}`);
  }
  const scale = s.scale !== undefined ? Number(s.scale) : undefined;
  const deploy = isPlainObject(s.deploy) ? s.deploy : undefined;
  const replicas = deploy?.replicas !== undefined ? Number(deploy.replicas) : undefined;
  if (sw.consistency && scale !== undefined && replicas !== undefined && scale !== replicas) {
    throw new ComposeFileError(label, `services.${name}.scale`, `can't set distinct values on 'scale' and 'deploy.replicas'`);
  }
  if (scale !== undefined) s.scale = scale;
  if (sw.consistency && (scale ?? replicas ?? 1) > 1 && s.container_name !== undefined) {
    throw new ComposeError(`services.${name}: can't set container_name and ${name} as container name must be unique: invalid compose project`);
  }
  if (isPlainObject(s.healthcheck)) {
    const h: Tree = { ...s.healthcheck };
    for (const k of ['interval', 'timeout', 'start_period', 'start_interval']) {
      if (h[k] === undefined) continue;
      const ns = parseDuration(h[k] as string);
      if (ns === undefined) throw new ComposeFileError(label, `services.${name}.healthcheck.${k}`, `invalid duration ${JSON.stringify(h[k])}`);
      h[k] = formatDuration(ns);
    }
    if (h.retries !== undefined) h.retries = Number(h.retries);
    s.healthcheck = h;
  }
  if (s.stop_grace_period !== undefined) {
    const ns = parseDuration(s.stop_grace_period as string);
    if (ns === undefined) throw new ComposeFileError(label, `services.${name}.stop_grace_period`, `invalid duration ${JSON.stringify(s.stop_grace_period)}`);
    s.stop_grace_period = formatDuration(ns);
  }
  if (Array.isArray(s.ports)) {
    s.ports = (s.ports as Tree[]).map((p) => ({ ...p, target: Number(p.target) }));
  }
  return s;
}

/** What a service's container refers to by service name, for a dependency. */
export function sharedNamespaceServices(s: Service): string[] {
  return [s.network_mode, s.ipc, s.pid].filter((m): m is string => typeof m === 'string' && m.startsWith('service:')).map((m) => m.slice(8));
}

/** volumes_from's services (`NAME[:ro|rw]`; `container:NAME[:ro|rw]` is a container outside compose). */
export function volumesFromServices(s: Service): string[] {
  return (s.volumes_from ?? []).filter((v) => !v.startsWith('container:')).map((v) => v.split(':')[0]!);
}

/**
 * As compose-go: a service whose namespaces are another's (`service:X`) or
 * that takes its volumes (volumes_from) or links to it depends on it, started first; the
 * namespace one with restart (it must follow X's container).
 */
function impliedDependencies(s: Service): void {
  const add = (dep: string, restart: boolean) => {
    s.depends_on ??= {};
    s.depends_on[dep] ??= { condition: 'service_started', required: true, restart };
  };
  for (const d of sharedNamespaceServices(s)) add(d, true);
  for (const d of volumesFromServices(s)) add(d, false);
  for (const l of s.links ?? []) add(l.split(':')[0]!, false);
}

/** Two services with one container_name (compose-go's words; it names the other service as `{}`, a slip we do not copy). */
function checkContainerNames(services: Record<string, Service>): void {
  const seen = new Map<string, string>();
  for (const [name, s] of Object.entries(services)) {
    if (s.container_name === undefined) continue;
    const other = seen.get(s.container_name);
    if (other !== undefined) throw new ComposeError(`services.${name}: container name ${JSON.stringify(s.container_name)} is already in use by service ${other}`);
    seen.set(s.container_name, name);
  }
}

function checkCycles(services: Record<string, Service>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(n)), n];
      throw new ComposeError(`dependency cycle detected: ${cycle.join(' -> ')}`);
    }
    state.set(n, 'visiting');
    stack.push(n);
    for (const d of Object.keys(services[n]?.depends_on ?? {})) if (d in services) visit(d);
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of Object.keys(services).sort()) visit(n);
}
