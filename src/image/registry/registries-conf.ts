// registries.conf (v2) as podman reads it: the unqualified-search list,
// [[registry]] entries (prefix → location rewrite, insecure, blocked) and
// [aliases] for short names. Files are the ones src/host/containers-conf.ts
// lists (the user's or the system file, then drop-ins); a later file
// replaces the search list, replaces a [[registry]] with the same prefix and
// adds or replaces aliases. Merging and matching are pure.

import { readToml, registriesConfFiles } from '../../host/containers-conf.js';
import { isTomlTable as isTable, type TomlTable } from '../../host/toml.js';
import { TscRunError } from '../../errors.js';

export interface RegistryEntry {
  /** What references are matched against: `host[:port][/path]` or `*.domain`. */
  prefix: string;
  /** Where matching references really live (the prefix is replaced by it). */
  location: string;
  insecure: boolean;
  blocked: boolean;
}

export interface Alias {
  /** Fully qualified repository the short name stands for. */
  target: string;
  file: string;
}

export interface RegistriesConf {
  search: string[];
  /** The file that set the search list (or the main file when none did). */
  searchFile: string;
  registries: RegistryEntry[];
  aliases: Map<string, Alias>;
}

export interface ConfDoc {
  file: string;
  doc: TomlTable;
}

/** Pure: merge parsed files, first (main) to last (drop-ins). */
export function mergeRegistriesConf(docs: readonly ConfDoc[], mainFile = '/etc/containers/registries.conf'): RegistriesConf {
  const conf: RegistriesConf = { search: [], searchFile: mainFile, registries: [], aliases: new Map() };
  for (const { file, doc } of docs) {
    const search = doc['unqualified-search-registries'];
    if (Array.isArray(search)) {
      conf.search = search.filter((s): s is string => typeof s === 'string' && s !== '');
      conf.searchFile = file;
    }
    const regs = doc.registry;
    if (Array.isArray(regs)) {
      for (const r of regs) {
        if (!isTable(r)) continue;
        const location = typeof r.location === 'string' ? stripScheme(r.location) : '';
        const prefix = typeof r.prefix === 'string' && r.prefix !== '' ? stripScheme(r.prefix) : location;
        if (!prefix) throw new TscRunError(`invalid ${file}: a [[registry]] needs a location or a prefix`);
        const entry: RegistryEntry = {
          prefix,
          location: location || prefix,
          insecure: r.insecure === true,
          blocked: r.blocked === true,
        };
        conf.registries = conf.registries.filter((e) => e.prefix !== prefix);
        conf.registries.push(entry);
      }
    }
    const aliases = doc.aliases;
    if (isTable(aliases)) {
      for (const [name, target] of Object.entries(aliases)) {
        // An empty value removes an alias set by an earlier file.
        if (typeof target === 'string' && target !== '') conf.aliases.set(name, { target, file });
        else conf.aliases.delete(name);
      }
    }
  }
  return conf;
}

function stripScheme(s: string): string {
  return s.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
}

/** Whether `name` (`host[:port]/path`, no tag) falls under `prefix`. */
function prefixMatches(prefix: string, name: string): boolean {
  if (prefix.startsWith('*.')) {
    const host = name.split('/')[0]!.replace(/:\d+$/, '');
    return host.endsWith(prefix.slice(1));
  }
  return name === prefix || name.startsWith(prefix + '/');
}

/** Pure: the most specific [[registry]] entry for a repository name, as podman picks it. */
export function findRegistry(conf: RegistriesConf, name: string): RegistryEntry | undefined {
  let best: RegistryEntry | undefined;
  for (const e of conf.registries) {
    if (!prefixMatches(e.prefix, name)) continue;
    // Longest prefix wins; an exact prefix beats a wildcard of the same length.
    if (!best || e.prefix.length > best.prefix.length || (best.prefix.startsWith('*.') && !e.prefix.startsWith('*.'))) best = e;
  }
  return best;
}

/** Pure: the repository name after the entry's prefix → location rewrite. */
export function rewriteLocation(entry: RegistryEntry | undefined, name: string): string {
  if (!entry || entry.prefix.startsWith('*.') || entry.prefix === entry.location) return name;
  return entry.location + name.slice(entry.prefix.length);
}

/** Read every registries.conf file podman would (see registriesConfFiles). */
export function loadRegistriesConf(env: Record<string, string | undefined> = process.env): RegistriesConf {
  const files = registriesConfFiles(env);
  const docs: ConfDoc[] = [];
  for (const file of files) {
    const doc = readToml(file);
    if (doc) docs.push({ file, doc });
  }
  return mergeRegistriesConf(docs, files[0]);
}
