// Loading a compose project as docker compose v2 does: which files (-f,
// COMPOSE_FILE, or compose.yaml & co. searched upwards, plus the override
// file), the project directory and name, the interpolation environment
// (.env or --env-file, then the process environment), each file read,
// interpolated, validated against the spec's schema and made canonical, its
// `extends` and `include` resolved, then all merged in order and normalized.
// Everything fails before anything is created.

import fs from 'node:fs';
import path from 'node:path';
import { coerceBooleans } from './booleans.js';
import { canonicalFile } from './canonical.js';
import { DotenvError, parseDotenv } from './dotenv.js';
import { ComposeError, ComposeFileError, keyPath } from './errors.js';
import { errnoText } from '../errors.js';
import { interpolateTree, type InterpolationError, type Lookup } from './interpolate.js';
import { mergeFiles, stripMarkers } from './merge.js';
import type { Project } from './model.js';
import { normalizeModel } from './model-normalize.js';
import { checkProjectName, normalizeProject, normalizeProjectName, resolveServicePaths, resolveTopPaths } from './normalize.js';
import { validateComposeFile } from './validate.js';
import { isPlainObject, readYaml, withoutMarkers, YamlReadError } from './yaml-read.js';

type Tree = Record<string, unknown>;

export const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDE_FILES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

export interface LoadOptions {
  cwd: string;
  /** -f (in order; '-' is stdin). */
  files?: readonly string[];
  /** -p */
  projectName?: string;
  /** --project-directory */
  projectDirectory?: string;
  /** --env-file (in order). */
  envFiles?: readonly string[];
  /** --profile */
  profiles?: readonly string[];
  /** The process environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** Reads stdin for `-f -`. */
  readStdin?: () => string;
  /** Warnings (unset variables, obsolete `version`, several default files). */
  warn?: (msg: string) => void;
  /** `compose config`'s --no-interpolate, --no-normalize, ... (all on when not given). */
  switches?: Partial<LoadSwitches>;
}

/** The loading steps `compose config` can turn off, as docker compose's flags name them. */
export interface LoadSwitches {
  /** --no-interpolate */
  interpolate: boolean;
  /** --no-normalize (and --compatibility) */
  normalize: boolean;
  /** --no-path-resolution */
  resolvePaths: boolean;
  /** --no-consistency */
  consistency: boolean;
  /** --no-env-resolution: env_file kept, not folded into environment */
  resolveEnvFiles: boolean;
}

const ALL_ON: LoadSwitches = { interpolate: true, normalize: true, resolvePaths: true, consistency: true, resolveEnvFiles: true };

/** The files of the project: -f, COMPOSE_FILE, or the search upwards (with the override file). */
export function findComposeFiles(cwd: string, given: readonly string[] | undefined, env: Lookup, warn: (m: string) => void): string[] {
  if (given?.length) return given.map((f) => (f === '-' ? '-' : path.resolve(cwd, f)));
  const fromEnv = env('COMPOSE_FILE');
  if (fromEnv) {
    const sep = env('COMPOSE_PATH_SEPARATOR') ?? ':';
    return fromEnv.split(sep).filter(Boolean).map((f) => path.resolve(cwd, f));
  }
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const found = DEFAULT_FILES.filter((f) => isFile(path.join(dir, f)));
    if (found.length) {
      if (found.length > 1) warn(`Found multiple config files with supported names: ${found.map((f) => path.join(dir, f)).join(', ')}\nUsing ${path.join(dir, found[0]!)}`);
      const override = OVERRIDE_FILES.find((f) => isFile(path.join(dir, f)));
      return [path.join(dir, found[0]!), ...(override ? [path.join(dir, override)] : [])];
    }
    if (dir === path.dirname(dir)) break;
  }
  throw new ComposeError('no configuration file provided: not found');
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The file's name for messages: relative to cwd when below it. */
function label(cwd: string, file: string): string {
  if (file === '-') return '-';
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function readText(file: string, shown: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new ComposeError(`open ${shown}: ${why}`);
  }
}

/** .env-format file → variables; undefined when it does not exist. */
export function readEnvFile(file: string, lookup: Lookup): Map<string, string> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ComposeError(`open ${file}: ${errnoText(err)}`);
  }
  try {
    return parseDotenv(text, lookup);
  } catch (err) {
    if (err instanceof DotenvError || (err as Error).name === 'InterpolationError') throw new ComposeError(`failed to read ${file}: ${(err as Error).message}`);
    throw err;
  }
}

interface LoadedTree {
  merged: Tree;
  name: string;
  workingDir: string;
  files: string[];
  fileLabel: string;
  profiles: string[];
  lookup: Lookup;
  environment: Record<string, string>;
  home: string | undefined;
  switches: LoadSwitches;
}

