// COPY, ADD and RUN --mount beside podman build (buildah 1.28): one
// Containerfile with globs (also COPY --from), --chown by name and id,
// --chmod over several sources, a local archive ADDed (extracted), http(s)
// URLs ADDed (downloaded, not extracted; 0600 unless --chmod), trailing-slash
// rules, and RUN steps reading bind/cache/secret/tmpfs mounts; both images'
// file trees (type, mode, owner, link, content) must be equal. Root only
// (podman with a private --root, vfs, chroot isolation, as build-interop).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBusyboxRootfsTar, isRoot, tscRun, writeTar, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';
import { podmanStore, tarTree, type TreeItem } from './build-util.js';

const hasPodman = fs.existsSync('/usr/bin/podman');

describe.runIf(hasPodman && isRoot())('COPY/ADD/RUN --mount beside podman build', () => {
  let sb: Sandbox;
  let pd: string;
  let server: http.Server;
  let base = '';
  let pm: ReturnType<typeof podmanStore> | undefined;
  const pok = (args: string[]) => pm!.pok(args);
  const ok = async (args: string[]) => {
    const r = await tscRun(args, { sandbox: sb, timeoutMs: 120_000 });
    expect(r.exitCode, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  beforeAll(async () => {
    sb = await busyboxSandbox('build-copy-parity', 'user');
    pm = podmanStore('tsc-run-build-parity-', { tmp: true });
    pd = pm.dir;
    const tar = await buildBusyboxRootfsTar(path.join(sb.dir, 'pb-rootfs.tar'));
    sb.chown(tar.path);
    await pok(['import', '-q', tar.path, 'localhost/pb:latest']);
    await ok(['import', tar.path, 'localhost/pb:latest']);
    const remoteTar = await writeTar([{ name: 'arch/', type: 'directory' }, { name: 'arch/in.txt', content: 'in a remote archive\n' }]);
    server = http.createServer((req, res) => {
      const last = { 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' };
      if (req.url === '/file.txt') res.writeHead(200, last).end('remote file\n');
      else if (req.url === '/arch.tar') res.writeHead(200, last).end(remoteTar);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    server?.close();
    await pm?.dispose();
    await disposeSandbox(sb);
  });

  it('the same Containerfile gives the same file tree', async () => {
    const ctx = path.join(sb.dir, 'parity');
    sb.file('parity/a.txt', 'a\n');
    sb.file('parity/b.txt', 'b\n', 0o640);
    sb.file('parity/c.md', 'c\n');
    sb.file('parity/dirA/x', 'x\n');
    sb.file('parity/dirA/sub/y', 'y\n');
    sb.file('parity/dirB/z', 'z\n', 0o600);
    sb.file('parity/secret.txt', 'secret\n');
    fs.chmodSync(path.join(ctx, 'dirA', 'sub'), 0o700);
    fs.writeFileSync(path.join(ctx, 'local.tar'), await writeTar([{ name: 'l/', type: 'directory' }, { name: 'l/f', content: 'local archive\n', mode: 0o751, uid: 7, gid: 8 }]));
    sb.file(
      'parity/Containerfile',
      [
        'FROM localhost/pb:latest AS stage',
        'RUN mkdir -p /d/sub && echo a > /d/a.txt && echo b > /d/sub/b.txt && echo c > /d/c.log && chown -R 1000:1000 /d && chmod 600 /d/a.txt',
        'FROM localhost/pb:latest',
        'COPY *.txt /glob/',
        'COPY dir* /dirs/',
        'COPY dirA /dirA-named',
        'COPY --chown=user:user a.txt /own/',
        'COPY --chown=1000 b.txt /own2/',
        'COPY --chown=user b.txt dirB /own3/',
        'COPY --chmod=755 a.txt dirB /m/',
        'COPY a.txt /newdir/sub/',
        'COPY a.txt /file-no-slash',
        'COPY --from=stage /d/*.txt /from-glob/',
        'COPY --from=stage /d/s* /from-dir/',
        'COPY --from=stage --chown=0:0 /d /from-chown',
        'ADD local.tar /x/',
        'ADD local.tar /xf',
        `ADD ${base}/file.txt /url/`,
        `ADD ${base}/file.txt /url-named`,
        `ADD ${base}/arch.tar /url-arch/`,
        `ADD --chown=1000:1000 ${base}/file.txt /url-own/`,
        `ADD --chmod=604 ${base}/file.txt /url-mode/`,
        // One RUN with every kind of mount (each podman step copies the whole root with vfs: fewer steps, faster test).
        'RUN --mount=type=bind,source=dirA,target=/mnt --mount=type=bind,from=stage,source=/d,target=/mnt2 --mount=type=cache,target=/cache,uid=1000,gid=1000,mode=0750 --mount=type=secret,id=s,mode=0440,uid=1000 --mount=type=tmpfs,target=/t,tmpfs-mode=0700 ' +
          'cp -r /mnt /bound && ls /mnt/sub > /bound-ls && cp /mnt2/a.txt /from-stage-bind && stat -c "%a %u %g" /cache > /cache-stat && ' +
          'stat -c "%a %u %g" /run/secrets/s > /secret-stat && cat /run/secrets/s > /secret-copy && stat -c "%a" /t > /tmpfs-stat',
        'CMD ["sh"]',
        '',
      ].join('\n'),
    );
    sb.chown(ctx);
    const secret = path.join(ctx, 'secret.txt');
    const ours = (await ok(['build', '-q', '--secret', `id=s,src=${secret}`, '-t', 'parity:1', ctx])).stdout.trim();
    const theirs = (await pok(['build', '-q', '--isolation', 'chroot', '--secret', `id=s,src=${secret}`, '-t', 'parity:1', ctx])).stdout.trim().split('\n').pop()!;

    const ourTar = path.join(sb.dir, 'ours.tar');
    await ok(['create', '--name', 'parity-c', ours]);
    await ok(['export', '-o', ourTar, 'parity-c']);
    const theirTar = path.join(pd, 'theirs.tar');
    await pok(['create', '--name', 'parity-c', theirs]);
    await pok(['export', '-o', theirTar, 'parity-c']);
    const a = await tarTree(ourTar);
    const b = await tarTree(theirTar);
    // The runtime's files, and the mount points' parents both engines leave (podman's differ in mode: 0755 vs its own).
    const runtime = /^\/(dev|proc|sys|run)(\/|$)|^\/etc\/(hosts|hostname|resolv\.conf)$/;
    const keys = (m: Map<string, TreeItem>) => [...m.keys()].filter((k) => !runtime.test(k) && k !== '/').sort();
    expect(keys(a)).toEqual(keys(b));
    for (const k of keys(a)) expect(a.get(k), k).toEqual(b.get(k));
    // And what the RUN steps saw through their mounts.
    const text = (m: Map<string, TreeItem>, f: string) => m.get(f)?.sha;
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(text(a, '/cache-stat')).toBe(sha('750 1000 1000\n'));
    expect(text(a, '/secret-stat')).toBe(sha('440 1000 0\n'));
    expect(text(a, '/tmpfs-stat')).toBe(sha('700\n'));
    expect(text(a, '/bound-ls')).toBe(sha('y\n'));
  });
});
