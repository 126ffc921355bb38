// build's --build-context and RUN --mount as the test user, each checked in
// the resulting image's files: named contexts (a directory, an http tar
// served on 127.0.0.1, an image pulled from a real registry) in FROM,
// COPY --from and RUN --mount from=; bind mounts (context, stage, rw writes
// kept out of the context), cache mounts (uid/gid/mode, kept between
// builds), tmpfs, secrets (mode, owner, env source, required), ssh agent
// sockets; COPY --from globs keeping owners; malformed --mount and
// --build-context values failing with one line and exit 125 before any
// step runs.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBusyboxImage, pushImage, startRegistry, writeTar, type Registry, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliArgv, disposeSandbox, spawnLive } from './run-util.js';
import { buildCli } from './build-util.js';

/** What ADD --checksum downloads. */
const DATA = Buffer.from('checked download\n');
const digestOf = (algo: string) => `${algo}:${createHash(algo).update(DATA).digest('hex')}`;

describe('build --build-context and RUN --mount', () => {
  let sb: Sandbox;
  let reg: Registry;
  let server: http.Server;
  let tarUrl = '';
  const cli = buildCli(() => sb);
  const run = (args: string[], env?: Record<string, string>) => cli.run(args, { env });
  const ok = (args: string[], env?: Record<string, string>) => cli.ok(args, { env });
  const { context, sh } = cli;
  /** A bad input: exit 125, one `Error:` line on stderr, no step run. */
  const refused = async (args: string[], pattern: RegExp) => {
    const r = await run(args);
    expect(r.exitCode, r.stdout + r.stderr).toBe(125);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^Error: /);
    expect(lines[0]).toMatch(pattern);
    expect(r.stdout).not.toMatch(/STEP 2\//);
  };

  beforeAll(async () => {
    sb = await busyboxSandbox('build-mounts', 'user');
    reg = await startRegistry();
    const tools = await buildBusyboxImage({ extraLayers: [[{ name: 'opt/tools/', type: 'directory' }, { name: 'opt/tools/hello', content: 'from the registry\n', uid: 1000, gid: 1000, mode: 0o640 }]] });
    await pushImage(reg, 'tools', '1', tools);
    const tar = await writeTar([{ name: 'remote/', type: 'directory' }, { name: 'remote/r.txt', content: 'from a url\n' }]);
    server = http.createServer((req, res) => {
      if (req.url === '/ctx.tar') res.end(tar);
      else if (req.url === '/data.bin') res.end(DATA);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tarUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/ctx.tar`;
  }, 120_000);
  afterAll(async () => {
    server?.close();
    await reg?.stop();
    await disposeSandbox(sb);
  });

  it('named contexts: a directory, an http tar and a registry image in FROM, COPY --from and RUN --mount from=', async () => {
    const extra = context('extra', { 'e.txt': 'extra file\n', 'sub/s.txt': 'sub file\n', '.dockerignore': 'e.txt\n' });
    const dir = context('named', {
      'Containerfile': [
        'FROM tools AS base',
        'RUN cat /opt/tools/hello > /base-saw',
        'FROM bb',
        'COPY --from=extra e.txt sub /from-dir/',
        'COPY --from=remote remote/r.txt /from-url.txt',
        'COPY --from=tools /opt/tools/hello /from-image.txt',
        'COPY --from=base /base-saw /base-saw',
        'RUN --mount=type=bind,from=extra,source=sub,target=/m cat /m/s.txt > /ran-dir',
        'RUN --mount=type=bind,from=tools,source=/opt/tools,target=/m ls -ln /m/hello > /ran-image',
        'RUN --mount=from=remote,target=/m cat /m/remote/r.txt > /ran-url',
        '',
      ].join('\n'),
    });
    await ok([
      'build', '-q', '--tls-verify=false', '-t', 'named',
      '--build-context', `extra=${extra}`,
      '--build-context', `remote=${tarUrl}`,
      '--build-context', `tools=docker-image://${reg.host}/tools:1`,
      dir,
    ]);
    const out = await sh('named', 'cat /from-dir/e.txt /from-dir/s.txt /from-url.txt /from-image.txt /base-saw /ran-dir /ran-url; ls -ln /from-image.txt /ran-image; cat /ran-image');
    // The named directory's own .dockerignore does not apply (buildah reads only the main context's).
    expect(out).toContain('extra file\nsub file\nfrom a url\nfrom the registry\nfrom the registry\nsub file\nfrom a url\n');
    // COPY --from an image keeps the owner and mode it has there; so does a bind from it.
    expect(out).toMatch(/-rw-r-----\s+1 1000\s+1000 .* \/from-image\.txt/);
    expect(out).toMatch(/-rw-r-----\s+1 1000\s+1000 .* \/m\/hello/);
    // The image was pulled from the registry, as FROM would.
    expect((await ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout).toContain(`${reg.host}/tools:1`);
  });

  it('RUN --mount bind: the context read-only by default, rw writes land in a copy, never in the context; a stage with its owners', async () => {
    const dir = context('binds', {
      'a.txt': 'original\n',
      'Containerfile': [
        'FROM bb AS st',
        'RUN mkdir -p /opt/t && echo tool > /opt/t/x && chown -R 1000:1000 /opt/t',
        'FROM bb',
        'RUN --mount=type=bind,target=/ctx (echo no > /ctx/a.txt 2>/dev/null && echo wrote || echo read-only) > /ro-result',
        'RUN --mount=type=bind,source=a.txt,target=/ctx/a.txt,rw echo changed > /ctx/a.txt && cat /ctx/a.txt > /rw-saw',
        'RUN --mount=type=bind,from=st,source=/opt/t,target=/t ls -ln /t > /stage-ls',
        // podman 4.3 writes these into the context itself (the Containerfile deleted, n.txt made, a later step sees them); we drop them.
        'RUN --mount=type=bind,target=/ctx,rw rm /ctx/Containerfile && echo new > /ctx/n.txt && ls /ctx > /rw-ls',
        'RUN --mount=type=bind,target=/ctx ls /ctx > /after-rw',
        '',
      ].join('\n'),
    });
    await ok(['build', '-q', '-t', 'binds', dir]);
    expect(await sh('binds', 'cat /ro-result /rw-saw /stage-ls; ls -d /ctx /t 2>&1 || true')).toMatch(/^read-only\nchanged\n.*1000\s+1000 .* x\n/s);
    expect(await sh('binds', 'cat /rw-ls; echo --; cat /after-rw')).toBe('a.txt\nn.txt\n--\nContainerfile\na.txt\n');
    expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('original\n');
    expect(fs.readdirSync(dir).sort()).toEqual(['Containerfile', 'a.txt']);
  });

  it('RUN --mount cache: made with uid/gid/mode, shared between steps and kept between builds; tmpfs with its options', async () => {
    const cf = (n: string) => ['FROM bb', `RUN --mount=type=cache,id=c1,target=/cache,uid=1000,gid=1000,mode=0750 ls -lnd /cache > /owner && echo ${n} >> /cache/log && cat /cache/log > /seen`, 'RUN --mount=type=cache,id=c1,target=/c2,sharing=locked cat /c2/log > /seen2', 'RUN --mount=type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=0700 ls -lnd /t > /tmp-ls && df -k /t | tail -1 > /tmp-df', ''].join('\n');
    const dir = context('caches', { 'Containerfile': cf('one') });
    await ok(['build', '-q', '-t', 'cache1', dir]);
    fs.writeFileSync(path.join(dir, 'Containerfile'), cf('two'));
    await ok(['build', '-q', '-t', 'cache2', dir]);
    const out = await sh('cache2', 'cat /owner /seen /seen2 /tmp-ls /tmp-df; ls /cache /c2 /t 2>&1 | wc -l');
    expect(out).toMatch(/^drwxr-x---\s+\d+ 1000\s+1000 .* \/cache\none\ntwo\none\ntwo\ndrwx------\s+\d+ 0\s+0 .* \/t\n\S+\s+1024\s/);
  });

  it('RUN --mount secret: mode, owner, target, env source; absent optional secrets mount nothing, required ones fail', async () => {
    const secretFile = path.join(sb.dir, 'token.txt');
    fs.writeFileSync(secretFile, 'file-secret');
    sb.chown(secretFile);
    const dir = context('secrets', {
      'Containerfile': [
        'FROM bb',
        'RUN --mount=type=secret,id=tok,mode=0440,uid=1000,gid=1000 ls -ln /run/secrets/tok > /tok-ls && cat /run/secrets/tok > /tok',
        'RUN --mount=type=secret,id=fromenv,target=/s/env cat /s/env > /env-secret',
        'RUN --mount=type=secret,id=absent ls /run/secrets/absent 2>/dev/null > /absent || echo none > /absent',
        '',
      ].join('\n'),
    });
    await ok(['build', '-q', '-t', 'secrets', '--secret', `id=tok,src=${secretFile}`, '--secret', 'id=fromenv,env=MY_SECRET', dir], { MY_SECRET: 'env-secret' });
    const out = await sh('secrets', 'cat /tok-ls /tok; echo; cat /env-secret; echo; cat /absent; ls /run/secrets /s');
    expect(out).toMatch(/^-r--r-----\s+1 1000\s+1000\s+11 .* \/run\/secrets\/tok\nfile-secret\nenv-secret\nnone\n/);
    // The secrets are not in the image: only the mount points' parent directories stay, as podman leaves them.
    expect(out).toMatch(/\nnone\n\/run\/secrets:\n\n\/s:\n$/);
    const req = context('secret-req', { 'Containerfile': 'FROM bb\nRUN --mount=type=secret,id=missing,required=true true\n' });
    const r = await run(['build', '-q', req]);
    expect(r.exitCode).toBe(125);
    expect(r.stderr.trim()).toMatch(/^Error: .*secret required but no secret with id missing found$/);
  });

  it('RUN --mount ssh: --ssh forwards an agent socket (owner, mode, SSH_AUTH_SOCK)', async () => {
    const sock = path.join(sb.dir, 'agent.sock');
    const agent = net.createServer((c) => c.end('agent\n'));
    await new Promise<void>((resolve) => agent.listen(sock, resolve));
    fs.chmodSync(sock, 0o777);
    try {
      const dir = context('ssh', {
        'Containerfile': ['FROM bb', 'RUN --mount=type=ssh test -S "$SSH_AUTH_SOCK" && echo "$SSH_AUTH_SOCK" > /sock-env', 'RUN --mount=type=ssh,id=other,target=/a.sock,uid=1000,mode=0600 ls -ln /a.sock > /sock-ls', ''].join('\n'),
      });
      await ok(['build', '-q', '-t', 'sshimg', '--ssh', `default=${sock}`, '--ssh', `other=${sock}`, dir]);
      expect(await sh('sshimg', 'cat /sock-env /sock-ls; ls /a.sock 2>&1 || true')).toMatch(/^\/run\/buildkit\/ssh_agent\.0\nsrw-------\s+1 1000\s+0 .* \/a\.sock\n.*No such file/);
      await refused(['build', '--ssh', `default=${path.join(sb.dir, 'token.txt')}`, dir], /not an agent socket/);
    } finally {
      agent.close();
    }
  });

  it('kill -9 while a RUN has an image bound (a sub-id-owned copy): the next build removes it and completes', async () => {
    const dir = context('kill-mount', { 'Containerfile': 'FROM bb\nRUN --mount=type=bind,from=bb,target=/m ls -ld /m/home/user && echo mounted-$((1+1)) && sleep 30\n' });
    const live = spawnLive(sb, cliArgv(sb, ['build', '--no-cache', dir]));
    // The step's own output (the STEP line shows the unexpanded text).
    await live.waitFor('mounted-2', 60_000);
    const tmp = path.join(sb.root, 'build', 'tmp');
    expect(fs.readdirSync(tmp).some((n) => n.startsWith('mount-'))).toBe(true);
    process.kill(live.child.pid!, 'SIGKILL');
    await live.exited;
    sb.file('kill-mount/Containerfile', 'FROM bb\nRUN echo done > /done\n');
    await ok(['build', '-q', dir]);
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect((await ok(['ps', '-a', '-q'])).stdout.trim()).toBe('');
  });

  it('COPY --from with globs keeps owners and modes (buildah), --chmod overrides the mode', async () => {
    const dir = context('globs', {
      'Containerfile': [
        'FROM bb AS s',
        'RUN mkdir -p /d/sub && echo a > /d/a.txt && echo b > /d/sub/b.txt && echo c > /d/c.log && chown -R 1000:1000 /d && chmod 600 /d/a.txt',
        'FROM bb',
        'COPY --from=s /d/*.txt /g/',
        'COPY --from=s /d/s* /h/',
        'COPY --from=s --chmod=640 /d/a.txt /i/',
        '',
      ].join('\n'),
    });
    await ok(['build', '-q', '-t', 'globs', dir]);
    const out = await sh('globs', 'ls -ln /g /h /i');
    expect(out).toMatch(/\/g:\ntotal \d+\n-rw-------\s+1 1000\s+1000 .* a\.txt\n\n\/h:\ntotal \d+\n-rw-r--r--\s+1 1000\s+1000 .* b\.txt\n\n\/i:\ntotal \d+\n-rw-r-----\s+1 1000\s+1000 .* a\.txt\n/);
    const none = context('globs-none', { 'Containerfile': 'FROM bb AS s\nFROM bb\nCOPY --from=s /nothing/*.x /n/\n' });
    const r = await run(['build', '-q', none]);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/no such file or directory/);
  });

  it('malformed --mount and --build-context values: one line, exit 125, before any step runs', async () => {
    const bad = (mount: string) => context(`bad-${Buffer.from(mount).toString('hex').slice(0, 16)}`, { 'Containerfile': `FROM bb\nRUN true\nRUN --mount=${mount} true\n` });
    await refused(['build', bad('type=bind,target=rel')], /Containerfile:3: .*invalid container path "rel", must be an absolute path/);
    await refused(['build', bad('type=bind,source=x')], /must set volume destination/);
    await refused(['build', bad('type=cache,target=/c,sharing=private')], /unrecognized value "private" for field sharing/);
    await refused(['build', bad('type=cache,target=/c,mode=999')], /invalid cache mode/);
    await refused(['build', bad('type=tmpfs,target=/t,bogus=1')], /bogus: invalid mount option/);
    await refused(['build', bad('type=secret,target=/s')], /a secret mount needs id=/);
    await refused(['build', bad('type=secret,id=a,env=A')], /env= is not an option/);
    await refused(['build', bad('type=volume,target=/v')], /invalid mount type "volume"/);
    await refused(['build', bad('type=bind,target=/a,rw=maybe')], /invalid rw "maybe"/);
    const dir = context('bad-ctx', { 'Containerfile': 'FROM named\nRUN true\n' });
    await refused(['build', '--build-context', 'novalue', dir], /accepts value in the form of key=value/);
    await refused(['build', '--build-context', `x=${path.join(sb.dir, 'does-not-exist')}`, dir], /build context x: .*no such file or directory/);
    await refused(['build', '--build-context', 'x=git://example.invalid/r', dir], /unsupported scheme/);
    await refused(['build', '--build-context', `named=${sb.dir}`, dir], /FROM named: the build context named is a directory, not an image/);
    await refused(['build', '--secret', 'src=/x', dir], /incorrect secret flag format/);
  });

  it('help shows podman\'s --no-cache and --no-hosts lines; --no-cache rebuilds', async () => {
    const help = (await ok(['build', '--help'])).stdout;
    expect(help).toMatch(/^ {6}--no-cache {2,}do not use existing cached images for the container build\. Build from the start with a new set of cached layers\.$/m);
    expect(help).toMatch(/^ {6}--no-hosts {2,}do not create new \/etc\/hosts files for RUN instructions, use the one from the base image\.$/m);
    expect(help).toMatch(/^ {6}--build-context argument=value {2,}argument=value to supply additional build context to the builder$/m);
    expect(help).not.toMatch(/--cache {2,}|--hosts {2,}/);
    const dir = context('nocache', { 'Containerfile': 'FROM bb\nRUN echo x > /x\n' });
    await ok(['build', '-q', dir]);
    expect((await ok(['build', dir])).stdout).toContain('--> Using cache');
    expect((await ok(['build', '--no-cache', dir])).stdout).not.toContain('--> Using cache');
  });
  it('ADD --checksum and COPY --link (accepted, unlike podman 4.3): the download verified with the named algorithm, a mismatch fails and leaves nothing behind', async () => {
    const url = tarUrl.replace('/ctx.tar', '/data.bin');
    for (const algo of ['sha256', 'sha512']) {
      const dir = context(`sum-${algo}`, { Containerfile: `FROM bb\nADD --checksum=${digestOf(algo)} ${url} /data.bin\n` });
      await ok(['build', '-q', '--no-cache', '-t', `sum-${algo}`, dir]);
      expect(await sh(`sum-${algo}`, 'cat /data.bin')).toBe(DATA.toString());
    }
    const wrong = `sha256:${'0'.repeat(64)}`;
    const bad = context('sum-bad', { Containerfile: `FROM bb\nADD --checksum=${wrong} ${url} /data.bin\n` });
    const r = await run(['build', '--no-cache', bad]);
    expect(r.exitCode, r.stderr).toBe(125);
    expect(r.stderr).toBe(`Error: Containerfile:2: ADD ${url}: checksum mismatch: want ${wrong}, got ${digestOf('sha256')}\n`);
    const tmp = path.join(sb.root, 'build', 'tmp');
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
    // Only for URLs (BuildKit's rule), refused before anything runs.
    const local = context('sum-local', { 'f.txt': 'x\n', 'Containerfile': `FROM bb\nADD --checksum=${wrong} f.txt /f\n` });
    const l = await run(['build', local]);
    expect(l.exitCode).toBe(125);
    expect(l.stderr).toBe('Error: Containerfile:2: ADD --checksum is only for URL sources: f.txt\n');
    // COPY --link (accepted, unlike podman 4.3): the same files in a layer of their own.
    const link = context('link', { 'f.txt': 'linked\n', 'Containerfile': 'FROM bb\nCOPY --link --chmod=0600 f.txt /linked/f\n' });
    await ok(['build', '-q', '-t', 'link', link]);
    expect(await sh('link', 'stat -c "%a %u %s" /linked/f; cat /linked/f')).toBe('600 0 7\nlinked\n');
  });
});
