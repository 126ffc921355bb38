// The few settings we honour from the containers config files podman users
// already have: storage.conf (driver, mount_program) and registries.conf
// (unqualified-search-registries). Reads files; parsing is toml.ts (smol-toml).

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError } from '../errors.js';
import { logDebugOnce, logTrace } from '../format/log.js';
import { containersConfigDir } from '../config/paths.js';
import { confDropIns, containersConfFiles } from './conf-files.js';
import { isTomlTable, parseToml, TomlError, type TomlTable, type TomlValue } from './toml.js';

export { containersConfFiles };

type Env = Record<string, string | undefined>;

/** Files already parsed by this process: a command reads containers.conf from several places. */
const parsed = new Map<string, { text: string; doc: TomlTable }>();

/** A file's tables (read-only: they may be shared with other callers), or undefined when it cannot be read. */
export function readToml(file: string): TomlTable | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // Parsed once per process while its text stays the same, and said once.
  const seen = parsed.get(file);
  if (seen?.text === text) return seen.doc;
  logTrace(`Reading configuration file ${JSON.stringify(file)}`);
  logDebugOnce(`Merged configuration file ${JSON.stringify(file)}`);
  try {
    const doc = parseToml(text);
    parsed.set(file, { text, doc });
    return doc;
  } catch (err) {
    if (err instanceof TomlError) throw new TscRunError(`parsing ${file}: ${err.message}`);
    throw err;
  }
}

function table(v: TomlValue | undefined): TomlTable | undefined {
  return isTomlTable(v) ? v : undefined;
}

function str(v: TomlValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export interface StorageConf {
  /** The file podman would use (it may not exist). */
  configFile: string;
  /** Whether configFile exists and was read. */
  found: boolean;
  driver?: string;
  mountProgram?: string;
}

/** storage.conf candidates in podman's order: the user's file (rootless only), /etc, /usr/share. */
export function storageConfCandidates(rootless: boolean, env: Env = process.env): string[] {
  // CONTAINERS_STORAGE_CONF replaces the search, as in containers/storage.
  if (env.CONTAINERS_STORAGE_CONF) return [env.CONTAINERS_STORAGE_CONF];
  return [
    ...(rootless ? [path.join(containersConfigDir(env), 'storage.conf')] : []),
    '/etc/containers/storage.conf',
    '/usr/share/containers/storage.conf',
  ];
}

/** Pure: driver and mount_program out of a parsed storage.conf. */
export function storageSettingsOf(doc: TomlTable): { driver?: string; mountProgram?: string } {
  const storage = table(doc.storage);
  const options = table(storage?.options);
  const overlay = table(options?.overlay);
  const out: { driver?: string; mountProgram?: string } = {};
  const driver = str(storage?.driver);
  // Older storage.conf files put mount_program directly under [storage.options].
  const mountProgram = str(overlay?.mount_program) ?? str(options?.mount_program);
  if (driver) out.driver = driver;
  if (mountProgram) out.mountProgram = mountProgram;
  return out;
}

export function readStorageConf(rootless: boolean, env: Env = process.env): StorageConf {
  const candidates = storageConfCandidates(rootless, env);
  for (const file of candidates) {
    const doc = readToml(file);
    if (doc) return { configFile: file, found: true, ...storageSettingsOf(doc) };
  }
  return { configFile: candidates[0]!, found: false };
}

/** Pure: `--storage-opt` values that matter for the driver choice. */
export function mountProgramFromOpts(opts: readonly string[]): string | undefined {
  let found: string | undefined;
  for (const o of opts) {
    const m = /^(?:overlay\.|overlay2\.)?mount_program=(.*)$/.exec(o);
    if (m) found = m[1] || undefined;
  }
  return found;
}

/** registries.conf and its drop-ins, in the order podman reads them (later wins per key). */
export function registriesConfFiles(env: Env = process.env): string[] {
  // CONTAINERS_REGISTRIES_CONF names the one file (and its own .d), as containers/image.
  const forced = env.CONTAINERS_REGISTRIES_CONF;
  const user = path.join(containersConfigDir(env), 'registries.conf');
  const main = forced || (fs.existsSync(user) ? user : '/etc/containers/registries.conf');
  if (forced) return [forced, ...confDropIns(`${forced}.d`)];
  return [main, ...confDropIns('/etc/containers/registries.conf.d'), ...confDropIns(path.join(containersConfigDir(env), 'registries.conf.d'))];
}

/** Pure: the unqualified-search-registries list of one parsed file, if it sets one. */
export function searchRegistriesOf(doc: TomlTable): string[] | undefined {
  const v = doc['unqualified-search-registries'];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

export function readSearchRegistries(env: Env = process.env): string[] {
  let search: string[] = [];
  for (const f of registriesConfFiles(env)) {
    const doc = readToml(f);
    const s = doc && searchRegistriesOf(doc);
    if (s) search = s;
  }
  return search;
}

/** Pure: tables merge key by key, anything else is replaced. */
export function mergeTomlTables(a: TomlTable, b: TomlTable): TomlTable {
  const out: TomlTable = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = table(out[k]);
    const next = table(v);
    out[k] = prev && next ? mergeTomlTables(prev, next) : v;
  }
  return out;
}

/** Every containers.conf podman would read, merged. A file named by CONTAINERS_CONF must exist. */
export function readContainersConf(env: Env = process.env, rootless = process.getuid!() !== 0): TomlTable {
  const files = containersConfFiles(rootless, env);
  if (env.CONTAINERS_CONF && !fs.existsSync(env.CONTAINERS_CONF)) {
    throw new TscRunError(`reading containers.conf: ${env.CONTAINERS_CONF} does not exist`);
  }
  let doc: TomlTable = {};
  for (const f of files) {
    const d = readToml(f);
    if (d) doc = mergeTomlTables(doc, d);
  }
  return doc;
}
