// Registry credentials in podman's auth.json (containers-auth.json(5)):
// where the file is, which files are read when it has no entry (the user's
// ~/.config/containers/auth.json, then Docker's config.json and .dockercfg),
// the hierarchical key lookup (host/ns/repo, host/ns, host), and the writes
// `login`/`logout` make. Parsing and lookup are pure.

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError, errorText } from '../../errors.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';

type Env = Record<string, string | undefined>;

export interface Credentials {
  username: string;
  password: string;
}

export interface AuthFileOptions {
  /** `--authfile`. */
  authfile?: string | undefined;
  env?: Env;
  uid?: number;
}

/** An auth file as read: its `auths` entries by key, plus whatever else it held (kept on write). */
export interface AuthDoc {
  auths: Record<string, { auth?: string; [k: string]: unknown }>;
  [k: string]: unknown;
}

export interface AuthSource {
  file: string;
  /** Docker's files: keys may carry a scheme and a /v1/ path. */
  docker: boolean;
  /** `.dockercfg`: entries at the top level, no `auths`. */
  legacy: boolean;
  /** Named by --authfile or REGISTRY_AUTH_FILE, or about to be written: a file we cannot read is an error, not "no credentials". */
  explicit?: boolean;
}

function home(env: Env): string {
  return env.HOME || '/';
}

/** The file login writes and logout edits: --authfile, REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json. */
export function primaryAuthFile(o: AuthFileOptions = {}): string {
  const env = o.env ?? process.env;
  if (o.authfile) return o.authfile;
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json');
  const uid = o.uid ?? process.getuid!();
  if (uid === 0) return `/run/containers/${uid}/auth.json`;
  return path.join(fallbackRuntimeDir(uid, env), 'containers', 'auth.json');
}

/**
 * Rootless podman without XDG_RUNTIME_DIR (cron, su, ssh without a login
 * session) sets it to /run/user/UID when that is the user's own 0700
 * directory, else to $TMPDIR/podman-run-UID: auth.json is found where
 * podman's `login` put it.
 */
function fallbackRuntimeDir(uid: number, env: Env): string {
  const own = (dir: string) => {
    try {
      const st = fs.statSync(dir);
      return st.isDirectory() && st.uid === uid && (st.mode & 0o700) === 0o700;
    } catch {
      return false;
    }
  };
  const runUser = `/run/user/${uid}`;
  return own(runUser) ? runUser : path.join(env.TMPDIR || '/tmp', `podman-run-${uid}`);
}

/** Files searched for credentials, in order. An explicit file is the only one read, as in podman. */
export function authSources(o: AuthFileOptions = {}): AuthSource[] {
  const env = o.env ?? process.env;
  const primary: AuthSource = { file: primaryAuthFile(o), docker: false, legacy: false };
  if (o.authfile || env.REGISTRY_AUTH_FILE) return [{ ...primary, explicit: true }];
  const configHome = env.XDG_CONFIG_HOME || path.join(home(env), '.config');
  const dockerDir = env.DOCKER_CONFIG || path.join(home(env), '.docker');
  return [
    primary,
    { file: path.join(configHome, 'containers', 'auth.json'), docker: false, legacy: false },
    { file: path.join(dockerDir, 'config.json'), docker: true, legacy: false },
    { file: path.join(home(env), '.dockercfg'), docker: true, legacy: true },
  ];
}

