// `tsc-run build` end to end as the unprivileged test user: every
// instruction checked in the resulting image's config and files, the layer
// cache (reuse, invalidation from a changed source), multi-stage with
// --target, FROM scratch, heredocs, ADD of a local tar, .dockerignore rules,
// a tar context on stdin, hostile contexts (symlinks leading out, `..` in a
// tar), malformed files failing before any step runs, a failing RUN and a
// kill -9 mid-build leaving no container, mount or temporary directory.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTar, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliArgv, disposeSandbox, spawnLive } from './run-util.js';
import { buildCli } from './build-util.js';

describe('build', () => {
  let sb: Sandbox;
  const cli = buildCli(() => sb);
  const run = (args: string[], input?: string | Buffer) => cli.run(args, { input });
  const ok = (args: string[], input?: string | Buffer) => cli.ok(args, { input });
  const { context } = cli;
  const inspect = async (img: string) => JSON.parse((await ok(['image', 'inspect', img])).stdout)[0] as { Id: string; Config: Record<string, unknown>; RootFS: { Layers: string[] }; Author?: string };
  const cat = cli.sh;
  const leftovers = async () => {
    const ps = await ok(['ps', '-a', '-q']);
    const tmp = path.join(sb.root, 'build', 'tmp');
    return { containers: ps.stdout.trim(), tmp: fs.existsSync(tmp) ? fs.readdirSync(tmp) : [] };
  };

  beforeAll(async () => {
    sb = await busyboxSandbox('build', 'user');
  });
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('every instruction: config fields, files, owners, modes, whiteouts, history', async () => {
    const dir = context('all', {
      'a.txt': 'hello\n',
      'sub/b.txt': 'inner\n',
      'Containerfile': [
        'ARG GLOBAL=g1',
        'FROM bb',
        'ARG GLOBAL',
        'ARG WHO=world',
        'MAINTAINER someone@example.com',
        'ENV GREETING="hi $WHO" OLD=${GLOBAL}',
        'ENV LEGACY form with spaces',
        'LABEL who=$WHO "quoted key"="v w"',
        'RUN echo "$GREETING $WHO" > /greet && mkdir /data && chown 1000:1000 /data && touch /gone',
        'RUN rm /gone',
        'COPY a.txt sub /app/',
        'COPY --chown=user:user --chmod=0640 a.txt /app/owned.txt',
        'WORKDIR /app',
        'WORKDIR rel',
        'RUN pwd > /pwd',
        'SHELL ["/bin/sh", "-ec"]',
        'RUN <<EOF',
        'echo from-heredoc > /heredoc',
        'EOF',
        'COPY <<EOF /etc/note',
        'note $WHO',
        'EOF',
        'USER user',
        'EXPOSE 80 8000-8001/udp',
        'VOLUME /vol /vol2',
        'VOLUME ["/vol3"]',
        'STOPSIGNAL SIGINT',
        'HEALTHCHECK --interval=5s --retries=2 CMD ["true"]',
        'ONBUILD RUN echo triggered > /tmp/onbuild',
        'ENTRYPOINT ["/bin/sh", "-c"]',
        'CMD ["cat /greet"]',
        '',
      ].join('\n'),
    });
    const r = await ok(['build', '--format', 'docker', '--build-arg', 'WHO=you', '-t', 'all:1', dir]);
    expect(r.stdout).toMatch(/^STEP 1\/26: FROM bb$/m);
    expect(r.stdout).toMatch(/^STEP 26\/26: CMD \["cat \/greet"\]$/m);
    expect(r.stdout).toMatch(/^Successfully tagged localhost\/all:1$/m);
    const id = r.stdout.trim().split('\n').pop()!;
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const img = await inspect('all:1');
    expect(img.Id).toBe(id);
    expect(img.Author).toBe('someone@example.com');
    expect(img.Config).toMatchObject({
      Env: expect.arrayContaining(['GREETING=hi you', 'OLD=g1', 'LEGACY=form with spaces']),
      Labels: expect.objectContaining({ who: 'you', 'quoted key': 'v w' }),
      User: 'user',
      WorkingDir: '/app/rel',
      ExposedPorts: { '80/tcp': {}, '8000/udp': {}, '8001/udp': {} },
      Volumes: { '/vol': {}, '/vol2': {}, '/vol3': {} },
      StopSignal: 'SIGINT',
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: ['cat /greet'],
    });
    // The Docker-only fields survive in the stored config (--format docker).
    const save = path.join(sb.dir, 'all.tar');
    await ok(['save', '-o', save, 'all:1']);
    const listing = (await ok(['run', '--rm', '-v', `${sb.dir}:/host:ro`, 'bb', 'tar', '-xOf', '/host/all.tar', `${id}.json`])).stdout;
    const cfg = JSON.parse(listing) as { config: Record<string, unknown>; history: Array<{ created_by: string; empty_layer?: boolean }> };
    expect(cfg.config.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 5e9, Retries: 2 });
    expect(cfg.config.OnBuild).toEqual(['RUN echo triggered > /tmp/onbuild']);
    expect(cfg.config.Shell).toEqual(['/bin/sh', '-ec']);
    expect(cfg.history.filter((h) => !h.empty_layer).length).toBe(img.RootFS.Layers.length);

    expect(await cat('all:1', 'cat /greet /pwd /heredoc /etc/note; stat -c "%n %u %g %a" /data /app/owned.txt /app/a.txt /app/b.txt; ls /gone 2>&1 || true'))
      .toBe('hi you you\n/app/rel\nfrom-heredoc\nnote you\n/data 1000 1000 755\n/app/owned.txt 1000 1000 640\n/app/a.txt 0 0 644\n/app/b.txt 0 0 644\nls: /gone: No such file or directory\n');
    // The RUN that removed /gone holds a whiteout, not nothing.
    const hist = (await ok(['history', '--no-trunc', '--format', '{{.ID}} {{.CreatedBy}}', 'all:1'])).stdout;
    expect(hist).toContain('/bin/sh -c rm /gone');

    // ONBUILD triggers run when a later build starts FROM the image, and are not inherited.
    const child = context('child', { Containerfile: 'FROM all:1\nRUN test -f /tmp/onbuild\n' });
    await ok(['build', '--format', 'docker', '-t', 'child:1', child]);
    expect(await cat('child:1', 'cat /tmp/onbuild')).toBe('triggered\n');
    expect(await leftovers()).toEqual({ containers: '', tmp: [] });
  });

  it('the cache: a rebuild reuses every step and gives the same id; a changed source reruns from its COPY on', async () => {
    const dir = context('cache', {
      'one.txt': '1\n',
      'two.txt': '2\n',
      'Containerfile': 'FROM bb\nRUN echo a > /a\nCOPY one.txt /\nRUN cat /one.txt > /copy1\nCOPY two.txt /\nRUN cat /proc/sys/kernel/random/uuid > /stamp\nENV X=1\n',
    });
    const first = await ok(['build', '-t', 'cache:1', dir]);
    const id1 = first.stdout.trim().split('\n').pop();
    expect(first.stdout).not.toContain('Using cache');
    const again = await ok(['build', '-t', 'cache:1', dir]);
    expect(again.stdout.match(/--> Using cache/g)?.length).toBe(6);
    expect(again.stdout.trim().split('\n').pop()).toBe(id1);
    const stamp = await cat('cache:1', 'cat /stamp');

    sb.file('cache/two.txt', 'changed\n');
    const third = await ok(['build', '-t', 'cache:2', dir]);
    const lines = third.stdout.split('\n');
    const cachedAfter = (step: string) => lines[lines.findIndex((l) => l.startsWith(step)) + 1]!.startsWith('--> Using cache');
    expect(cachedAfter('STEP 2/7')).toBe(true);
    expect(cachedAfter('STEP 4/7')).toBe(true);
    expect(cachedAfter('STEP 5/7')).toBe(false);
    expect(cachedAfter('STEP 6/7')).toBe(false);
    expect(await cat('cache:2', 'cat /two.txt')).toBe('changed\n');
    expect(await cat('cache:2', 'cat /stamp')).not.toBe(stamp);

    const nocache = await ok(['build', '--no-cache', '-q', dir]);
    expect(nocache.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    // Intermediate images are dangling: listed with -a only.
    const all = (await ok(['images', '-a', '-q'])).stdout.trim().split('\n').length;
    const named = (await ok(['images', '-q'])).stdout.trim().split('\n').length;
    expect(all).toBeGreaterThan(named);
  });

  it('multi-stage: --target, FROM scratch, COPY --from a stage, ADD of a local tar, build args in FROM', async () => {
    const tar = await writeTar([
      { name: 'x', content: 'in archive\n' },
      { name: 'd', type: 'directory' },
      { name: 'd/y', content: 'deep\n' },
    ]);
    const dir = context('multi', {
      'f.txt': 'plain\n',
      'Containerfile': [
        'ARG BASE=bb',
        'FROM $BASE AS build',
        'RUN mkdir /out && echo built > /out/result && echo other > /out/other',
        'FROM scratch AS final',
        'COPY --from=build /out/result /out/other /bin/busybox /',
        'ADD archive.tar /unpacked/',
        'ADD f.txt /added.txt',
        'FROM build AS broken',
        'RUN exit 7',
        '',
      ].join('\n'),
    });
    sb.file('multi/archive.tar', tar);
    const r = await ok(['build', '--target', 'final', '-t', 'ms:1', dir]);
    expect(r.stdout).toMatch(/^\[1\/2\] STEP 1\/2: FROM \$BASE AS build$/m);
    expect(r.stdout).not.toContain('exit 7');
    const img = await inspect('ms:1');
    expect(img.RootFS.Layers.length).toBe(3);
    const files = await ok(['run', '--rm', '--entrypoint', '', 'ms:1', '/busybox', 'cat', '/result', '/unpacked/x', '/unpacked/d/y', '/added.txt']);
    expect(files.stdout).toBe('built\nin archive\ndeep\nplain\n');
    const bad = await run(['build', '--target', 'nosuch', dir]);
    expect([bad.exitCode, bad.stderr.trim()]).toEqual([125, 'Error: building: the target "nosuch" was not found in the provided Containerfile']);
  });

  it('a failing RUN stops the build with its status and leaves nothing behind', async () => {
    const dir = context('fail', { Containerfile: 'FROM bb\nRUN echo before\nRUN echo out; echo err >&2; exit 3\nRUN echo never\n' });
    const r = await run(['build', dir]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain('out\n');
    expect(r.stdout).not.toContain('never');
    expect(r.stderr).toContain('err\n');
    expect(r.stderr).toContain('Error: building at STEP "RUN echo out; echo err >&2; exit 3": while running runtime: exit status 3\n');
    expect(await leftovers()).toEqual({ containers: '', tmp: [] });
  });

  it('malformed Containerfiles fail with the file, line and reason before any step runs', async () => {
    const cases: Array<[string, string]> = [
      ['FROM bb\nRUN touch /ran\nBOGUS x\n', 'Error: Containerfile:3: unknown instruction: BOGUS'],
      ['RUN echo\n', 'Error: Containerfile:1: RUN before the first FROM: only ARG may come before it'],
      ['FROM bb\nCOPY --nope a /\n', 'Error: Containerfile:2: unknown flag: nope'],
      ['FROM bb\nRUN <<EOF\necho\n', 'Error: Containerfile:2: unterminated heredoc: no line "EOF" after the instruction'],
      ['FROM bb\nEXPOSE 99999\n', 'Error: Containerfile:2: invalid port range: 99999'],
    ];
    const before = (await ok(['images', '-a', '-q'])).stdout;
    for (const [text, message] of cases) {
      const dir = context('bad', { Containerfile: text });
      const r = await run(['build', dir]);
      expect([r.exitCode, r.stderr.trim().split('\n').pop()], text).toEqual([125, message]);
      expect(r.stdout).not.toContain('STEP 2');
    }
    const missing = await run(['build', context('bad1', { Containerfile: 'FROM bb\nCOPY missing.txt /\n' })]);
    expect([missing.exitCode, missing.stderr]).toEqual([125, 'Error: building at STEP "COPY missing.txt /": checking on sources under the context: copier: stat: "/missing.txt": no such file or directory\n']);
    const dir = context('bad2', { Dockerfile: 'FROM bb\n' });
    expect((await run(['build', '-f', 'Nope', dir])).stderr).toMatch(/^Error: reading .*Nope: no such file or directory\n$/);
    expect((await ok(['images', '-a', '-q'])).stdout).toBe(before);
  });

  it('.dockerignore with ! exceptions and **, the Containerfile on stdin (-f -), a tar context on stdin', async () => {
    const dir = context('ignore', {
      'keep.txt': 'k\n',
      'skip.log': 's\n',
      'logs/important.log': 'i\n',
      'deep/a/b/c.tmp': 't\n',
      'deep/a/b/keep.md': 'm\n',
      '.dockerignore': '*.log\n!logs/important.log\n**/*.tmp\n',
    });
    await ok(['build', '-t', 'ign:1', '-f', '-', dir], 'FROM bb\nCOPY . /ctx/\n');
    expect(await cat('ign:1', 'cd /ctx && find . -type f | sort')).toBe('./.dockerignore\n./deep/a/b/keep.md\n./keep.txt\n./logs/important.log\n');

    // A tar on stdin: `..` and absolute names stay inside the context.
    const tar = await writeTar([
      { name: 'Containerfile', content: 'FROM bb\nCOPY . /t/\n' },
      { name: '../escape.txt', content: 'e\n' },
      { name: '/abs.txt', content: 'a\n' },
    ]);
    await ok(['build', '-t', 'tarctx:1', '-'], tar);
    expect(await cat('tarctx:1', 'cd /t && find . -type f | sort')).toBe('./Containerfile\n./abs.txt\n./escape.txt\n');
    expect(fs.existsSync(path.join(sb.dir, 'escape.txt'))).toBe(false);
  });

  it('hostile contexts: a symlink out of the context is copied as a link, and never followed as a source', async () => {
    const dir = context('hostile', { 'real.txt': 'r\n' });
    fs.symlinkSync('/etc/shadow', path.join(dir, 'shadow'));
    sb.chown(dir);
    sb.file('hostile/Containerfile', 'FROM bb\nCOPY . /ctx/\n');
    await ok(['build', '-t', 'host:1', dir]);
    expect(await cat('host:1', 'readlink /ctx/shadow; test -e /ctx/shadow || echo dangling')).toBe('/etc/shadow\ndangling\n');
    // Named as a source, a link resolves inside the context: there is no etc/shadow there.
    sb.file('hostile/Containerfile', 'FROM bb\nCOPY shadow /x\n');
    const r = await run(['build', dir]);
    expect([r.exitCode, r.stderr]).toEqual([125, 'Error: building at STEP "COPY shadow /x": checking on sources under the context: copier: stat: "/shadow": no such file or directory\n']);
    const up = context('hostile-up', { Containerfile: 'FROM bb\nCOPY up/etc/passwd /x\n' });
    fs.symlinkSync('../../../../../..', path.join(up, 'up'));
    sb.chown(up);
    expect((await run(['build', up])).stderr).toBe('Error: building at STEP "COPY up/etc/passwd /x": checking on sources under the context: copier: stat: "/up/etc/passwd": no such file or directory\n');
  });

  it('kill -9 in the middle of a RUN: the next build cleans up and completes', async () => {
    const dir = context('kill', { Containerfile: 'FROM bb\nRUN echo started && sleep 30\n' });
    const live = spawnLive(sb, cliArgv(sb, ['build', '--no-cache', dir]));
    await live.waitFor('started', 60_000);
    process.kill(live.child.pid!, 'SIGKILL');
    await live.exited;
    sb.file('kill/Containerfile', 'FROM bb\nRUN echo done > /done\n');
    await ok(['build', '-t', 'after:1', dir]);
    expect(await cat('after:1', 'cat /done')).toBe('done\n');
    expect(await leftovers()).toEqual({ containers: '', tmp: [] });
    await ok(['images', '-a']);
  });

  it('flags podman has and this builder does not are refused with a reason', async () => {
    const dir = context('flags', { Containerfile: 'FROM bb\n' });
    for (const [flag, reason] of [
      [['--squash', '--layers'], 'Error: cannot specify --squash with --layers and --squash-all with --squash'],
      [['--sign-by', 'ABCD'], 'Error: --sign-by is not supported: image signing is not supported'],
      [['--rm=false'], 'Error: --rm=false is not supported: step containers are always removed'],
      [['--isolation', 'chroot'], 'Error: --isolation=chroot is not supported: RUN steps always run in a rootless container of the tsc-run helper'],
    ] as const) {
      const r = await run(['build', ...flag, dir]);
      expect([r.exitCode, r.stderr.trim()]).toEqual([125, reason]);
    }
    const iid = path.join(sb.dir, 'iid');
    const r = await ok(['build', '-q', '--iidfile', iid, '--label', 'a=b', '--env', 'E=1', '--timestamp', '0', dir]);
    expect(fs.readFileSync(iid, 'utf8')).toBe(`sha256:${r.stdout.trim()}`);
    const img = await inspect(r.stdout.trim());
    expect(img.Config).toMatchObject({ Labels: expect.objectContaining({ a: 'b' }), Env: expect.arrayContaining(['E=1']) });
  });
});
