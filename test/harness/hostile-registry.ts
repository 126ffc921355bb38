// A tiny registry that misbehaves on purpose, for fault tests: a real HTTP
// server speaking just enough of the distribution API to serve one image,
// with one fault switched on: a manifest whose bytes do not match its
// digest, an endless or enormous manifest, a corrupted layer, a layer cut
// off once (then served with Range) or every time (Range ignored), or 500s
// before it answers. Every request is logged.

import http from 'node:http';
import type net from 'node:net';
import type { OciImage } from './images.js';

export type HostileFault =
  | 'none'
  | 'manifest-digest-mismatch'
  | 'manifest-endless'
  | 'manifest-huge'
  | 'blob-corrupt'
  | 'blob-truncated-once'
  | 'blob-truncated-always'
  | 'errors-then-ok';

export interface HostileRequest {
  method: string;
  path: string;
  range: string | undefined;
  status: number;
}

export interface HostileRegistry {
  url: string;
  host: string;
  log: HostileRequest[];
  /** With redirectBlobs: requests the separate blob storage server got, with their Authorization header. */
  storageLog: Array<{ path: string; authorization: string | undefined }>;
  stop(): Promise<void>;
}

export interface HostileOptions {
  image: OciImage;
  repo?: string;
  tag?: string;
  fault: HostileFault;
  /** errors-then-ok: how many 500s each path gets first (default 2). */
  failures?: number;
  /** Demand these Basic credentials on every /v2/ request. */
  auth?: { user: string; password: string };
  /** Answer blob GETs with a 307 to another server (like S3 behind a registry). */
  redirectBlobs?: boolean;
}

export async function startHostileRegistry(o: HostileOptions): Promise<HostileRegistry> {
  const repo = o.repo ?? 'hostile';
  const tag = o.tag ?? 'latest';
  const log: HostileRequest[] = [];
  const failuresLeft = new Map<string, number>();
  const truncatedOnce = new Set<string>();
  const mediaType = (JSON.parse(o.image.manifest.toString('utf8')) as { mediaType: string }).mediaType;
  // The layer faults hit: the biggest layer.
  const target = [...o.image.layers].sort((a, b) => b.size - a.size)[0]!.digest;
  const sockets = new Set<net.Socket>();
  const storageLog: HostileRegistry['storageLog'] = [];
  const expectedAuth = o.auth ? 'Basic ' + Buffer.from(`${o.auth.user}:${o.auth.password}`).toString('base64') : undefined;
  // The "blob storage" a registry may redirect to: another origin, no auth of its own.
  const storage = http.createServer((req, res) => {
    const digest = (req.url ?? '').replace(/^\/storage\//, '');
    storageLog.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const blob = o.image.blobs.get(digest);
    if (!blob) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) }).end(blob);
  });
  let storagePort = 0;
  if (o.redirectBlobs) {
    await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
    storagePort = (storage.address() as net.AddressInfo).port;
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const range = req.headers.range;
    const done = (status: number) => log.push({ method: req.method ?? '', path: url.pathname, range, status });
    const send = (status: number, headers: http.OutgoingHttpHeaders, body?: Buffer) => {
      done(status);
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (expectedAuth && req.headers.authorization !== expectedAuth) {
      return send(401, { 'www-authenticate': 'Basic realm="hostile"', 'content-type': 'application/json' }, Buffer.from('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'));
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') return send(200, { 'content-type': 'application/json' }, Buffer.from('{}'));
    if (o.fault === 'errors-then-ok') {
      const left = failuresLeft.get(url.pathname) ?? o.failures ?? 2;
      if (left > 0) {
        failuresLeft.set(url.pathname, left - 1);
        return send(500, { 'content-type': 'application/json' }, Buffer.from('{"errors":[{"code":"UNKNOWN","message":"try again"}]}'));
      }
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m || m[1] !== repo) return send(404, { 'content-type': 'application/json' }, Buffer.from('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}'));
    const [, , kind, ref] = m;
    if (kind === 'manifests') {
      if (ref !== tag && ref !== o.image.manifestDigest) {
        return send(404, { 'content-type': 'application/json' }, Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'));
      }
      if (o.fault === 'manifest-digest-mismatch') {
        return send(200, { 'content-type': mediaType }, Buffer.from(o.image.manifest.toString('utf8') + '\n'));
      }
      if (o.fault === 'manifest-endless' || o.fault === 'manifest-huge') {
        done(200);
        res.writeHead(200, { 'content-type': mediaType, ...(o.fault === 'manifest-huge' ? { 'content-length': String(100 << 20) } : {}) });
        const chunk = Buffer.alloc(64 << 10, 0x20);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => undefined);
        pump();
        return;
      }
      return send(200, { 'content-type': mediaType, 'docker-content-digest': o.image.manifestDigest }, o.image.manifest);
    }
    const blob = o.image.blobs.get(ref!);
    if (blob && o.redirectBlobs && req.method === 'GET') return send(307, { location: `http://127.0.0.1:${storagePort}/storage/${ref}` });
    if (!blob) return send(404, { 'content-type': 'application/json' }, Buffer.from('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}'));
    if (ref === target && o.fault === 'blob-corrupt') {
      const bad = Buffer.from(blob);
      const at = bad.length >> 1;
      bad[at] = bad[at]! ^ 0xff;
      return send(200, { 'content-type': 'application/octet-stream' }, bad);
    }
    const cut = ref === target && (o.fault === 'blob-truncated-always' || (o.fault === 'blob-truncated-once' && !truncatedOnce.has(ref)));
    let start = 0;
    const honourRange = o.fault !== 'blob-truncated-always';
    if (honourRange && range) start = Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0);
    const body = blob.subarray(start);
    if (cut) {
      truncatedOnce.add(ref);
      done(200);
      // Promise the whole blob, send half, then drop the connection.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) });
      res.write(blob.subarray(0, blob.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/octet-stream', 'content-length': String(body.length), 'accept-ranges': 'bytes' };
    if (start > 0) headers['content-range'] = `bytes ${start}-${blob.length - 1}/${blob.length}`;
    return send(start > 0 ? 206 : 200, headers, body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    log,
    storageLog,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (o.redirectBlobs) storage.close();
        server.close(() => resolve());
      }),
  };
}
