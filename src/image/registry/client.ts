// A client for one registry (Distribution API v2 / OCI distribution spec):
// ping to find the scheme and how to authenticate, then manifest, blob,
// upload and tag requests, each authorised for its repository scope, and
// retried with backoff when the network or the server fails for a passing
// reason. Callers add which image the failure was about.

import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { TscRunError } from '../../errors.js';
import type { Credentials } from './auth-file.js';
import { Authenticator, errorText, scopeFor } from './auth.js';
import { RegistryError, RegistryHttpError, RegistryTlsError, UnauthorizedError } from './errors.js';
import { HttpTransport, discard, isNetworkError, readBody, type HttpResponse, type TlsSettings } from './http.js';
import { MANIFEST_ACCEPT } from './manifest-select.js';
import { RetryableFailure, isRetryableStatus, withRetries } from './retry.js';
import { parseWwwAuthenticate } from './www-authenticate.js';

/** containers/image's limit for manifests; a bigger "manifest" is refused unread. */
export const MANIFEST_LIMIT = 4 << 20;
const ERROR_BODY_LIMIT = 64 << 10;

export interface ClientOptions {
  /** Registry as references name it (`docker.io`, `127.0.0.1:5000`). */
  registry: string;
  /** Plain HTTP allowed and certificates not verified (--tls-verify=false, or insecure in registries.conf). */
  insecure: boolean;
  tls: TlsSettings;
  credentials?: Credentials | undefined;
  userAgent?: string;
  /** Network and 5xx retries per request (default 4). */
  retries?: number;
  /** Told about each retry (debug logging). */
  onRetry?: (what: string, attempt: number, err: unknown) => void;
}

export interface SendOptions {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path under the registry (`/v2/...`) or an absolute URL (upload locations). */
  path: string | URL;
  scopes: readonly string[];
  headers?: Record<string, string>;
  /** Called for each attempt, so a retried request can send its body again. */
  body?: () => Buffer | Readable;
  /** Retry network errors and 5xx (default: for GET and HEAD only). */
  retry?: boolean;
  timeoutMs?: number;
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string | undefined;
  /** sha256 of the bytes, as computed here. */
  digest: string;
}

/** The registry API host: Docker Hub's API is not at docker.io. */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** Prefix an error's message with what was being done (keeps its class and exit code). */
export function withContext(err: unknown, context: string): Error {
  if (err instanceof TscRunError) {
    err.message = `${context}: ${err.message}`;
    return err;
  }
  return new RegistryError(`${context}: ${(err as Error)?.message ?? String(err)}`, undefined, { cause: err });
}

/** The typed error for an unexpected status, with the registry's own words when it sent any. */
export async function statusError(res: HttpResponse): Promise<RegistryHttpError | UnauthorizedError> {
  let text = '';
  let code: string | undefined;
  if (res.body.readable) {
    try {
      const body = await readBody(res, ERROR_BODY_LIMIT, 'error response');
      text = errorText(body);
      code = (JSON.parse(body.toString('utf8')) as { errors?: { code?: string }[] }).errors?.[0]?.code;
    } catch {
      /* unreadable or not JSON: the status alone */
    }
  }
  // A 401 without the registry's words (a HEAD has no body) is distribution's ErrorCodeUnauthorized, as podman says it.
  const msg = text || (res.status === 401 ? 'unauthorized: authentication required' : `received unexpected HTTP status: ${res.status} ${STATUS_CODES[res.status] ?? ''}`.trim());
  return res.status === 401 ? new UnauthorizedError(msg) : new RegistryHttpError(msg, res.status, code);
}

export class RegistryClient {
  readonly registry: string;
  readonly auth: Authenticator;
  private readonly transport: HttpTransport;
  private base: URL | undefined;
  private pinging: Promise<void> | undefined;

  constructor(private readonly o: ClientOptions) {
    this.registry = o.registry;
    this.transport = new HttpTransport(o.tls);
    this.auth = new Authenticator(this.transport, o.credentials);
  }

  close(): void {
    this.transport.close();
  }

  /** `https://host` (or http for insecure registries without TLS), once pinged. */
  get baseUrl(): URL {
    if (!this.base) throw new Error('RegistryClient: ping() first');
    return this.base;
  }

  /** GET /v2/: which scheme works, and which authentication the registry wants. */
  ping(): Promise<void> {
    this.pinging ??= this.doPing();
    return this.pinging;
  }

