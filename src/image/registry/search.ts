// `search`: which repositories a registry holds that match a term, or the
// tags of one repository (--list-tags). As containers/image does it: the
// Docker Hub style `/v1/search` first (anonymous; a registry without it
// answers 404), then the distribution catalog `/v2/_catalog` filtered by
// substring, an exact match first. A term naming a registry (`host/term`)
// searches that registry; otherwise every unqualified-search registry of
// registries.conf, and a registry that fails only matters when none answers.

import { TscRunError, UsageError } from '../../errors.js';
import { normalizeReference, repositoryOf } from '../../storage/image-reference.js';
import type { RegistryClient } from './client.js';
import { statusError } from './client.js';
import { discard, readBody } from './http.js';
import type { RegistriesConf } from './registries-conf.js';
import { openRemote, type RemoteOptions } from './remote.js';

/** podman's ImageSearchReport: the JSON keys and template fields. */
export interface SearchReport {
  Index: string;
  Name: string;
  Description: string;
  Stars: number;
  Official: string;
  Automated: string;
  Tag: string;
}

export interface SearchFilter {
  stars: number;
  automated?: boolean | undefined;
  official?: boolean | undefined;
}

export interface SearchOptions extends RemoteOptions {
  /** --limit (0: podman's default of 25 per registry). */
  limit: number;
  listTags: boolean;
  filter: SearchFilter;
  conf: RegistriesConf;
}

/** What a registry says of one repository (v1 search's fields). */
interface Found {
  name: string;
  description: string;
  stars: number;
  official: boolean;
  automated: boolean;
}

const DEFAULT_LIMIT = 25;

/** `--filter stars=N|is-automated[=false]|is-official[=false]`, as podman parses them. */
export function parseSearchFilters(filters: readonly string[]): SearchFilter {
  const out: SearchFilter = { stars: 0 };
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    const value = eq < 0 ? undefined : f.slice(eq + 1);
    if (key === 'stars') {
      if (value === undefined) throw new UsageError(`invalid filter "${f}", should be stars=<value>`);
      if (!/^[+-]?\d+$/.test(value)) throw new UsageError(`incorrect value type for stars filter: strconv.Atoi: parsing "${value}": invalid syntax`);
      out.stars = Number(value);
    } else if (key === 'is-automated') out.automated = value !== 'false';
    else if (key === 'is-official') out.official = value !== 'false';
    else throw new UsageError(`invalid filter type "${f}"`);
  }
  return out;
}

/** `host/term` searches host; a bare term every unqualified-search registry. */
export function searchTargets(term: string, conf: RegistriesConf): { registries: string[]; term: string } {
  const slash = term.indexOf('/');
  if (slash >= 0) return { registries: [term.slice(0, slash)], term: term.slice(slash + 1) };
  return { registries: [...conf.search], term };
}

/** containers/image's filter: an exact match first, substring matches after, up to `limit`. */
export function matchCatalog(repositories: readonly string[], term: string, limit: number, already: string[] = []): string[] {
  const out = [...already];
  for (const repo of repositories) {
    if (out.length >= limit) break;
    if (!repo.includes(term)) continue;
    if (repo === term) out.unshift(repo);
    else out.push(repo);
  }
  return out;
}

/** The report rows of one registry's answer: podman's limit, filters, names and truncation. */
export function searchRows(registry: string, found: readonly Found[], o: Pick<SearchOptions, 'limit' | 'filter'>): SearchReport[] {
  const parts = registry.split('.');
  const index = parts.length > 2 ? parts.slice(-2).join('.') : registry;
  const limit = o.limit > 0 ? Math.min(o.limit, found.length) : Math.min(DEFAULT_LIMIT, found.length);
  const rows: SearchReport[] = [];
  for (const f of found.slice(0, limit)) {
    if (f.stars < o.filter.stars) continue;
    if (o.filter.automated !== undefined && f.automated !== o.filter.automated) continue;
    if (o.filter.official !== undefined && f.official !== o.filter.official) continue;
    // Whole here: podman truncates descriptions in its table only (search.ts in the CLI).
    const description = f.description.replace(/\n/g, ' ');
    const name = index === 'docker.io' && !f.name.includes('/') ? `${index}/library/${f.name}` : `${registry}/${f.name}`;
    rows.push({ Index: registry, Name: name, Description: description, Stars: f.stars, Official: f.official ? '[OK]' : '', Automated: f.automated ? '[OK]' : '', Tag: '' });
  }
  return rows;
}

