// HTTP(S) for registry traffic on node:http/https rather than fetch: we
// need our own CA set (system store + certs.d / --cert-dir, client certs),
// `--tls-verify=false`, streamed bodies with back-pressure, and control over
// redirects (blob storage elsewhere: follow, but never send the registry's
// Authorization to another host). Keep-alive agents are shared per TLS
// setting, so parallel layer downloads reuse connections.

import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { logDebug, logTrace } from '../../format/log.js';
import { RegistryTlsError, RegistryUnreachableError, TooLargeError } from './errors.js';

export interface TlsSettings {
  /** Verify the server's certificate (false: --tls-verify=false). */
  verify: boolean;
  /** PEM CA certificates to trust; undefined: Node's defaults. */
  ca?: string[] | undefined;
  /** PEM client certificate and key (certs.d *.cert / *.key). */
  cert?: string | undefined;
  key?: string | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /** A buffer, or a stream (not replayable: never follows a redirect). */
  body?: Buffer | Readable | undefined;
  /** Idle time without any byte before the request fails. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
  /** The URL that answered (after redirects). */
  url: URL;
}

const MAX_REDIRECTS = 10;
const DEFAULT_TIMEOUT_MS = 60_000;

/** A transport = one TLS setting with its keep-alive agents. */
export class HttpTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32, scheduling: 'lifo' });
  private readonly httpsAgent: https.Agent;

  constructor(readonly tls: TlsSettings) {
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 32,
      scheduling: 'lifo',
      rejectUnauthorized: tls.verify,
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** Send a request, following redirects for bodiless ones; the caller consumes or discards the body. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let headers = { ...(req.headers ?? {}) };
    for (let hop = 0; ; hop++) {
      const res = await this.once({ ...req, url, headers });
      const location = res.headers.location;
      const redirect = [301, 302, 303, 307, 308].includes(res.status) && location;
      if (!redirect || hop >= MAX_REDIRECTS || (req.body !== undefined && !Buffer.isBuffer(req.body))) return res;
      res.body.resume();
      const next = new URL(location, url);
      // Credentials are for the registry only: a redirect to blob storage gets none.
      if (next.host !== url.host) {
        const { authorization: _drop, ...rest } = headers;
        headers = rest;
      }
      url = next;
    }
  }

  private once(req: HttpRequest & { headers: Record<string, string> }): Promise<HttpResponse> {
    const secure = req.url.protocol === 'https:';
    const mod = secure ? https : http;
    const headers: Record<string, string> = { ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['content-length'] = String(req.body.length);
    logDebug(`${req.method} ${req.url.href}`);
    return new Promise<HttpResponse>((resolve, reject) => {
      const r = mod.request(
        req.url,
        { method: req.method, headers, agent: secure ? this.httpsAgent : this.httpAgent },
        (res) => {
          logTrace(`${req.method} ${req.url.href}: status ${res.statusCode ?? 0}`);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: req.url });
        },
      );
      r.setTimeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
        r.destroy(Object.assign(new Error('timeout awaiting response'), { code: 'ETIMEDOUT' }));
      });
      r.on('error', (err) => reject(describeNetworkError(req.method, req.url, err)));
      if (req.body === undefined) r.end();
      else if (Buffer.isBuffer(req.body)) r.end(req.body);
      else {
        req.body.on('error', (err) => r.destroy(err));
        req.body.pipe(r);
      }
    });
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

const verb = (m: string) => m[0] + m.slice(1).toLowerCase();

/** Turn a socket/TLS error into a typed, one-line error in podman's `Get "URL": cause` shape. */
export function describeNetworkError(method: string, url: URL, err: unknown): Error {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e.code ?? '';
  const where = `${verb(method)} "${url.href}"`;
  if (TLS_CODES.has(code)) {
    const hint = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? '' : ' (trust its CA with --cert-dir, or use --tls-verify=false)';
    return new RegistryTlsError(`${where}: tls: failed to verify certificate: ${e.reason ?? e.message}${hint}`, undefined, { cause: err });
  }
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(e.message)) {
    return new RegistryTlsError(`${where}: http: server gave HTTP response to HTTPS client (use --tls-verify=false for a plain-HTTP registry)`, undefined, { cause: err });
  }
  const causes: Record<string, string> = {
    ECONNREFUSED: `dial tcp ${url.host}: connect: connection refused`,
    ENOTFOUND: `dial tcp: lookup ${url.hostname}: no such host`,
    EAI_AGAIN: `dial tcp: lookup ${url.hostname}: temporary failure in name resolution`,
    ETIMEDOUT: 'timeout awaiting response',
    ECONNRESET: 'connection reset by peer',
    EHOSTUNREACH: `dial tcp ${url.host}: connect: no route to host`,
    ENETUNREACH: `dial tcp ${url.host}: connect: network is unreachable`,
  };
  return new RegistryUnreachableError(`${where}: ${causes[code] ?? e.message}`, undefined, { cause: err });
}

/** Whether an error is worth a retry: the network failed, not the server's answer. */
export function isNetworkError(err: unknown): boolean {
  if (err instanceof RegistryUnreachableError) return true;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'].includes(code ?? '') ||
    (err instanceof Error && /^aborted$/.test(err.message));
}

/** Read a whole body, refusing more than `limit` bytes (endless or huge responses). */
export async function readBody(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.body.destroy();
    throw new TooLargeError(`${what} is too large: ${declared} bytes, more than the ${limit} accepted`);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body) {
    n += (c as Buffer).length;
    if (n > limit) {
      res.body.destroy();
      throw new TooLargeError(`${what} is too large: more than the ${limit} bytes accepted`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Throw the body away (keeps the connection reusable when it is short). */
export function discard(res: HttpResponse): void {
  res.body.resume();
}