  private async doPing(): Promise<void> {
    const host = apiHost(this.registry);
    const schemes = this.o.insecure ? ['https', 'http'] : ['https'];
    let last: unknown;
    for (const scheme of schemes) {
      const url = new URL(`${scheme}://${host}/v2/`);
      try {
        const res = await withRetries(
          async () => {
            try {
              return await this.transport.request({ method: 'GET', url, headers: this.baseHeaders(), timeoutMs: 30_000 });
            } catch (err) {
              // A TLS failure will not go away by asking again.
              if (isNetworkError(err) && !(err instanceof RegistryTlsError)) throw new RetryableFailure(err);
              throw err;
            }
          },
          { retries: Math.min(this.o.retries ?? 2, 2), onRetry: (n, e) => this.o.onRetry?.(`ping ${url.href}`, n, e) },
        );
        discard(res);
        if (res.status === 200 || res.status === 401) {
          this.base = new URL(`${scheme}://${host}`);
          this.auth.setChallenges(parseWwwAuthenticate(res.headers['www-authenticate']));
          return;
        }
        last = new RegistryHttpError(`invalid status code from registry ${res.status} (${STATUS_CODES[res.status] ?? ''})`, res.status, undefined);
      } catch (err) {
        last = err;
      }
    }
    throw withContext(last, `pinging container registry ${this.registry}`);
  }

  private baseHeaders(): Record<string, string> {
    return { 'user-agent': this.o.userAgent ?? 'tsc-run' };
  }

  /**
   * One authorised request. A 401 makes it authenticate (again) once, as the
   * registry's challenge says; retryable failures are retried with backoff.
   * Returns any response that is not a 401 or a retryable status.
   */
  async send(s: SendOptions): Promise<HttpResponse> {
    await this.ping();
    const url = typeof s.path === 'string' ? new URL(s.path, this.baseUrl) : s.path;
    const retry = s.retry ?? (s.method === 'GET' || s.method === 'HEAD');
    let scopes = [...s.scopes];
    for (let authAttempt = 0; ; authAttempt++) {
      const authorization = await this.auth.header(scopes);
      const res = await withRetries(
        async () => {
          let r: HttpResponse;
          try {
            r = await this.transport.request({
              method: s.method,
              url,
              headers: { ...this.baseHeaders(), ...(authorization ? { authorization } : {}), ...(s.headers ?? {}) },
              body: s.body?.(),
              timeoutMs: s.timeoutMs,
            });
          } catch (err) {
            if (retry && isNetworkError(err)) throw new RetryableFailure(err);
            throw err;
          }
          if (retry && isRetryableStatus(r.status)) {
            const retryAfter = r.headers['retry-after'];
            throw new RetryableFailure(await statusError(r), typeof retryAfter === 'string' ? retryAfter : undefined);
          }
          return r;
        },
        { retries: retry ? this.o.retries : 0, onRetry: (n, e) => this.o.onRetry?.(`${s.method} ${url.pathname}`, n, e) },
      );
      if (res.status !== 401) return res;
      const challenges = parseWwwAuthenticate(res.headers['www-authenticate']);
      if (authAttempt >= 1 || challenges.length === 0) throw await statusError(res);
      discard(res);
      this.auth.setChallenges(challenges);
      if (this.auth.scheme === 'basic' && !this.auth.credentials) throw new UnauthorizedError('unauthorized: authentication required');
      this.auth.invalidate(scopes);
      const wanted = challenges.find((c) => c.scheme === 'bearer')?.params.scope;
      if (wanted) scopes = [...new Set([...scopes, ...wanted.split(' ')])];
    }
  }

