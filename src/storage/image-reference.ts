// Image references the way Podman reads them (docker/distribution grammar):
//   [domain[:port]/]path[:tag][@sha256:hex]
// Pure: parsing, normalisation (`busybox` → docker.io/library/busybox:latest
// for registries, `demo` → localhost/demo:latest for local names), and the
// candidate names a short name may be stored under.

import { UsageError } from '../errors.js';

export const DEFAULT_DOMAIN = 'docker.io';
export const LOCAL_DOMAIN = 'localhost';
export const DEFAULT_TAG = 'latest';
const OFFICIAL_REPO_PREFIX = 'library/';
const MAX_NAME_LENGTH = 255;

export interface ImageReference {
  /** Registry host[:port]; undefined when the string named none. */
  domain: string | undefined;
  /** Repository path below the domain, e.g. `library/busybox`. */
  path: string;
  tag: string | undefined;
  /** `sha256:<64 hex>`. */
  digest: string | undefined;
}

// Building blocks of the grammar, as regex sources.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|${IPV6})`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REFERENCE_RE = new RegExp(
  `^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const SHA256_DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
const FULL_ID_RE = /^[0-9a-f]{64}$/;

export const INVALID_REFERENCE = 'invalid reference format';

function invalid(detail?: string): UsageError {
  return new UsageError(detail ? `${INVALID_REFERENCE}: ${detail}` : INVALID_REFERENCE);
}

/**
 * Parse without normalising. Like distribution's reference.Parse, a first
 * component followed by `/` is taken as the domain whatever it looks like;
 * callers decide whether it really is a registry (see isRegistryDomain).
 */
export function parseReference(input: string): ImageReference {
  const m = REFERENCE_RE.exec(input);
  if (!m) {
    // Only case is wrong: say so, as podman does.
    if (input && REFERENCE_RE.test(input.toLowerCase())) throw new UsageError('repository name must be lowercase');
    throw invalid();
  }
  const [, domain, path, tag, digest] = m;
  const nameLength = (domain ? domain.length + 1 : 0) + path!.length;
  if (nameLength > MAX_NAME_LENGTH) throw invalid(`repository name must not be more than ${MAX_NAME_LENGTH} characters`);
  if (digest !== undefined && !SHA256_DIGEST_RE.test(digest)) throw invalid(`unsupported digest ${digest}`);
  return { domain, path: path!, tag, digest };
}

/** Whether a first path component names a registry rather than a repository namespace. */
export function isRegistryDomain(component: string): boolean {
  return /[.:]/.test(component) || component === LOCAL_DOMAIN || component.toLowerCase() !== component;
}

/** Split domain from path the way docker does: `foo/bar` has no registry, `foo.io/bar` does. */
function splitDomain(ref: ImageReference): { domain: string | undefined; path: string } {
  if (ref.domain !== undefined && isRegistryDomain(ref.domain)) return { domain: ref.domain, path: ref.path };
  return { domain: undefined, path: ref.domain !== undefined ? `${ref.domain}/${ref.path}` : ref.path };
}

function refuseBareId(input: string): void {
  // A 64-hex string is an image ID, never a repository name.
  if (FULL_ID_RE.test(input)) {
    throw invalid(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
}

function withDefaultTag(ref: ImageReference): ImageReference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

function finish(domain: string, path: string, ref: ImageReference): ImageReference {
  if (path.toLowerCase() !== path) throw invalid(`repository name (${path}) must be lowercase`);
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_REPO_PREFIX + path;
  return withDefaultTag({ domain, path, tag: ref.tag, digest: ref.digest });
}

/** A reference to pull: short names go to docker.io (`busybox` → docker.io/library/busybox:latest). */
export function normalizeReference(input: string): ImageReference {
  refuseBareId(input);
  const ref = parseReference(input);
  const { domain, path } = splitDomain(ref);
  return finish(domain ?? DEFAULT_DOMAIN, path, ref);
}

/**
 * A name to give a local image (import, commit, tag, build -t): short names
 * go to localhost (`demo` → localhost/demo:latest), like podman's NormalizeName.
 */
export function normalizeLocalName(input: string): ImageReference {
  refuseBareId(input);
  const ref = parseReference(input);
  const { domain, path } = splitDomain(ref);
  return finish(domain ?? LOCAL_DOMAIN, path, ref);
}

/** Whether the string names no registry (`busybox`, `library/busybox`, `demo:1`). */
export function isShortName(input: string): boolean {
  return splitDomain(parseReference(input)).domain === undefined;
}

/** `domain/path[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  const name = ref.domain !== undefined ? `${ref.domain}/${ref.path}` : ref.path;
  return name + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** `domain/path` without tag or digest. */
export function repositoryOf(ref: ImageReference): string {
  return ref.domain !== undefined ? `${ref.domain}/${ref.path}` : ref.path;
}

/**
 * Fully qualified names a user's string may refer to in local storage, most
 * specific first: itself when qualified; for short names localhost/ and then
 * docker.io/ (podman's unqualified-search default).
 */
export function localCandidates(input: string): ImageReference[] {
  refuseBareId(input);
  const ref = parseReference(input);
  const { domain, path } = splitDomain(ref);
  if (domain !== undefined) return [finish(domain, path, ref)];
  return [finish(LOCAL_DOMAIN, path, ref), finish(DEFAULT_DOMAIN, path, ref)];
}

/** Whether `name` (a stored, fully qualified name) ends with the short name's path, e.g. `.../busybox:latest` for `busybox`. */
export function shortNameMatches(input: string, storedName: string): boolean {
  let short: ImageReference;
  let stored: ImageReference;
  try {
    short = withDefaultTag(parseReference(input));
    stored = parseReference(storedName);
  } catch {
    return false;
  }
  const shortPath = splitDomain(short).path;
  const storedRepo = repositoryOf(stored);
  if (storedRepo !== shortPath && !storedRepo.endsWith('/' + shortPath)) return false;
  if (short.digest !== undefined) return false; // digests match via the image's manifest digest, not names
  return stored.tag === short.tag;
}