export function loadProject(opts: LoadOptions): Project {
  const t = loadTree(opts);
  return normalizeProject({
    tree: t.merged,
    name: t.name,
    workingDir: t.workingDir,
    configFiles: t.files,
    fileLabel: t.fileLabel,
    profiles: t.profiles,
    lookup: t.lookup,
    environment: t.environment,
    home: t.home,
    readEnvFile: (f) => readEnvFile(f, t.lookup),
    switches: t.switches,
  });
}

/**
 * The merged files as a plain tree, compose-go's "model" (`config
 * --no-interpolate`): every profile's services, durations and env files as
 * written, normalized only as compose-go's Normalize does.
 */
export function loadModel(opts: LoadOptions): Tree {
  const t = loadTree({ ...opts, switches: { ...opts.switches, interpolate: false } });
  return t.switches.normalize ? normalizeModel(t.merged, t.name, t.environment) : t.merged;
}

function loadTree(opts: LoadOptions): LoadedTree {
  const switches: LoadSwitches = { ...ALL_ON, ...opts.switches };
  const warn = opts.warn ?? (() => {});
  const osEnv: Lookup = (n) => opts.env[n];
  // COMPOSE_* may come from the working directory's .env before the files are known.
  const preDir = opts.projectDirectory ? path.resolve(opts.cwd, opts.projectDirectory) : opts.cwd;
  const preEnv = opts.envFiles?.length ? undefined : readEnvFile(path.join(preDir, '.env'), osEnv);
  const pre: Lookup = (n) => opts.env[n] ?? preEnv?.get(n);
  const files = findComposeFiles(opts.cwd, opts.files, pre, warn);
  const first = files[0]!;
  const workingDir = opts.projectDirectory
    ? path.resolve(opts.cwd, opts.projectDirectory)
    : first === '-' ? opts.cwd : path.dirname(first);

  // The interpolation environment: --env-file files (or .env), the process environment over them.
  const dotenv = new Map<string, string>();
  const envFiles = opts.envFiles?.length ? opts.envFiles.map((f) => path.resolve(opts.cwd, f)) : [path.join(workingDir, '.env')];
  for (const f of envFiles) {
    const vars = readEnvFile(f, (n) => opts.env[n] ?? dotenv.get(n));
    if (vars === undefined) {
      if (opts.envFiles?.length) throw new ComposeError(`couldn't find env file: ${f}`);
      continue;
    }
    for (const [k, v] of vars) dotenv.set(k, v);
  }
  const environment: Record<string, string> = Object.fromEntries(dotenv);
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) environment[k] = v;
  const lookup: Lookup = (n) => environment[n];
  const unset = new Set<string>();
  const onUnset = (n: string) => {
    if (unset.has(n)) return;
    unset.add(n);
    warn(`The "${n}" variable is not set. Defaulting to a blank string.`);
  };

  const home = opts.env.HOME;
  const ctx: FileContext = { cwd: opts.cwd, lookup, onUnset, warn, home, readStdin: opts.readStdin, interpolate: switches.interpolate };
  let merged: Tree = {};
  for (const f of files) {
    const tree = loadFile(ctx, f, workingDir, new Set());
    merged = mergeFiles(merged, tree);
  }
  merged = stripMarkers(merged) as Tree;
  if (switches.resolvePaths) merged = resolveTopPaths(merged, workingDir, home);

  const fileLabel = label(opts.cwd, first);
  let name: string;
  if (opts.projectName !== undefined) {
    name = opts.projectName;
    checkProjectName(name);
  } else if (environment.COMPOSE_PROJECT_NAME) {
    name = environment.COMPOSE_PROJECT_NAME;
    checkProjectName(name);
  } else if (typeof merged.name === 'string' && merged.name !== '') {
    name = merged.name;
    checkProjectName(name);
  } else {
    name = normalizeProjectName(path.basename(workingDir));
    if (name === '') throw new ComposeError(`project name must not be empty: use -p or a top-level "name"`);
  }
  const profiles = [...(opts.profiles ?? []), ...(environment.COMPOSE_PROFILES ? environment.COMPOSE_PROFILES.split(',').filter(Boolean) : [])];
  return { merged, name, workingDir, files, fileLabel, profiles, lookup, environment, home, switches };
}

interface FileContext {
  cwd: string;
  lookup: Lookup;
  onUnset: (n: string) => void;
  warn: (m: string) => void;
  home: string | undefined;
  readStdin: (() => string) | undefined;
  interpolate: boolean;
}