  /** Fetch a manifest by tag or digest (size-bounded). */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const res = await this.send({
      method: 'GET',
      path: `/v2/${repository}/manifests/${reference}`,
      scopes: [scopeFor(repository, ['pull'])],
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (res.status !== 200) throw await statusError(res);
    const bytes = await readBody(res, MANIFEST_LIMIT, 'manifest');
    const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
    return { bytes, mediaType: res.headers['content-type'], digest };
  }

  /** GET a blob from `offset` on (Range); the caller reads or discards the body. */
  async openBlob(repository: string, digest: string, offset = 0): Promise<HttpResponse> {
    const res = await this.send({
      method: 'GET',
      path: `/v2/${repository}/blobs/${digest}`,
      scopes: [scopeFor(repository, ['pull'])],
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    });
    if (res.status !== 200 && res.status !== 206) throw await statusError(res);
    return res;
  }

  /** A small blob (a config) read whole, at most `limit` bytes. */
  async readBlob(repository: string, digest: string, limit: number, what: string): Promise<Buffer> {
    const res = await this.openBlob(repository, digest);
    return readBody(res, limit, what);
  }

  async blobExists(repository: string, digest: string, scopes = [scopeFor(repository, ['pull'])]): Promise<boolean> {
    const res = await this.send({ method: 'HEAD', path: `/v2/${repository}/blobs/${digest}`, scopes });
    discard(res);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await statusError(res);
  }

  /**
   * Start an upload. With `mountFrom`, ask the registry to link the blob
   * from another repository instead: `mounted` when it did, else an upload
   * session to use (registries answer a failed mount with one).
   */
  async startUpload(repository: string, mount?: { digest: string; from: string }): Promise<{ mounted: true } | { mounted: false; location: URL }> {
    const scopes = [scopeFor(repository, ['pull', 'push']), ...(mount ? [scopeFor(mount.from, ['pull'])] : [])];
    const q = mount ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}` : '';
    const res = await this.send({
      method: 'POST',
      path: `/v2/${repository}/blobs/uploads/${q}`,
      scopes,
      headers: { 'content-length': '0' },
      retry: true,
    });
    if (mount && res.status === 201) {
      discard(res);
      return { mounted: true };
    }
    if (res.status !== 202) throw await statusError(res);
    discard(res);
    return { mounted: false, location: this.location(res) };
  }

  private location(res: HttpResponse): URL {
    const loc = res.headers.location;
    if (!loc) throw new RegistryError(`the registry answered ${res.status} without a Location header`);
    return new URL(loc, res.url);
  }

  /** Send one chunk of an upload (PATCH); returns the session's next location. */
  async uploadChunk(repository: string, location: URL, chunk: Buffer, start: number): Promise<URL> {
    const res = await this.send({
      method: 'PATCH',
      path: location,
      scopes: [scopeFor(repository, ['pull', 'push'])],
      headers: {
        'content-type': 'application/octet-stream',
        'content-range': `${start}-${start + chunk.length - 1}`,
      },
      body: () => chunk,
    });
    if (res.status !== 202) throw await statusError(res);
    discard(res);
    return this.location(res);
  }

  /** Finish an upload (PUT ?digest=), with the rest of the data as body (monolithic) or none. */
  async finishUpload(repository: string, location: URL, digest: string, body?: { open: () => Buffer | Readable; size: number }): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const res = await this.send({
      method: 'PUT',
      path: url,
      scopes: [scopeFor(repository, ['pull', 'push'])],
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(body?.size ?? 0),
      },
      body: body?.open,
    });
    if (res.status !== 201) throw await statusError(res);
    discard(res);
  }

  /** PUT a manifest under a tag or digest; returns the digest the registry reports (or ours). */
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string | undefined> {
    const res = await this.send({
      method: 'PUT',
      path: `/v2/${repository}/manifests/${reference}`,
      scopes: [scopeFor(repository, ['pull', 'push'])],
      headers: { 'content-type': mediaType },
      body: () => bytes,
      retry: true,
    });
    if (res.status !== 201 && res.status !== 200) throw await statusError(res);
    discard(res);
    const d = res.headers['docker-content-digest'];
    return typeof d === 'string' ? d : undefined;
  }

  /** Every tag of a repository, following `Link: <...>; rel="next"` pages. */
  async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | URL = `/v2/${repository}/tags/list`;
    for (let page = 0; page < 1000; page++) {
      const res = await this.send({ method: 'GET', path, scopes: [scopeFor(repository, ['pull'])] });
      if (res.status !== 200) throw await statusError(res);
      const doc = JSON.parse((await readBody(res, 16 << 20, 'tag list')).toString('utf8')) as { tags?: unknown };
      if (Array.isArray(doc.tags)) tags.push(...doc.tags.filter((t): t is string => typeof t === 'string'));
      const link = res.headers.link;
      const next = typeof link === 'string' ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
      if (!next) break;
      path = new URL(next, res.url);
    }
    return tags;
  }
}
