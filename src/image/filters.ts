// `--filter` for images and image prune, as podman 4 reads it: `key=value`
// or `key!=value`; filters with the same key are OR'ed, different keys
// AND'ed. Keys: reference (glob over the name's forms), before/since
// (after) another image, dangling, intermediate, label, id, readonly,
// containers, until. Pure: image lookups and "now" come from the caller.

import { UsageError } from '../errors.js';
import { formatReference, parseReference, repositoryOf } from '../storage/image-reference.js';

/** What a filter can look at. */
export interface FilterSubject {
  id: string;
  names: readonly string[];
  labels: Readonly<Record<string, string>>;
  created: Date;
  containers: number;
  dangling: boolean;
  intermediate: boolean;
  readOnly: boolean;
}

export interface FilterContext {
  /** The created time of the image a name or id refers to; throws its own error when there is none. */
  createdOf(nameOrId: string): Date;
  now: Date;
}

export type ImagePredicate = (s: FilterSubject) => boolean;

/** Go's path.Match: `*` and `?` never match `/`; `[...]` classes; `\` escapes. Invalid patterns match nothing. */
export function goPathMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) return false;
      re += escapeRe(pattern[i]!);
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return false;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      if (!body) return false;
      re += `[${negate ? '^/' : ''}${body.replace(/[\]\\^]/g, '\\$&')}]`;
      i = end;
    } else re += escapeRe(c);
  }
  try {
    return new RegExp(re + '$').test(name);
  } catch {
    return false;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The forms of a stored name a reference filter is matched against (libimage's candidates). */
export function referenceCandidates(name: string): string[] {
  let ref;
  try {
    ref = parseReference(name);
  } catch {
    return [name];
  }
  const full = formatReference(ref);
  const trimmed = repositoryOf(ref);
  const pathOnly = ref.path;
  const last = (s: string) => s.slice(s.lastIndexOf('/') + 1);
  const out = [full, pathOnly, last(full)];
  if (full !== trimmed) {
    const tagOrDigest = full.slice(trimmed.length);
    out.push(trimmed, pathOnly + tagOrDigest, last(trimmed));
  }
  return out;
}

/** Podman's label filter: `key` or `key=value`; a key with `*` is a glob. */
export function matchLabel(filter: string, labels: Readonly<Record<string, string>>): boolean {
  const eq = filter.indexOf('=');
  const key = eq < 0 ? filter : filter.slice(0, eq);
  const value = eq < 0 ? '' : filter.slice(eq + 1);
  const keyMatches = (k: string) => {
    if (k === key) return true;
    if (!key.includes('*')) return false;
    return goPathMatch(`*${key}*`.replaceAll('/', '|'), k.replaceAll('/', '|'));
  };
  return Object.entries(labels).some(([k, v]) => (value === '' || v === value) && keyMatches(k));
}

/** Go's strconv.ParseBool, or undefined. */
function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

const GO_DURATION_RE = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration in milliseconds, or undefined. */
export function parseGoDuration(v: string): number | undefined {
  if (!GO_DURATION_RE.test(v)) return undefined;
  const sign = v.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const m of v.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return sign * total;
}

/** `until=` values as podman's timetype reads them: a duration before now, a date or time (local unless zoned), or unix seconds. */
export function parseUntil(value: string, now: Date): Date {
  const dur = parseGoDuration(value);
  if (value !== '0' && dur !== undefined) return new Date(now.getTime() - dur);
  const zoned = /[zZ+]/.test(value) || (value.match(/-/g) ?? []).length === 3;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?$/.exec(value);
  if (m && !zoned) {
    const [, y, mo, d, h, mi, s, frac] = m;
    return new Date(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), Math.round(Number(frac ?? 0) * 1000));
  }
  if (value.includes('-')) {
    const t = Date.parse(value);
    if (Number.isNaN(t)) throw new UsageError(`parsing time ${JSON.stringify(value)}: cannot parse`);
    return new Date(t);
  }
  if (/^\d+(\.\d+)?$/.test(value)) return new Date(Number(value) * 1000);
  throw new UsageError(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
}

/**
 * Compile `--filter` values into one predicate. Invalid filters throw
 * UsageError with podman's messages; `createdOf` errors for before/since are
 * wrapped as podman wraps them.
 */
export function compileImageFilters(filters: readonly string[], ctx: FilterContext): ImagePredicate {
  const groups = new Map<string, ImagePredicate[]>();
  const seen = new Map<string, string>();
  const once = (key: string, value: string) => {
    const prev = seen.get(key);
    if (prev !== undefined && prev !== value) throw new UsageError(`specifying "${key}" filter more than once with different values is not supported`);
    seen.set(key, value);
  };
  const bool = (key: string, value: string): boolean => {
    once(key, value);
    const b = parseGoBool(value);
    if (b === undefined) {
      // podman's message names the two the other way round; kept so scripts matching it still do.
      throw new UsageError(`non-boolean value "${key}" for ${value} filter: strconv.ParseBool: parsing "${value}": invalid syntax`);
    }
    return b;
  };
  const imageTime = (key: string, value: string): Date => {
    try {
      return ctx.createdOf(value);
    } catch (err) {
      throw new UsageError(`could not find local image for filter filter "${key}"="${value}": ${(err as Error).message}`);
    }
  };

  for (const f of filters) {
    let negate = false;
    let split: string[];
    const ne = f.indexOf('!=');
    if (ne >= 0) {
      negate = true;
      split = [f.slice(0, ne), f.slice(ne + 2)];
    } else {
      const eq = f.indexOf('=');
      if (eq < 0) throw new UsageError(`invalid image filter "${f}": must be in the format "filter=value or filter!=value"`);
      split = [f.slice(0, eq), f.slice(eq + 1)];
    }
    let key = split[0]!;
    const value = split[1]!;
    let p: ImagePredicate;
    switch (key) {
      case 'after':
      case 'since': {
        const t = imageTime(key, value);
        key = 'since';
        p = (s) => s.created.getTime() > t.getTime();
        break;
      }
      case 'before': {
        const t = imageTime(key, value);
        p = (s) => s.created.getTime() < t.getTime();
        break;
      }
      case 'until': {
        const t = parseUntil(value, ctx.now);
        p = (s) => s.created.getTime() < t.getTime();
        break;
      }
      case 'containers': {
        once(key, value);
        if (value === 'external') p = (s) => s.containers === 0; // every container here is ours: none is external
        else if (value === 'true' || value === 'false') {
          const want = value === 'true';
          p = (s) => s.containers > 0 === want;
        } else throw new UsageError(`unsupported value "${value}" for containers filter`);
        break;
      }
      case 'dangling': {
        const want = bool(key, value);
        p = (s) => s.dangling === want;
        break;
      }
      case 'intermediate': {
        const want = bool(key, value);
        p = (s) => s.intermediate === want;
        break;
      }
      case 'readonly': {
        const want = bool(key, value);
        p = (s) => s.readOnly === want;
        break;
      }
      case 'id':
        p = (s) => s.id === value;
        break;
      case 'label':
        p = (s) => matchLabel(value, s.labels);
        break;
      case 'reference':
        p = (s) => s.names.some((n) => referenceCandidates(n).some((c) => goPathMatch(value, c)));
        break;
      default:
        throw new UsageError(`unsupported image filter "${key}"`);
    }
    const q = negate ? (s: FilterSubject) => !p(s) : p;
    groups.set(key, [...(groups.get(key) ?? []), q]);
  }
  const all = [...groups.values()];
  return (s) => all.every((group) => group.some((p) => p(s)));
}
