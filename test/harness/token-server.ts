// A token server for docker-registry's `auth: token:` mode, as Docker Hub
// runs one: GET /token?service=S&scope=repository:NAME:ACTIONS with Basic
// credentials answers {token, expires_in}; the token is a JWT (ES256, x5c
// header) the registry checks against rootCertBundle, granting exactly the
// requested actions to a known user (pull only to anonymous callers when
// `anonymousPull`). Every request is recorded so tests can count token
// fetches and see the scopes asked for.

import { createSign, randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { makeSigningCert } from './tls.js';

export interface TokenRequest {
  account: string | undefined;
  scopes: string[];
  /** What the issued token allows. */
  granted: string[];
  status: number;
}

export interface TokenServer {
  /** The realm URL (http://127.0.0.1:PORT/token). */
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
  requests: TokenRequest[];
  /** Make the next `n` tokens already expired (the registry refuses them). */
  expireNext(n: number): void;
  stop(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export async function startTokenServer(opts: {
  dir: string;
  users: Record<string, string>;
  anonymousPull?: boolean;
  /** expires_in told to clients (seconds). */
  ttl?: number;
}): Promise<TokenServer> {
  const cert = makeSigningCert(opts.dir);
  const der = Buffer.from(cert.certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const service = 'tsc-run-test-registry';
  const issuer = 'tsc-run-test-issuer';
  const requests: TokenRequest[] = [];
  let expired = 0;

  const sign = (account: string, access: { type: string; name: string; actions: string[] }[]) => {
    const now = Math.floor(Date.now() / 1000);
    // docker-registry allows 60 s of clock skew: an "expired" token must be older than that.
    const exp = expired > 0 ? now - 300 : now + (opts.ttl ?? 300);
    if (expired > 0) expired--;
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [der.toString('base64')] }));
    const claims = b64url(JSON.stringify({ iss: issuer, sub: account, aud: service, exp, nbf: now - 10, iat: now - 10, jti: randomBytes(8).toString('hex'), access }));
    const signature = createSign('SHA256').update(`${header}.${claims}`).sign({ key: cert.keyPem, dsaEncoding: 'ieee-p1363' });
    return `${header}.${claims}.${b64url(signature)}`;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    const scopes = url.searchParams.getAll('scope');
    let account: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      if (opts.users[u!] === undefined || opts.users[u!] !== p.join(':')) {
        requests.push({ account: u, scopes, granted: [], status: 401 });
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      account = u;
    }
    const access = scopes.flatMap((s) => {
      const m = /^repository:([^:]+):(.*)$/.exec(s);
      if (!m) return [];
      const wanted = m[2]!.split(',').filter(Boolean);
      const actions = account ? wanted : opts.anonymousPull ? wanted.filter((a) => a === 'pull') : [];
      return actions.length ? [{ type: 'repository', name: m[1]!, actions }] : [];
    });
    requests.push({ account, scopes, granted: access.map((a) => `${a.name}:${a.actions.join(',')}`), status: 200 });
    const token = sign(account ?? '', access);
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ token, access_token: token, expires_in: opts.ttl ?? 300, issued_at: new Date().toISOString() }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertBundle: cert.certFile,
    requests,
    expireNext(n) {
      expired = n;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