/** One file: parsed, interpolated, validated, canonical, its extends and includes resolved. */
function loadFile(ctx: FileContext, file: string, workingDir: string, including: Set<string>): Tree {
  const shown = label(ctx.cwd, file);
  const text = file === '-' ? (ctx.readStdin?.() ?? '') : readText(file, shown);
  const tree = parseFile(ctx, shown, text);
  if ('version' in tree) {
    ctx.warn(`${file === '-' ? 'stdin' : file}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
    delete tree.version;
  }
  resolveExtends(ctx, shown, file === '-' ? workingDir : path.dirname(file), tree);
  if (Array.isArray(tree.include)) {
    for (const [i, inc] of tree.include.entries()) includeInto(ctx, shown, tree, inc, i, file === '-' ? workingDir : path.dirname(file), including);
    delete tree.include;
  }
  return tree;
}

function parseFile(ctx: FileContext, shown: string, text: string): Tree {
  let raw: unknown;
  try {
    raw = readYaml(text);
  } catch (err) {
    if (err instanceof YamlReadError) throw new ComposeFileError(shown, '', err.message);
    throw err;
  }
  if (!isPlainObject(raw)) throw new ComposeFileError(shown, '', 'top-level object must be a mapping');
  const interpolated = !ctx.interpolate
    ? raw
    : (interpolateTree(
        raw,
        ctx.lookup,
        (p, err: InterpolationError): never => {
          throw new ComposeFileError(shown, keyPath(p), err.message);
        },
        ctx.onUnset,
      ) as Tree);
  validateComposeFile(shown, withoutMarkers(interpolated));
  coerceBooleans(shown, interpolated);
  return canonicalFile(shown, interpolated, !ctx.interpolate);
}

/** `extends: {service, file}`: the base service merged under this one (recursively, cycles refused). */
function resolveExtends(ctx: FileContext, shown: string, dir: string, tree: Tree): void {
  if (!isPlainObject(tree.services)) return;
  const services = tree.services as Record<string, Tree>;
  const done = new Map<string, Tree>();
  const resolve = (name: string, chain: string[]): Tree => {
    const cached = done.get(name);
    if (cached) return cached;
    const svc = services[name];
    if (!svc) throw new ComposeFileError(shown, `services.${chain[chain.length - 1] ?? name}.extends`, `cannot extend service ${JSON.stringify(name)}: no such service`);
    if (chain.includes(name)) throw new ComposeError(`${shown}: circular reference with extends: ${[...chain, name].join(' -> ')}`);
    const ext = svc.extends;
    if (ext === undefined) return svc;
    const e = typeof ext === 'string' ? { service: ext } : (ext as { service: string; file?: string });
    let base: Tree;
    if (e.file === undefined) {
      base = resolve(e.service, [...chain, name]);
    } else {
      const f = path.resolve(dir, e.file);
      const other = loadFile(ctx, f, path.dirname(f), new Set());
      const otherSvc = (other.services as Record<string, Tree> | undefined)?.[e.service];
      if (!otherSvc) throw new ComposeFileError(shown, `services.${name}.extends`, `cannot extend service ${JSON.stringify(e.service)}: not found in ${e.file}`);
      base = resolveServicePaths(stripMarkers(otherSvc) as Tree, path.dirname(f), ctx.home);
    }
    const own = { ...svc };
    delete own.extends;
    const baseClean = { ...base };
    delete baseClean.extends;
    const merged = (mergeFiles({ services: { [name]: baseClean } }, { services: { [name]: own } }).services as Record<string, Tree>)[name]!;
    done.set(name, merged);
    return merged;
  };
  for (const name of Object.keys(services)) services[name] = resolve(name, []);
}

/** `include:` another project's files; its resources join this one (a clash is an error). */
function includeInto(ctx: FileContext, shown: string, tree: Tree, inc: unknown, i: number, dir: string, including: Set<string>): void {
  const spec = typeof inc === 'string' ? { path: [inc] } : (inc as { path: string | string[]; project_directory?: string; env_file?: string | string[] });
  const paths = (Array.isArray(spec.path) ? spec.path : [spec.path]).map((p) => path.resolve(dir, p));
  const incDir = spec.project_directory ? path.resolve(dir, spec.project_directory) : path.dirname(paths[0]!);
  for (const p of paths) {
    if (including.has(p)) throw new ComposeFileError(shown, `include[${i}]`, `include cycle: ${p} includes itself`);
  }
  let sub: Tree = {};
  for (const p of paths) {
    if (!isFile(p)) throw new ComposeFileError(shown, `include[${i}]`, `open ${p}: no such file or directory`);
    sub = mergeFiles(sub, loadFile(ctx, p, incDir, new Set([...including, ...paths])));
  }
  sub = resolveTopPaths(stripMarkers(sub) as Tree, incDir, ctx.home);
  for (const k of ['services', 'networks', 'volumes', 'secrets', 'configs']) {
    if (!isPlainObject(sub[k])) continue;
    const mine = (isPlainObject(tree[k]) ? tree[k] : (tree[k] = {})) as Tree;
    for (const [n, v] of Object.entries(sub[k])) {
      if (n in mine) {
        if (k === 'services' || JSON.stringify(mine[n]) !== JSON.stringify(v)) {
          throw new ComposeFileError(shown, `${k}.${n}`, `conflicts with imported resource`);
        }
        continue;
      }
      mine[n] = v;
    }
  }
}

