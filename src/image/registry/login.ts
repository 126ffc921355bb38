// `login` / `logout`: which auth.json key a registry argument means, checking
// credentials against the registry (Basic: GET /v2/ with them; Bearer: a
// token from its realm), and recording or forgetting them, with podman's
// messages.

import { TscRunError, UsageError } from '../../errors.js';
import { findCredentials, primaryAuthFile, removeAllCredentials, removeCredentials, storeCredentials, type Credentials } from './auth-file.js';
import { discard } from './http.js';
import { UnauthorizedError } from './errors.js';
import { loadRegistriesConf, type RegistriesConf } from './registries-conf.js';
import { openRemote, type RemoteOptions } from './remote.js';
import { statusError } from './client.js';

/** The key a login is stored under: `host[:port][/namespace...]`, no scheme, no tag. Pure. */
export function loginKey(input: string): string {
  let k = input.trim().replace(/^(https?|docker):\/\//, '').replace(/\/+$/, '');
  if (k === '') throw new UsageError('please provide a registry to login to');
  const path = k.includes('/') ? k.slice(k.indexOf('/') + 1) : '';
  if (/[@:]/.test(path)) {
    throw new UsageError(`credentials key has to be a registry or a repository, not an image reference with a tag or digest: ${JSON.stringify(input)}`);
  }
  const [host, ...rest] = k.split('/');
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') k = ['docker.io', ...rest].join('/');
  return k;
}

/** The registry a login without an argument is for: the first unqualified-search registry. */
export function defaultLoginRegistry(conf: RegistriesConf): string {
  const first = conf.search[0];
  if (!first) throw new UsageError('please provide a registry to login to');
  return first;
}

export interface LoginOptions extends RemoteOptions {
  registry: string | undefined;
  credentials: Credentials;
}

/** Check the credentials against the registry and store them; returns the key used. */
export async function login(o: LoginOptions): Promise<{ key: string; file: string }> {
  const conf = loadRegistriesConf(o.env);
  const key = loginKey(o.registry ?? defaultLoginRegistry(conf));
  const host = key.split('/')[0]!;
  // A namespace-only key still needs a repository path for the client; the ping and token need none.
  const remote = openRemote(`${key.includes('/') ? key : `${host}/x`}`, conf, { ...o, creds: o.credentials });
  try {
    await remote.client.ping();
    const res = await remote.client.send({ method: 'GET', path: '/v2/', scopes: [] });
    if (res.status !== 200) throw await statusError(res);
    discard(res);
  } catch (err) {
    if (err instanceof UnauthorizedError) throw new TscRunError(`logging into "${key}": invalid username/password`, undefined, { cause: err });
    throw new TscRunError(`logging into "${key}": ${(err as Error).message}`, undefined, { cause: err });
  } finally {
    remote.client.close();
  }
  const file = await storeCredentials(key, o.credentials, { authfile: o.authfile, env: o.env ?? process.env });
  return { key, file };
}

/** The username stored for a registry (login --get-login). */
export function loggedInUser(registry: string | undefined, o: { authfile?: string | undefined; env?: Record<string, string | undefined> }): string {
  const key = loginKey(registry ?? defaultLoginRegistry(loadRegistriesConf(o.env)));
  const found = findCredentials(key, { authfile: o.authfile, env: o.env ?? process.env });
  if (!found || found.key !== key) throw new TscRunError(`not logged into ${key}`);
  return found.credentials.username;
}

/** Existing credentials for the key, from any auth file (login without -u/-p reuses them). */
export function existingCredentials(registry: string, o: { authfile?: string | undefined; env?: Record<string, string | undefined> }): Credentials | undefined {
  const key = loginKey(registry);
  const found = findCredentials(key, { authfile: o.authfile, env: o.env ?? process.env });
  return found && found.key === key ? found.credentials : undefined;
}

export async function logout(o: { registry: string | undefined; all: boolean; authfile?: string | undefined; env?: Record<string, string | undefined> }): Promise<string> {
  const env = o.env ?? process.env;
  if (o.all) {
    await removeAllCredentials({ authfile: o.authfile, env });
    return 'Removed login credentials for all registries';
  }
  const key = loginKey(o.registry ?? defaultLoginRegistry(loadRegistriesConf(env)));
  if (await removeCredentials(key, { authfile: o.authfile, env })) return `Removed login credentials for ${key}`;
  const elsewhere = findCredentials(key, { authfile: o.authfile, env });
  if (elsewhere && elsewhere.key === key && elsewhere.source.file !== primaryAuthFile({ authfile: o.authfile, env })) {
    throw new TscRunError(
      `not logged into ${key} with current tool. Existing credentials were established via ${elsewhere.source.docker ? 'docker login' : elsewhere.source.file}. Please use ${elsewhere.source.docker ? 'docker logout' : 'that tool'} instead.`,
    );
  }
  throw new TscRunError(`not logged into ${key}`);
}
