// build beside podman build (buildah): the same Containerfile built by both
// gives the same config fields and the same file tree (types, modes, owners,
// contents); what we build, podman loads, reads and runs, and skopeo
// inspects; what podman builds, we load and build FROM. Root only (podman
// with a private --root, vfs, chroot isolation: its OCI runtime cannot run on
// this host's hybrid cgroups); tsc-run runs as the test user.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBusyboxRootfsTar, isRoot, runProcess, tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';
import { podmanStore, tarTree, type TreeItem } from './build-util.js';

const hasTools = fs.existsSync('/usr/bin/podman') && fs.existsSync('/usr/bin/skopeo');

describe.runIf(hasTools && isRoot())('build interop with podman, buildah and skopeo', () => {
  let sb: Sandbox;
  let pd: string;
  let pm: ReturnType<typeof podmanStore> | undefined;
  const podman = (args: string[]) => pm!.podman(args);
  const pok = (args: string[]) => pm!.pok(args);
  const ok = async (args: string[]) => {
    const r = await tscRun(args, { sandbox: sb, timeoutMs: 120_000 });
    expect(r.exitCode, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  beforeAll(async () => {
    sb = await busyboxSandbox('build-interop', 'user');
    pm = podmanStore('tsc-run-build-podman-');
    pd = pm.dir;
    const tar = await buildBusyboxRootfsTar(path.join(pd, 'rootfs.tar'));
    await pok(['import', '-q', tar.path, 'localhost/bb:latest']);
  });
  afterAll(async () => {
    await pm?.dispose();
    await disposeSandbox(sb);
  });

  it('the same Containerfile: the same config fields and file tree as podman build', async () => {
    const ctx = path.join(sb.dir, 'same');
    sb.file('same/a.txt', 'hello\n');
    sb.file('same/tree/x/y.txt', 'deep\n', 0o600);
    sb.file(
      'same/Containerfile',
      [
        'FROM localhost/bb:latest',
        'ARG V=1',
        'ENV A=b C="d e"',
        'RUN mkdir -p /srv/data && echo $V > /srv/v && chown 1000:1000 /srv/data && chmod 0750 /srv/data && rm -f /etc/motd',
        'COPY a.txt /srv/',
        'COPY --chown=1000:1000 tree /srv/tree/',
        'COPY --chmod=0755 a.txt /usr/local/bin/run.sh',
        'WORKDIR /srv',
        'USER 1000',
        'EXPOSE 8080/tcp',
        'VOLUME /srv/data',
        'LABEL k=v',
        'STOPSIGNAL SIGTERM',
        'ENTRYPOINT ["/bin/sh", "-c"]',
        'CMD ["cat /srv/v"]',
        '',
      ].join('\n'),
    );
    sb.chown(ctx);
    const ours = (await ok(['build', '-q', '-t', 'same:1', ctx])).stdout.trim();
    const theirs = (await pok(['build', '-q', '--isolation', 'chroot', '-t', 'same:1', ctx])).stdout.trim().split('\n').pop()!;
    const cfgOurs = JSON.parse((await ok(['image', 'inspect', ours])).stdout)[0].Config as Record<string, unknown>;
    const cfgTheirs = JSON.parse((await pok(['image', 'inspect', theirs])).stdout)[0].Config as Record<string, unknown>;
    for (const k of ['Env', 'Entrypoint', 'Cmd', 'WorkingDir', 'User', 'ExposedPorts', 'Volumes', 'StopSignal']) expect(cfgOurs[k], k).toEqual(cfgTheirs[k]);
    const labels = (c: Record<string, unknown>) => Object.fromEntries(Object.entries((c.Labels ?? {}) as Record<string, string>).filter(([k]) => !/^io\.(buildah|tsc-run)\.version$/.test(k)));
    expect(labels(cfgOurs)).toEqual(labels(cfgTheirs));

    // File trees: export a container of each.
    const ourTar = path.join(sb.dir, 'ours.tar');
    await ok(['create', '--name', 'same-c', 'same:1']);
    await ok(['export', '-o', ourTar, 'same-c']);
    const theirTar = path.join(pd, 'theirs.tar');
    await pok(['create', '--name', 'same-c', theirs]);
    await pok(['export', '-o', theirTar, 'same-c']);
    const a = await tarTree(ourTar);
    const b = await tarTree(theirTar);
    const runtime = /^\/(dev|proc|sys|run)(\/|$)|^\/etc\/(hosts|hostname|resolv\.conf)$/;
    const keys = (m: Map<string, TreeItem>) => [...m.keys()].filter((k) => !runtime.test(k) && k !== '/').sort();
    expect(keys(a)).toEqual(keys(b));
    for (const k of keys(a)) expect(a.get(k), k).toEqual(b.get(k));
  });

  it('what we build, podman loads and runs and skopeo inspects; what podman builds, we build FROM', async () => {
    const ctx = path.join(sb.dir, 'ours');
    sb.file('ours/Containerfile', 'FROM bb\nRUN echo built-by-tsc-run > /by\nCMD ["cat", "/by"]\n');
    sb.chown(ctx);
    await ok(['build', '-q', '-t', 'ours:1', ctx]);
    const archive = path.join(sb.dir, 'ours-img.tar');
    await ok(['save', '-o', archive, 'ours:1']);
    const sk = await runProcess('skopeo', ['inspect', '--config', `docker-archive:${archive}`], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pd }, timeoutMs: 60_000 });
    expect(sk.exitCode, sk.stderr).toBe(0);
    expect(JSON.parse(sk.stdout).config.Cmd).toEqual(['cat', '/by']);
    await pok(['load', '-q', '-i', archive]);
    const r = await podman(['run', '--rm', '--network', 'none', '--cgroups', 'disabled', 'localhost/ours:1']);
    if (r.exitCode === 0) expect(r.stdout).toBe('built-by-tsc-run\n');
    else {
      // podman's OCI runtime may not run here: read the file through a mount instead.
      const m = await pok(['image', 'mount', 'localhost/ours:1']);
      expect(fs.readFileSync(path.join(m.stdout.trim(), 'by'), 'utf8')).toBe('built-by-tsc-run\n');
      await podman(['image', 'unmount', 'localhost/ours:1']);
    }

    const pctx = path.join(pd, 'theirs');
    fs.mkdirSync(pctx);
    fs.writeFileSync(path.join(pctx, 'Containerfile'), 'FROM localhost/bb:latest\nRUN echo built-by-podman > /by-podman\nENV FROM_PODMAN=1\n');
    await pok(['build', '-q', '--isolation', 'chroot', '-t', 'localhost/theirs:1', pctx]);
    const parchive = path.join(pd, 'theirs-img.tar');
    await pok(['save', '-o', parchive, 'localhost/theirs:1']);
    fs.chmodSync(pd, 0o755);
    fs.chmodSync(parchive, 0o644);
    await ok(['load', '-i', parchive]);
    sb.file('next/Containerfile', 'FROM localhost/theirs:1\nRUN cat /by-podman > /seen && echo $FROM_PODMAN >> /seen\n');
    sb.chown(path.join(sb.dir, 'next'));
    await ok(['build', '-t', 'next:1', path.join(sb.dir, 'next')]);
    expect((await ok(['run', '--rm', 'next:1', 'cat', '/seen'])).stdout).toBe('built-by-podman\n1\n');
  });
});
