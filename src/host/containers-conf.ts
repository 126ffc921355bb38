// The few settings we honour from the containers config files podman users
// already have: storage.conf (driver, mount_program) and registries.conf
// (unqualified-search-registries). Reads files; parsing is toml.ts (smol-toml).

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError } from '../errors.js';
import { containersConfigDir } from '../config/paths.js';
import { isTomlTable, parseToml, TomlError, type TomlTable, type TomlValue } from './toml.js';

type Env = Record<string, string | undefined>;

export function readToml(file: string): TomlTable | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parseToml(text);
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
  const user = path.join(containersConfigDir(env), 'registries.conf');
  const main = fs.existsSync(user) ? user : '/etc/containers/registries.conf';
  const dropIns = (dir: string) => {
    try {
      return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.conf'))
        .sort()
        .map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  };
  return [main, ...dropIns('/etc/containers/registries.conf.d'), ...dropIns(path.join(containersConfigDir(env), 'registries.conf.d'))];
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
