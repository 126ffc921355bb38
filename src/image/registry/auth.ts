// Authorization for one registry: Basic with the user's credentials, or
// Bearer tokens from the realm the registry names in WWW-Authenticate
// (docker's token flow). A token is fetched per set of scopes
// (`repository:NAME:pull,push`), reused while it is valid, refreshed shortly
// before it expires, and dropped when the registry refuses it.

import type { Credentials } from './auth-file.js';
import { RegistryError, RegistryHttpError, UnauthorizedError } from './errors.js';
import { readBody, type HttpTransport } from './http.js';
import type { Challenge } from './www-authenticate.js';

const TOKEN_BODY_LIMIT = 1 << 20;
/** Docker's token spec: a token without expires_in lives 60 s. */
const DEFAULT_TOKEN_LIFETIME_S = 60;

interface CachedToken {
  token: string;
  expiresAt: number;
  refreshAt: number;
}

export function scopeFor(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

function basic(c: Credentials): string {
  return 'Basic ' + Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64');
}

export class Authenticator {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  /** Token requests made (tests and --log-level=debug look at it). */
  tokenRequests = 0;

  constructor(
    private readonly transport: HttpTransport,
    readonly credentials: Credentials | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remember how the registry wants to be authenticated (Bearer preferred over Basic). */
  setChallenges(challenges: readonly Challenge[]): void {
    const pick = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (pick) this.challenge = pick;
  }

  get scheme(): 'none' | 'basic' | 'bearer' {
    return this.challenge?.scheme === 'bearer' ? 'bearer' : this.challenge?.scheme === 'basic' ? 'basic' : 'none';
  }

  /** The Authorization header for a request needing `scopes`, if the registry asked for any. */
  async header(scopes: readonly string[]): Promise<string | undefined> {
    if (this.scheme === 'basic') return this.credentials ? basic(this.credentials) : undefined;
    if (this.scheme !== 'bearer') return undefined;
    const key = [...scopes].sort().join(' ');
    const cached = this.tokens.get(key);
    if (cached && this.now() < cached.refreshAt) return `Bearer ${cached.token}`;
    const fresh = await this.fetchToken(scopes);
    this.tokens.set(key, fresh);
    return `Bearer ${fresh.token}`;
  }

  /** The registry refused what header(scopes) gave: forget it so the next call asks again. */
  invalidate(scopes: readonly string[]): void {
    this.tokens.delete([...scopes].sort().join(' '));
  }

  private async fetchToken(scopes: readonly string[]): Promise<CachedToken> {
    const realm = this.challenge!.params.realm;
    if (!realm) throw new RegistryError('the registry asked for a bearer token but named no realm to get it from');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(`the registry's token realm ${JSON.stringify(realm)} is not a URL`);
    }
    if (this.challenge!.params.service) url.searchParams.set('service', this.challenge!.params.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    if (this.credentials) url.searchParams.set('account', this.credentials.username);
    this.tokenRequests++;
    const res = await this.transport.request({
      method: 'GET',
      url,
      headers: this.credentials ? { authorization: basic(this.credentials) } : {},
    });
    const body = await readBody(res, TOKEN_BODY_LIMIT, 'token response');
    if (res.status === 401 || res.status === 403) {
      throw new UnauthorizedError(`unable to retrieve auth token: invalid username/password: ${errorText(body) || 'unauthorized'}`);
    }
    if (res.status !== 200) {
      throw new RegistryHttpError(`requesting bearer token from ${url.origin}${url.pathname}: HTTP ${res.status}`, res.status, undefined);
    }
    let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      doc = JSON.parse(body.toString('utf8')) as typeof doc;
    } catch {
      throw new RegistryError('the token server answered with invalid JSON');
    }
    const token = typeof doc.token === 'string' && doc.token ? doc.token : typeof doc.access_token === 'string' ? doc.access_token : '';
    if (!token) throw new RegistryError('the token server answered without a token');
    const lifetime = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : DEFAULT_TOKEN_LIFETIME_S;
    const issued = typeof doc.issued_at === 'string' && !Number.isNaN(Date.parse(doc.issued_at)) ? Date.parse(doc.issued_at) : this.now();
    // Issued in the future (clock skew): count from now.
    const start = Math.min(issued, this.now());
    const expiresAt = start + lifetime * 1000;
    // Refresh a little early, but not so early that a short-lived token is never reused.
    const margin = Math.min(5_000, (lifetime * 1000) / 4);
    return { token, expiresAt, refreshAt: expiresAt - margin };
  }
}

/** The message of a distribution error body (`{"errors":[{"code","message"}]}`), podman-formatted. */
export function errorText(body: Buffer | string): string {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    const doc = JSON.parse(text) as { errors?: { code?: string; message?: string; detail?: unknown }[]; details?: string };
    if (Array.isArray(doc.errors) && doc.errors.length) {
      return doc.errors
        .map((e) => {
          const code = (e.code ?? 'unknown').toLowerCase().replace(/_/g, ' ');
          return e.message ? `${code}: ${e.message}` : code;
        })
        .join('; ');
    }
    if (typeof doc.details === 'string') return doc.details;
  } catch {
    /* not JSON: fall through */
  }
  return text.trim().split('\n')[0]!.slice(0, 200);
}