/** Pure: parse one file's text. */
export function parseAuthDoc(text: string, source: Pick<AuthSource, 'file' | 'legacy'>): AuthDoc {
  let v: unknown;
  try {
    v = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new TscRunError(`unmarshaling JSON at "${source.file}": ${(err as Error).message}`, undefined, { cause: err });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TscRunError(`unmarshaling JSON at "${source.file}": not an object`);
  const doc = v as Record<string, unknown>;
  if (source.legacy) return { auths: doc as AuthDoc['auths'] };
  const auths = doc.auths;
  return { ...doc, auths: typeof auths === 'object' && auths !== null && !Array.isArray(auths) ? (auths as AuthDoc['auths']) : {} };
}

/** Docker writes `https://index.docker.io/v1/`-style keys; reduce them to podman's `host`. */
export function normalizeDockerKey(key: string): string {
  let k = key;
  if (/^https?:\/\//.test(k)) k = k.replace(/^https?:\/\//, '').split('/')[0]!;
  if (k === 'index.docker.io' || k === 'registry-1.docker.io') k = 'docker.io';
  return k;
}

/** Keys tried for a repository, most specific first: host/ns/repo, host/ns, host. */
export function lookupKeys(repository: string): string[] {
  const parts = repository.split('/');
  const keys: string[] = [];
  for (let n = parts.length; n >= 1; n--) keys.push(parts.slice(0, n).join('/'));
  return keys;
}

/** Pure: decode an `auth` value (base64 of user:password). */
export function decodeAuth(auth: string, where: string): Credentials | undefined {
  if (!auth) return undefined;
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) throw new TscRunError(`invalid auth configuration in ${where}: the auth value is not username:password in base64`);
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function encodeAuth(c: Credentials): string {
  return Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64');
}

/** Pure: the entry of `doc` for the most specific key of `repository`. */
export function findInDoc(doc: AuthDoc, repository: string, docker: boolean): { key: string; credentials: Credentials } | undefined {
  const entries = new Map<string, { auth?: string }>();
  for (const [k, v] of Object.entries(doc.auths)) {
    if (typeof v === 'object' && v !== null) entries.set(docker ? normalizeDockerKey(k) : k, v);
  }
  for (const key of lookupKeys(repository)) {
    const e = entries.get(key);
    if (e && typeof e.auth === 'string' && e.auth !== '') {
      const credentials = decodeAuth(e.auth, key);
      if (credentials) return { key, credentials };
    }
  }
  return undefined;
}

function readDoc(source: AuthSource): AuthDoc | undefined {
  let text: string;
  try {
    text = fs.readFileSync(source.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    // A default location we may not read (another user's /run/containers/UID) holds nothing of ours (podman).
    if (code === 'EACCES' && source.explicit !== true) return undefined;
    throw new TscRunError(`reading ${source.file}: ${errorText(err)}`, undefined, { cause: err });
  }
  return parseAuthDoc(text, source);
}

export interface FoundCredentials {
  credentials: Credentials;
  key: string;
  source: AuthSource;
}

/** Credentials for `repository` (`host[/path]`) from the first file that has any. */
export function findCredentials(repository: string, o: AuthFileOptions = {}): FoundCredentials | undefined {
  for (const source of authSources(o)) {
    const doc = readDoc(source);
    const hit = doc && findInDoc(doc, repository, source.docker);
    if (hit) return { ...hit, source };
  }
  return undefined;
}

async function writeDoc(file: string, doc: AuthDoc): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // podman writes tab-indented JSON, mode 0600.
  await writeFileAtomic(file, JSON.stringify(doc, null, '\t') + '\n', { mode: 0o600 });
}

/** Record credentials under `key` in the primary file (login). */
export async function storeCredentials(key: string, c: Credentials, o: AuthFileOptions = {}): Promise<string> {
  const file = primaryAuthFile(o);
  const doc = readDoc({ file, docker: false, legacy: false, explicit: true }) ?? { auths: {} };
  doc.auths[key] = { ...(doc.auths[key] ?? {}), auth: encodeAuth(c) };
  await writeDoc(file, doc);
  return file;
}

/** Remove `key` from the primary file (logout); false if it had no such entry. */
export async function removeCredentials(key: string, o: AuthFileOptions = {}): Promise<boolean> {
  const file = primaryAuthFile(o);
  const doc = readDoc({ file, docker: false, legacy: false, explicit: true });
  if (!doc || !(key in doc.auths)) return false;
  delete doc.auths[key];
  await writeDoc(file, doc);
  return true;
}

/** Remove every entry of the primary file (logout --all). */
export async function removeAllCredentials(o: AuthFileOptions = {}): Promise<void> {
  const file = primaryAuthFile(o);
  const doc = readDoc({ file, docker: false, legacy: false, explicit: true });
  if (!doc) return;
  doc.auths = {};
  await writeDoc(file, doc);
}
