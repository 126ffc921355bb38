// A real registry per test: Debian's docker-registry (distribution v2) on a
// free loopback port with its own storage, optionally behind htpasswd basic
// auth. Its log goes to a file that start-up failures quote.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { OciImage } from './images.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface RegistryAuth {
  user: string;
  password: string;
}

/** Serve HTTPS with this certificate (PEM files). */
export interface RegistryTls {
  certFile: string;
  keyFile: string;
}

/** docker-registry's token auth: it trusts JWTs signed by a cert in rootCertBundle (see token-server.ts). */
export interface RegistryTokenAuth {
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
}

export interface RegistryOptions {
  auth?: RegistryAuth;
  tls?: RegistryTls;
  token?: RegistryTokenAuth;
}

export interface Registry {
  /** http://127.0.0.1:PORT (https:// with `tls`) */
  url: string;
  /** 127.0.0.1:PORT, as used in image references. */
  host: string;
  port: number;
  auth: RegistryAuth | undefined;
  /** Working directory: config.yml, htpasswd, data/, registry.log. */
  dir: string;
  logFile: string;
  logs(): string;
  /** Headers for fetch() calls that need the credentials. */
  authHeaders(): Record<string, string>;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (for a server a test starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function configYaml(dir: string, port: number, opts: RegistryOptions): string {
  const auth = !!opts.auth;
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: tsc-run-test-${port}`,
    ...(opts.tls ? ['  tls:', `    certificate: ${opts.tls.certFile}`, `    key: ${opts.tls.keyFile}`] : []),
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
    ...(auth ? ['auth:', '  htpasswd:', '    realm: basic-realm', `    path: ${path.join(dir, 'htpasswd')}`] : []),
    ...(opts.token
      ? [
          'auth:',
          '  token:',
          `    realm: ${opts.token.realm}`,
          `    service: ${opts.token.service}`,
          `    issuer: ${opts.token.issuer}`,
          `    rootcertbundle: ${opts.token.rootCertBundle}`,
        ]
      : []),
    '',
  ].join('\n');
}

const live = new Set<ChildProcess>();
// A test that forgets stop() must not leave a registry behind.
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Status of GET /v2/ (any certificate accepted: a TLS registry's may be self-signed). */
function ping(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(`${url}/v2/`, { rejectUnauthorized: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

async function startOnce(dir: string, opts: RegistryOptions): Promise<Registry | 'port-taken'> {
  const auth = opts.auth;
  const port = await freePort();
  const cfg = path.join(dir, 'config.yml');
  fs.writeFileSync(cfg, configYaml(dir, port, opts));
  const logFile = path.join(dir, 'registry.log');
  const logFd = fs.openSync(logFile, 'w');
  const child = spawn(REGISTRY_BIN, ['serve', cfg], { stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  live.add(child);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = code;
      live.delete(child);
      resolve();
    }),
  );
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const logs = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = exited === undefined ? await ping(url) : undefined;
    if (status === 200 || status === 401) break;
    if (exited !== undefined) {
      if (/address already in use/.test(logs())) return 'port-taken';
      throw new Error(`docker-registry exited (${exited}) during start-up; log ${logFile}:\n${logs()}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not answer ${url}/v2/ within 20 s; log ${logFile}:\n${logs()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    port,
    auth,
    dir,
    logFile,
    logs,
    authHeaders: (): Record<string, string> =>
      auth ? { authorization: 'Basic ' + Buffer.from(`${auth.user}:${auth.password}`).toString('base64') } : {},
    async stop() {
      if (exited === undefined) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Start a registry; with `auth`, every request needs basic credentials;
 * with `tls`, it serves HTTPS; with `token`, it wants bearer tokens.
 */
export async function startRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  if (!fs.existsSync(REGISTRY_BIN)) {
    throw new Error(`${REGISTRY_BIN} is missing: install docker-registry (npm run setup-host does it)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-registry-'));
  // The registry runs as us; let the test user read fixtures next to it if it must.
  fs.chmodSync(dir, 0o755);
  if (opts.auth) {
    // docker-registry accepts bcrypt entries only.
    const line = execFileSync('htpasswd', ['-Bbn', opts.auth.user, opts.auth.password], { encoding: 'utf8' });
    fs.writeFileSync(path.join(dir, 'htpasswd'), line.trim() + '\n');
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await startOnce(dir, opts);
    if (r !== 'port-taken') return r;
  }
  throw new Error('docker-registry: could not find a free port in 3 attempts');
}

/**
 * Push `image` as REPO:TAG over the distribution API (monolithic uploads),
 * so tests get fixture images into a registry without the CLI under test.
 */
export async function pushImage(reg: Registry, repo: string, tag: string, image: OciImage): Promise<void> {
  const h = reg.authHeaders();
  const fail = async (what: string, r: Response) => {
    throw new Error(`push ${repo}:${tag}: ${what}: HTTP ${r.status} ${await r.text()}`);
  };
  for (const [digest, blob] of image.blobs) {
    if (digest === image.manifestDigest) continue;
    const head = await fetch(`${reg.url}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers: h });
    if (head.ok) continue;
    const start = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: h });
    if (start.status !== 202) await fail('start upload', start);
    const loc = new URL(start.headers.get('location')!, reg.url);
    loc.searchParams.set('digest', digest);
    const put = await fetch(loc, {
      method: 'PUT',
      headers: { ...h, 'content-type': 'application/octet-stream', 'content-length': String(blob.length) },
      body: blob,
    });
    if (put.status !== 201) await fail(`upload ${digest}`, put);
  }
  const mediaType = (JSON.parse(image.manifest.toString('utf8')) as { mediaType: string }).mediaType;
  const put = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...h, 'content-type': mediaType },
    body: image.manifest,
  });
  if (put.status !== 201) await fail('manifest', put);
}