async function getJson(client: RegistryClient, path: string | URL, scopes: string[], what: string): Promise<{ doc: unknown; next: URL | undefined } | undefined> {
  const res = await client.send({ method: 'GET', path, scopes });
  if (res.status !== 200) {
    if (scopes.length === 0) {
      discard(res);
      return undefined;
    }
    throw await statusError(res);
  }
  const doc: unknown = JSON.parse((await readBody(res, 16 << 20, what)).toString('utf8'));
  const link = res.headers.link;
  const next = typeof link === 'string' ? /<([^>]+)>/.exec(link)?.[1] : undefined;
  return { doc, next: next ? new URL(next, res.url) : undefined };
}

function v1Results(doc: unknown): Found[] {
  const results = (doc as { results?: unknown }).results;
  if (!Array.isArray(results)) return [];
  return results.map((r: Record<string, unknown>) => ({
    name: String(r.name ?? ''),
    description: typeof r.description === 'string' ? r.description : '',
    stars: typeof r.star_count === 'number' ? r.star_count : 0,
    official: r.is_official === true,
    automated: r.is_automated === true,
  }));
}

async function searchRegistry(registry: string, term: string, o: SearchOptions): Promise<SearchReport[]> {
  // The Hub answers search at its v1 host.
  const remote = openRemote(`${registry === 'docker.io' ? 'index.docker.io' : registry}/_`, o.conf, o);
  const limit = o.limit > 0 ? o.limit : DEFAULT_LIMIT;
  try {
    if (term !== '') {
      const v1 = await getJson(remote.client, `/v1/search?q=${encodeURIComponent(term)}&n=${limit}`, [], 'search results').catch(() => undefined);
      if (v1) return searchRows(registry, v1Results(v1.doc), o);
    }
    let names: string[] = [];
    let path: string | URL = '/v2/_catalog';
    for (let page = 0; page < 1000 && names.length < limit; page++) {
      const r = await getJson(remote.client, path, ['registry:catalog:*'], 'catalog');
      const repos = (r?.doc as { repositories?: unknown } | undefined)?.repositories;
      names = matchCatalog(Array.isArray(repos) ? repos.filter((x): x is string => typeof x === 'string') : [], term, limit, names);
      if (!r?.next) break;
      path = r.next;
    }
    return searchRows(registry, names.map((name) => ({ name, description: '', stars: 0, official: false, automated: false })), o);
  } catch (err) {
    throw new TscRunError(`couldn't search registry "${registry}": ${(err as Error).message}`, undefined, { cause: err });
  } finally {
    remote.client.close();
  }
}

async function listTags(registry: string, term: string, o: SearchOptions): Promise<SearchReport[]> {
  let name: string;
  try {
    name = repositoryOf(normalizeReference(`${registry}/${term}`));
  } catch {
    throw new UsageError(`reference "${term}" must be a docker reference`);
  }
  const remote = openRemote(name, o.conf, o);
  try {
    const tags = await remote.client.listTags(remote.repository).catch((err: Error) => {
      throw new TscRunError(`getting repository tags: fetching tags list: ${err.message}`, undefined, { cause: err });
    });
    const limit = o.limit > 0 ? Math.min(o.limit, tags.length) : Math.min(DEFAULT_LIMIT, tags.length);
    return tags.slice(0, limit).map((Tag) => ({ Index: registry, Name: name, Description: '', Stars: 0, Official: '', Automated: '', Tag }));
  } finally {
    remote.client.close();
  }
}

/** Search every target registry (at most six at once); errors count only when nothing was found. */
export async function searchImages(input: string, o: SearchOptions): Promise<SearchReport[]> {
  const { registries, term } = searchTargets(input, o.conf);
  const one = (r: string) => (o.listTags ? listTags(r, term, o) : searchRegistry(r, term, o));
  const settled: Array<PromiseSettledResult<SearchReport[]>> = [];
  for (let i = 0; i < registries.length; i += 6) settled.push(...(await Promise.allSettled(registries.slice(i, i + 6).map(one))));
  const rows = settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
  if (rows.length > 0) return rows;
  const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as Error);
  if (failed.length === 0) return [];
  if (failed.length === 1) throw failed[0]!;
  throw new TscRunError(`${failed.length} errors occurred: ${failed.map((e) => e.message).join('; ')}`);
}

/** `--list-tags --format json`: one entry per repository with its tags. */
export function tagsJson(rows: readonly SearchReport[]): Array<{ Name: string; Tags: string[] }> {
  const out: Array<{ Name: string; Tags: string[] }> = [];
  for (const r of rows) {
    const entry = out.find((e) => e.Name === r.Name);
    if (entry) entry.Tags.push(r.Tag);
    else out.push({ Name: r.Name, Tags: [r.Tag] });
  }
  return out;
}
