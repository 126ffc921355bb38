// From a reference and the user's flags to a ready client: registries.conf
// decides where the repository really lives (prefix → location), whether it
// is blocked, and whether plain HTTP / unverified TLS is allowed unless
// --tls-verify says otherwise; credentials come from --creds or the auth
// files; TLS trust from the system store and certs.d / --cert-dir.

import { RegistryError } from './errors.js';
import { findCredentials, type Credentials } from './auth-file.js';
import { RegistryClient } from './client.js';
import { findRegistry, rewriteLocation, type RegistriesConf } from './registries-conf.js';
import { tlsSettingsFor } from './tls-config.js';
import { VERSION } from '../../version.js';

type Env = Record<string, string | undefined>;

export interface RemoteOptions {
  /** --tls-verify: undefined leaves it to registries.conf (verify unless insecure = true). */
  tlsVerify?: boolean | undefined;
  certDir?: string | undefined;
  authfile?: string | undefined;
  /** --creds, parsed. */
  creds?: Credentials | undefined;
  env?: Env;
  /** --signature-policy: the policy.json to enforce instead of the user's or the system's. */
  signaturePolicy?: string | undefined;
  onRetry?: (what: string, attempt: number, err: unknown) => void;
}

export interface Remote {
  client: RegistryClient;
  /** `host[:port]` the client talks to. */
  registry: string;
  /** Repository path on that registry (`library/busybox`). */
  repository: string;
}

/** `--creds user[:password]`. */
export function parseCreds(creds: string): Credentials {
  const i = creds.indexOf(':');
  if (creds === '' || i === 0) throw new RegistryError('invalid --creds: the username must not be empty (use USERNAME[:PASSWORD])');
  return i < 0 ? { username: creds, password: '' } : { username: creds.slice(0, i), password: creds.slice(i + 1) };
}

/** `name` is `host[:port]/path` (no tag or digest). */
export function openRemote(name: string, conf: RegistriesConf, o: RemoteOptions): Remote {
  const entry = findRegistry(conf, name);
  if (entry?.blocked) throw new RegistryError(`registry ${entry.location} is blocked in registries.conf`);
  const real = rewriteLocation(entry, name);
  const slash = real.indexOf('/');
  const registry = real.slice(0, slash);
  const repository = real.slice(slash + 1);
  const insecure = o.tlsVerify === undefined ? (entry?.insecure ?? false) : !o.tlsVerify;
  const credentials = o.creds ?? findCredentials(real, { authfile: o.authfile, env: o.env ?? process.env })?.credentials;
  const client = new RegistryClient({
    registry,
    insecure,
    tls: tlsSettingsFor(registry, { verify: !insecure, certDir: o.certDir, env: o.env ?? process.env }),
    credentials,
    userAgent: `tsc-run/${VERSION}`,
    onRetry: o.onRetry,
  });
  return { client, registry, repository };
}
